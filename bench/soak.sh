#!/usr/bin/env bash
# Soak test: a long mixed load against the release binary, with short task TTLs so that tasks
# are created, progress, expire and are swept all the time. Run by hand, never in CI:
#
#   bench/soak.sh [DURATION]        # DURATION of load: 90s, 10m, 1h (default 10m)
#
# Needs wrk (Debian package `wrk`). Knobs (environment): SOAK_SLICE (30s), SOAK_CONNECTIONS (8),
# SOAK_RATE (2000 requests/s in all, paced by bench/soak.lua; moderate, so the soak can run
# beside other work, and fixed, so every slice does the same work and RSS compares; 0: as fast
# as the emulator answers).
#
# test_user is logged in, then wrk runs bench/soak.lua in slices (restarted per slice) until
# DURATION of load has passed; each connection rotates through giveMoneyRequest (1 billon to
# alice, a unique uniqueTransferId each), getTaskStatus of the newest task it created,
# requestPersonalLoginAuthentication to alice, getTaskStatus of its oldest task (expired by
# then), hello, getTaskStatus by uniqueTransferId, getMoneyStatus, getTaskStatus of a task half
# its TTL old. What counts as an error is listed at the top of bench/soak.lua. One line per slice: elapsed time, requests/s, errors so
# far, live tasks and the emulator's RSS, both taken as the slice's load stops.
#
# Between slices the world is reset (POST /__admin/world/reset) and test_user logged in again:
# every transfer adds history entries and a coin to the world by design (that is what
# getHistoryReport and getCoinList answer from), so without the reset RSS would grow with the
# number of transfers and hide the growth this test looks for: memory kept by tasks, the
# store and its indexes, the sweeper, the journal, connections.
#
# Fails (exit 1) on any error, or when the RSS at the end is more than 10% above the RSS after
# the first slice (the warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds() { # 90s, 10m, 1h or a plain number of seconds -> seconds
  case "$1" in
    *[0-9]s) echo "${1%s}" ;;
    *[0-9]m) echo $(( ${1%m} * 60 )) ;;
    *[0-9]h) echo $(( ${1%h} * 3600 )) ;;
    *[0-9]) echo "$1" ;;
    *) echo "not a duration: $1 (use 90s, 10m, 1h)" >&2; return 1 ;;
  esac
}
duration=$(seconds "${1:-10m}")
slice=$(seconds "${SOAK_SLICE:-30s}")
connections=${SOAK_CONNECTIONS:-8}
rate=${SOAK_RATE:-2000}
ttl_s=5
pace=50ms
addr=127.0.0.1:19102
url="http://$addr/"
[ "$duration" -gt 0 ] && [ "$slice" -gt 0 ] || { echo "DURATION and SOAK_SLICE must be positive" >&2; exit 2; }
interval_ms=$(awk -v c="$connections" -v r="$rate" 'BEGIN { print (r > 0 ? 1000 * c / r : 0) }')
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if curl -s -o /dev/null --max-time 2 "$url"; then
  echo "something already answers on $addr; stop it first" >&2
  exit 1
fi

cargo build --release --quiet --bin cnode-emulator
work=$(mktemp -d)
pid= wrk_pid=
cleanup() { # wrk, then the emulator (it shuts down gracefully on SIGTERM)
  local p
  for p in $wrk_pid $pid; do
    if kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

RUST_LOG=warn target/release/cnode-emulator --listen "$addr" --task-ttl "${ttl_s}s" --pace "$pace" \
  >"$work/emulator.log" 2>&1 &
pid=$!

die() { echo "soak: $*" >&2; tail -n 20 "$work/emulator.log" >&2 || true; exit 1; }
alive() { kill -0 "$pid" 2>/dev/null || die "the emulator (pid $pid) has exited"; }
for _ in $(seq 50); do
  alive
  curl -sf -o /dev/null "${url}__admin/tasks?limit=1" && break
  sleep 0.1
done
curl -sf -o /dev/null "${url}__admin/tasks?limit=1" || die "the emulator does not answer on $addr"

envelope() { # operation, arguments as XML
  printf '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:%s>%s</ns:%s></SOAP-ENV:Body></SOAP-ENV:Envelope>' "$1" "$2" "$1"
}
soap() { # operation, arguments as XML -> the answer
  envelope "$1" "$2" | curl -s --max-time 5 "$url" -H 'Content-Type: text/xml; charset=utf-8' --data-binary @-
}
login() { # test_user, then poll the LOGIN task until it is final
  local task status
  task=$(soap startLogin '<billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword>' \
    | sed -n 's:.*<taskId>\([0-9A-Z]*\)</taskId>.*:\1:p') || true
  [ -n "$task" ] || die "startLogin gave no taskId"
  for _ in $(seq 100); do
    status=$(soap getTaskStatus "<taskId>$task</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback>" \
      | sed -n 's:.*<status>\([A-Z_]*\)</status>.*:\1:p') || true
    case "$status" in
      FINISHED_OK) return 0 ;;
      FINISHED*) die "login of test_user ended $status" ;;
    esac
    sleep 0.1
  done
  die "login of test_user did not finish (last status: ${status:-none})"
}
rss_kb() { alive; awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
live_tasks() { curl -s --max-time 5 "${url}__admin/tasks?limit=1" | grep -o '"total":[0-9]*' | tail -n 1 | cut -d: -f2 || true; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; } # a number from the slice's SOAK line
clock() { printf '%d:%02d' $(( $1 / 60 )) $(( $1 % 60 )); }

login
echo "soak: $(clock "$duration") of load in slices of ${slice}s; $connections connections, $rate requests/s in all;" \
  "--task-ttl ${ttl_s}s --pace $pace; emulator pid $pid, RSS $(rss_kb) kB after login"

run_tag="$$$(date +%s)"
started=$(date +%s)
loaded=0 number=0 errors=0 requests=0 created=0 expired=0 rss_start= rss_end=
while [ "$loaded" -lt "$duration" ]; do
  number=$(( number + 1 ))
  length=$(( duration - loaded < slice ? duration - loaded : slice ))
  # In the background, so that a signal to this script is handled at once, not after the slice.
  SOAK_TTL=$ttl_s SOAK_RUN=$run_tag SOAK_SLICE=$number SOAK_INTERVAL=$interval_ms \
    wrk -t"$connections" -c"$connections" -d"${length}s" --timeout 10s -s bench/soak.lua "$url" >"$work/wrk.txt" 2>&1 &
  wrk_pid=$!
  if ! wait "$wrk_pid"; then
    cat "$work/wrk.txt" >&2
    die "wrk failed in slice $number"
  fi
  loaded=$(( loaded + length ))
  # Taken as the load stops, before the world is reset: the same moment in every slice.
  live=$(live_tasks)
  rss_end=$(rss_kb)
  [ -n "$rss_start" ] || rss_start=$rss_end
  line=$(grep '^SOAK requests=' "$work/wrk.txt") || { cat "$work/wrk.txt" >&2; die "no summary from bench/soak.lua"; }
  errors=$(( errors + $(field errors) ))
  requests=$(( requests + $(field requests) ))
  created=$(( created + $(field tasks_created) ))
  expired=$(( expired + $(field expired_polls) ))
  printf '%6s  slice %3d  %8.1f req/s  errors %6d  live tasks %6s  RSS %7d kB\n' \
    "$(clock $(( $(date +%s) - started )))" "$number" "$(field rps)" "$errors" "${live:-?}" "$rss_end"
  grep '^SOAK error:' "$work/wrk.txt" | sed 's/^SOAK error:/          error:/' || true
  if [ "$loaded" -lt "$duration" ]; then
    curl -sf -o /dev/null --max-time 10 -X POST "${url}__admin/world/reset" || die "world reset failed"
    login
  fi
done

ratio=$(awk -v s="$rss_start" -v e="$rss_end" 'BEGIN { printf "%.3f", e / s }')
echo "requests: $requests, tasks created: $created, polls of expired tasks: $expired"
echo "RSS at start (after slice 1): $rss_start kB, at end: $rss_end kB, end/start: $ratio"
echo "errors: $errors"
status=0
[ "$errors" -eq 0 ] || { echo "FAIL: $errors errors"; status=1; }
if awk -v r="$ratio" 'BEGIN { exit !(r > 1.10) }'; then
  echo "FAIL: RSS grew by more than 10%"
  status=1
fi
[ "$status" -ne 0 ] || echo "PASS"
exit "$status"
