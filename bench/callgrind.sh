#!/usr/bin/env bash
# Instructions per getTaskStatus, counted by valgrind's callgrind, for the bare handler and the
# emulator in one go, and their ratio. Run by hand, never in CI:
#   bench/callgrind.sh [EMULATOR_BINARY] [BARE_BINARY]
# (defaults: this tree's release builds, built first), e.g. a scratch clone's binaries at the
# commit before a change, then this tree's.
#
# What it measures, and why: wall time and even CPU time per request (bench/http.sh,
# bench/cpu_per_request.sh) move by tens of percent on this shared 2-core machine, with other
# builds running; the number of instructions a server executes for a request does not: two
# runs agree to a fraction of a percent, so a change of a few percent in a handler shows. It is
# not time (a cache miss or a syscall's kernel work counts as nothing; only user-space
# instructions are counted) but tracks CPU per request closely for this kind of code.
#
# How: each server runs under `valgrind --tool=callgrind` (the emulator with --workers 1 and
# --pace 0, one live finished login task); bench/keepalive_client.py sends WARMUP (default 200)
# getTaskStatus requests on one keep-alive connection, the counters are zeroed
# (`callgrind_control -z`), REQUESTS (default 3000) more are sent on a new keep-alive
# connection, and the counters are dumped (`callgrind_control -d`): the dump's total over
# REQUESTS is instructions per request, all threads together (the new connection's accept is
# in it once: under 0.3% at 3000 requests). The bare handler answers the
# emulator's own reply bytes (asked for first), as in bench/http.sh; every answer is checked
# to be those bytes.
# Environment: REQUESTS, WARMUP; BENCH_PORT_BASE (default 19100: ports BASE+40 and BASE+41);
# OUT=dir keeps the callgrind files there (for callgrind_annotate) instead of a temporary dir.
# Needs valgrind (Debian package `valgrind`) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${REQUESTS:-3000}
warmup=${WARMUP:-200}
port_base=${BENCH_PORT_BASE:-19100}
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
if [ $# -eq 0 ]; then
  cargo build --release --quiet --bin cnode-emulator --example bare_handler
fi
emulator_bin=${1:-target/release/cnode-emulator}
bare_bin=${2:-target/release/examples/bare_handler}
work=$(mktemp -d)
out=${OUT:-$work}
mkdir -p "$out"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

envelope() { # operation, arguments as XML
  printf '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:%s>%s</ns:%s></SOAP-ENV:Body></SOAP-ENV:Envelope>' "$1" "$2" "$1"
}
start() { # name, port, command...: the server under callgrind, once it answers; sets $pid
  local name=$1 port=$2
  shift 2
  RUST_LOG=warn valgrind --tool=callgrind --callgrind-out-file="$out/$name.%p.out" "$@" \
    >/dev/null 2>"$out/$name.valgrind.log" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 300); do
    curl -s -o /dev/null -X POST "http://127.0.0.1:$port/" && return
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "$name did not start under valgrind: see $out/$name.valgrind.log" >&2
  exit 1
}
count() { # name, port, pid: instructions per request, from a dump after warm-up and zeroing
  local name=$1 port=$2 pid=$3 dump total
  python3 bench/keepalive_client.py "$port" "$warmup" "$work/poll.xml" --expect "$work/reply.xml"
  callgrind_control -z "$pid" >>"$out/$name.control.log" 2>&1
  python3 bench/keepalive_client.py "$port" "$requests" "$work/poll.xml" --expect "$work/reply.xml"
  callgrind_control -d "$pid" >>"$out/$name.control.log" 2>&1
  dump=$out/$name.$pid.out.1
  for _ in $(seq 50); do [ -s "$dump" ] && grep -q '^totals:' "$dump" && break; sleep 0.2; done
  total=$(awk '/^summary:/ {print $2}' "$dump")
  [ -n "$total" ] || { echo "no callgrind dump for $name at $dump" >&2; exit 1; }
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$total"
}

# The emulator first: a live finished task to poll, and the reply the bare handler repeats.
emulator_port=$((port_base + 41))
start emulator "$emulator_port" "$emulator_bin" --listen "127.0.0.1:$emulator_port" --pace 0 --workers 1
emulator_pid=$pid
task=$(envelope startLogin '<billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword>' \
  | curl -s "http://127.0.0.1:$emulator_port/" -H 'Content-Type: text/xml' --data-binary @- \
  | sed -n 's:.*<taskId>\([0-9A-Z]*\)</taskId>.*:\1:p')
[ -n "$task" ] || { echo "could not start a task" >&2; exit 1; }
envelope getTaskStatus "<taskId>$task</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback>" >"$work/poll.xml"
curl -s "http://127.0.0.1:$emulator_port/" -H 'Content-Type: text/xml; charset=utf-8' --data-binary @"$work/poll.xml" \
  >"$work/reply.xml"
emulator_total=$(count emulator "$emulator_port" "$emulator_pid")

bare_port=$((port_base + 40))
start bare "$bare_port" "$bare_bin" "127.0.0.1:$bare_port" "$work/reply.xml"
bare_total=$(count bare "$bare_port" "$pid")

echo "getTaskStatus, $requests keep-alive requests after $warmup, one at a time; a $(wc -c <"$work/reply.xml")-byte reply"
awk -v b="$bare_total" -v e="$emulator_total" -v n="$requests" 'BEGIN {
  printf "  bare:     %8.0f instructions/request\n", b / n
  printf "  emulator: %8.0f instructions/request\n", e / n
  printf "  ratio emulator/bare: %.2f\n", e / b }'
[ -z "${OUT:-}" ] || echo "  the measured dumps, for callgrind_annotate: $out/emulator.$emulator_pid.out.1, $out/bare.$pid.out.1"
