#!/usr/bin/env bash
# Throughput of getTaskStatus next to a bare actix-web POST handler, in one run on this machine.
# Needs wrk (Debian package `wrk`). Run by hand: bench/http.sh [DURATION] [CONNECTIONS]
# Prints requests/s and latency percentiles for each, and the ratio emulator / bare.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-64}
bare_addr=127.0.0.1:19100
emulator_addr=127.0.0.1:19101
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet --bin cnode-emulator --example bare_handler
work=$(mktemp -d)
cleanup() { kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

target/release/examples/bare_handler "$bare_addr" 2>/dev/null &
RUST_LOG=warn target/release/cnode-emulator --listen "$emulator_addr" --pace 0 &
sleep 1

envelope() { # operation, arguments as XML
  printf '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:%s>%s</ns:%s></SOAP-ENV:Body></SOAP-ENV:Envelope>' "$1" "$2" "$1"
}
task=$(envelope startLogin '<billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword>' \
  | curl -s "http://$emulator_addr/" -H "Content-Type: text/xml" --data-binary @- | sed -n 's:.*<taskId>\([0-9A-Z]*\)</taskId>.*:\1:p')
[ -n "$task" ] || { echo "could not start a task" >&2; exit 1; }
envelope getTaskStatus "<taskId>$task</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback>" >"$work/body.xml"

run() { # name, address
  BODY_FILE="$work/body.xml" wrk -t2 -c"$connections" -d"$duration" --latency -s bench/post.lua "http://$2/" >"$work/$1.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.txt")
  echo "$1: $rps requests/s, p99 $p99, errors: $(grep -c 'Non-2xx\|Socket errors' "$work/$1.txt" || true)" >&2
  echo "$rps"
}
echo "getTaskStatus on a live task, $connections connections, $duration each, keep-alive" >&2
bare=$(run bare "$bare_addr")
emulator=$(run emulator "$emulator_addr")
awk -v e="$emulator" -v b="$bare" 'BEGIN { printf "ratio emulator/bare: %.2f\n", e / b }'
