#!/usr/bin/env bash
# Server CPU per getTaskStatus (steadier than requests/s on a shared machine), for two builds
# side by side: bench/cpu_per_request.sh BASE_BINARY AFTER_BINARY [ROUNDS] [DURATION]
# e.g. a scratch clone's target/release/cnode-emulator at the commit before a change, and
# this tree's. Each round polls one live task from each emulator in turn (wrk, 1 thread, 32
# connections) and divides the process's user+system CPU by the requests served.
# Needs wrk. Run by hand, never in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1; after=$2; rounds=${3:-3}; duration=${4:-6s}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
envelope() {
  printf '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:%s>%s</ns:%s></SOAP-ENV:Body></SOAP-ENV:Envelope>' "$1" "$2" "$1"
}
start() { # binary port -> pid, and the poll envelope for one live task in $work/poll<port>.xml
  RUST_LOG=warn "$1" --listen "127.0.0.1:$2" --pace 0 >/dev/null 2>&1 &
  pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$2/"; do sleep 0.1; done
  local task
  task=$(envelope startLogin '<billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword>' \
    | curl -s "http://127.0.0.1:$2/" -H 'Content-Type: text/xml' --data-binary @- \
    | sed -n 's:.*<taskId>\([0-9A-Z]*\)</taskId>.*:\1:p')
  envelope getTaskStatus "<taskId>$task</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback>" >"$work/poll$2.xml"
}
start "$base" 19121
start "$after" 19122
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
for round in $(seq "$rounds"); do
  for which in "base ${pids[0]} 19121" "after ${pids[1]} 19122"; do
    set -- $which
    before=$(cpu "$2")
    BODY_FILE="$work/poll$3.xml" wrk -t1 -c32 -d"$duration" -s bench/post.lua "http://127.0.0.1:$3/" >"$work/wrk.txt"
    used=$(( $(cpu "$2") - before ))
    served=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    awk -v r="$round" -v w="$1" -v c="$used" -v n="$served" -v t="$ticks" \
      'BEGIN { printf "round %s %-5s %d requests, %.2f us CPU per request\n", r, w, n, c / t * 1e6 / n }'
  done
done
