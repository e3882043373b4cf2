#!/usr/bin/env bash
# The emulator next to a bare actix-web POST handler (the limit of this stack on this machine)
# and next to WireMock, measured in one run. Run by hand, never in CI:
#   bench/http.sh [DURATION] [CONNECTIONS]          (defaults 10s, 64)
# Environment:
#   SECTIONS="1 2"        only these sections (default "1 2 3 4"; 4 needs 3's tasks, so 4 runs 3)
#   BENCH_PORT_BASE=19200 bare handler on BASE, emulator on BASE+1, WireMock on BASE+2
#                         (default 19100; pick another base when someone else runs this script)
#   TASKS=1000000         live tasks for sections 3 and 4
#   EMULATOR=path         another emulator binary (e.g. an earlier commit's, for a "before"
#                         run); default this tree's release build
#   WIREMOCK=off          skip the WireMock row; WIREMOCK_VERSION (default 3.13.2) the npm
#                         package `wiremock` installed into target/wiremock to get its standalone
#                         jar, or WIREMOCK_JAR a jar of your own; WIREMOCK_WARMUP (default 15s,
#                         whole seconds) the least time of unmeasured wrk runs that warm
#                         WireMock's JIT before its row (more, up to a minute, until its CPU
#                         per request settles)
# Needs wrk (Debian package `wrk`); the WireMock row needs java and npm, else it says
# "skipped: <reason>" and the run goes on.
#
# Every row is one wrk run (2 threads, CONNECTIONS keep-alive connections, DURATION) against
# one server process, and prints:
#   requests/s and p99 (wrk's);
#   CPU us/req: the server's user+system CPU during the run (/proc/PID/stat fields 14 and 15,
#     in clock ticks of `getconf CLK_TCK`) over the requests wrk completed: steadier than
#     requests/s on a shared machine, since it does not count the time the server waits for
#     a core (wrk itself takes one of the two);
#   and, for every row but bare's, both ratios to the bare row of the same run: requests/s
#     (row / bare: under 1 is slower) and CPU per request (row / bare: over 1 costs more).
# The rows:
#   bare      the limit: an actix-web handler (bench/bare_handler.rs) that ignores the request
#             and answers the bytes of the emulator's own reply to the benched getTaskStatus
#             (asked for with curl first), so that it and the next row move the same bytes;
#   emulator  1. CNode getTaskStatus on a live, finished task (the same request body);
#   mobizon, bitrix24, ricloud, intellectmoney
#             1b-1e. the other front doors' status calls on a live task, each its seed's
#             request: Mobizon taskqueue/getStatus (a form POST), Bitrix24
#             configuration.import.get (JSON through a webhook), ricloud GET /tasks/{id}
#             (Authorization: Token), IntellectMoney getScheduledOperationData of one operation;
#   wiremock  1f. a peer: WireMock standalone with one static stub (POST / answers the same
#             bytes as the bare handler; its defaults, but the request journal and request
#             logging off, as WireMock advises for performance testing), warmed up by
#             unmeasured wrk runs first. It frames the body with chunked encoding (its default);
#   mix       2. startLogin, then 4 polls of its task, over and over (bench/mix.lua);
#   sweeping  4. getTaskStatus on a live task while a million other tasks expire at once and
#             are swept: its p99 is the point; its CPU per request includes the sweep's.
# Section 3 prints RSS per live task with a million tasks held (no row).
# At the end, a summary table of all rows, to paste into a note.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-64}
tasks=${TASKS:-1000000}
sections=" ${SECTIONS:-1 2 3 4} "
port_base=${BENCH_PORT_BASE:-19100}
bare_addr=127.0.0.1:$port_base
emulator_addr=127.0.0.1:$((port_base + 1))
wiremock_port=$((port_base + 2))
wiremock_version=${WIREMOCK_VERSION:-3.13.2}
wiremock_jar=${WIREMOCK_JAR:-target/wiremock/node_modules/wiremock/build/wiremock-standalone-$wiremock_version.jar}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[[ $sections == *" 4 "* ]] && sections+="3 "
has() { [[ $sections == *" $1 "* ]]; }

cargo build --release --quiet --bin cnode-emulator --example bare_handler --example fill
emulator=${EMULATOR:-target/release/cnode-emulator}
work=$(mktemp -d)
# shellcheck disable=SC2046 # the ids of this script's own background jobs, none or several
cleanup() { kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

envelope() { # operation, arguments as XML
  printf '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:%s>%s</ns:%s></SOAP-ENV:Body></SOAP-ENV:Envelope>' "$1" "$2" "$1"
}
call() { # operation, arguments: the answer
  envelope "$1" "$2" | curl -s "http://$emulator_addr/" -H "Content-Type: text/xml" --data-binary @-
}
task_id() { sed -n 's:.*<taskId>\([0-9A-Z]*\)</taskId>.*:\1:p'; }
admin() { # method, path, JSON body
  curl -s -X "$1" "http://$emulator_addr/__admin$2" -H "Content-Type: application/json" ${3:+-d "$3"}
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
start_emulator() { # flags...
  RUST_LOG=warn "$emulator" --listen "$emulator_addr" "$@" &
  emulator_pid=$!
  until curl -s -o /dev/null "http://$emulator_addr/"; do sleep 0.1; done
}
log_in() {
  call startLogin '<billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword>' | task_id
}
poll_body() { # task id -> file
  envelope getTaskStatus "<taskId>$1</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback>" >"$2"
}
cpu_ticks() { # pid: user + system CPU so far, in clock ticks (fields 14 and 15 of its stat)
  local stat fields
  stat=$(<"/proc/$1/stat")
  stat=${stat##*) } # past "pid (comm) ", whatever comm holds: field 3 is now the first
  read -r -a fields <<<"$stat"
  echo $((fields[11] + fields[12]))
}
ticks=$(getconf CLK_TCK)

# Each row: name, requests/s, p99, CPU us per request, errors; the bare row's are the reference.
rows=$work/rows.tsv
: >"$rows"
bare_rps=; bare_cpu=
load() { # output file, address, server pid, wrk script, body file, duration: the server's CPU us per request
  local before used served
  before=$(cpu_ticks "$3")
  BODY_FILE="$5" wrk -t2 -c"$connections" -d"$6" --latency -s "$4" "http://$2/" >"$1"
  used=$(($(cpu_ticks "$3") - before))
  served=$(awk '/requests in/ {print $1}' "$1")
  awk -v c="$used" -v t="$ticks" -v n="$served" 'BEGIN { printf "%.2f", n ? c / t * 1e6 / n : 0 }'
}
run() { # name, address, server pid, wrk script, body file: one row
  local name=$1 out=$work/$1.txt rps p99 cpu errors
  cpu=$(load "$out" "$2" "$3" "$4" "$5" "$duration")
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")
  [ "$name" = bare ] && { bare_rps=$rps; bare_cpu=$cpu; }
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p99" "$cpu" "$errors" >>"$rows"
  awk -v n="$name" -v r="$rps" -v p="$p99" -v c="$cpu" -v e="$errors" -v br="$bare_rps" -v bc="$bare_cpu" 'BEGIN {
    printf "  %s: %.0f requests/s, p99 %s, %.2f us CPU/request", n, r, p, c
    if (e > 0) printf ", %d ERRORS", e
    if (n != "bare" && br > 0 && bc > 0) printf "; vs bare: requests/s x%.2f, CPU/request x%.2f", r / br, c / bc
    printf "\n" }'
}
skip() { # name, reason
  printf '%s\tskipped: %s\n' "$1" "$2" >>"$rows"
  echo "  $1: skipped: $2"
}

# WireMock: its jar (installing the npm package `wiremock` when needed), started, one stub that
# answers $work/reply.xml, warmed up, then its row. Any failure makes the row a skipped one.
wiremock_row() {
  local address=127.0.0.1:$wiremock_port pid warmup=${WIREMOCK_WARMUP:-15s}
  [ "${WIREMOCK:-on}" != off ] || { skip wiremock "WIREMOCK=off"; return; }
  command -v java >/dev/null || { skip wiremock "java is missing"; return; }
  if [ ! -f "$wiremock_jar" ]; then
    command -v npm >/dev/null || { skip wiremock "npm is missing (to install the package wiremock)"; return; }
    npm install --prefix target/wiremock --no-audit --no-fund --silent "wiremock@$wiremock_version" >"$work/npm.log" 2>&1 \
      || { skip wiremock "npm install wiremock@$wiremock_version failed: $(tail -1 "$work/npm.log")"; return; }
    [ -f "$wiremock_jar" ] || { skip wiremock "no jar at $wiremock_jar"; return; }
  fi
  mkdir -p "$work/wiremock"
  java -jar "$wiremock_jar" --port "$wiremock_port" --bind-address 127.0.0.1 --root-dir "$work/wiremock" \
    --no-request-journal --disable-request-logging --disable-banner >"$work/wiremock.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do
    curl -sf -o /dev/null "http://$address/__admin/health" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! curl -sf -o /dev/null "http://$address/__admin/health"; then
    kill "$pid" 2>/dev/null || true
    skip wiremock "did not start: $(tail -1 "$work/wiremock.log")"
    return
  fi
  # base64Body: the stub answers exactly these bytes, with no JSON escaping to get right.
  curl -sf -o /dev/null -X POST "http://$address/__admin/mappings" -H "Content-Type: application/json" \
    -d "{\"request\": {\"method\": \"POST\", \"url\": \"/\"}, \"response\": {\"status\": 200, \"base64Body\": \"$(base64 -w0 "$work/reply.xml")\", \"headers\": {\"Content-Type\": \"text/xml; charset=utf-8\"}}}"
  if ! curl -s "http://$address/" -H "Content-Type: text/xml; charset=utf-8" --data-binary @"$work/poll.xml" \
    | cmp -s - "$work/reply.xml"; then
    kill "$pid" 2>/dev/null || true
    skip wiremock "its stub does not answer the emulator's reply"
    return
  fi
  # Warm-up, unmeasured: 5-second wrk runs until WIREMOCK_WARMUP has passed and CPU per
  # request has settled (two runs in a row within 10%), at most a minute: its JIT compiles
  # slowly when the machine is busy.
  local rounds=$((${warmup%s} / 5)) round cpu previous=0 settled=no history=
  [ "$rounds" -ge 1 ] || rounds=1
  for round in $(seq 12); do
    cpu=$(load "$work/warmup.txt" "$address" "$pid" bench/post.lua "$work/poll.xml" 5s)
    history+=" $cpu"
    if [ "$round" -ge "$rounds" ] && awk -v a="$cpu" -v b="$previous" 'BEGIN { exit !(b > 0 && a / b > 0.9 && a / b < 1.1) }'; then
      settled=yes
      break
    fi
    previous=$cpu
  done
  echo "  (WireMock $wiremock_version, $wiremock_jar; warm-up us CPU/request per 5 s:$history; settled: $settled)"
  run wiremock "$address" "$pid" bench/post.lua "$work/poll.xml"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# The emulator's reply to the benched poll, which the bare handler and WireMock answer too.
if has 1 || has 2; then
  start_emulator --pace 0
  task=$(log_in)
  [ -n "$task" ] || { echo "could not start a task" >&2; exit 1; }
  poll_body "$task" "$work/poll.xml"
  curl -s "http://$emulator_addr/" -H "Content-Type: text/xml; charset=utf-8" --data-binary @"$work/poll.xml" >"$work/reply.xml"
  [ -s "$work/reply.xml" ] || { echo "the emulator did not answer getTaskStatus" >&2; exit 1; }
  target/release/examples/bare_handler "$bare_addr" "$work/reply.xml" 2>/dev/null &
  bare_pid=$!
elif has 4; then
  # Section 4 without 1 or 2: the bare handler's built-in reply, of the same shape.
  target/release/examples/bare_handler "$bare_addr" 2>/dev/null &
  bare_pid=$!
fi
if has 1 || has 2 || has 4; then
  until curl -s -o /dev/null -X POST "http://$bare_addr/"; do sleep 0.1; done
  if [ -s "$work/reply.xml" ] && ! curl -s -X POST "http://$bare_addr/" | cmp -s - "$work/reply.xml"; then
    echo "the bare handler does not answer the emulator's reply" >&2
    exit 1
  fi
fi
echo "Sections ${SECTIONS:-1 2 3 4}: $connections connections, $duration per row, keep-alive; $(nproc) cores"

if has 1; then
  echo "1. getTaskStatus on a live task; the bare handler answers the same $(wc -c <"$work/reply.xml") bytes"
  run bare "$bare_addr" "$bare_pid" bench/post.lua "$work/poll.xml"
  run emulator "$emulator_addr" "$emulator_pid" bench/post.lua "$work/poll.xml"

  key=KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK
  mobizon=$(admin POST /tasks '{"frontDoor": "mobizon", "type": "campaign.addRecipients", "path": ["1"]}' \
    | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')
  printf 'id=%s' "$mobizon" >"$work/mobizon.form"
  echo "1b. Mobizon taskqueue/getStatus (the seed's form POST) on a live task"
  CONTENT_TYPE=application/x-www-form-urlencoded \
    REQUEST_PATH="/service/taskqueue/getStatus?output=json&api=v1&apiKey=$key" \
    run mobizon "$emulator_addr" "$emulator_pid" bench/post.lua "$work/mobizon.form"

  process=$(admin POST /tasks '{"frontDoor": "bitrix24", "type": "configuration.import", "path": ["P"]}' \
    | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')
  printf '{"processId": %s}' "$process" >"$work/bitrix24.json"
  echo "1c. Bitrix24 configuration.import.get (JSON through a webhook) on a live process"
  CONTENT_TYPE=application/json REQUEST_PATH=/rest/1/abc123/configuration.import.get \
    run bitrix24 "$emulator_addr" "$emulator_pid" bench/post.lua "$work/bitrix24.json"

  ricloud=$(admin POST /tasks '{"frontDoor": "ricloud", "type": "data", "path": ["processing"]}' \
    | sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')
  echo "1d. ricloud GET /tasks/{id} (Authorization: Token) on a live task"
  AUTHORIZATION="Token bench" REQUEST_PATH="/tasks/$ricloud" \
    run ricloud "$emulator_addr" "$emulator_pid" bench/get.lua /dev/null

  # IntellectMoney: an operation made with the seed's form, then the seed's get of it.
  user_token='YdUlqkFcVo62XmY6B9VLJXCoAeA/0fJPxD4/kUUGmwHf5kgBa12MrKUyJd8uO0za'
  im_sign() { printf '%s::mySignSecretKey' "$1" | sha256sum | cut -d' ' -f1; }
  operation=$(curl -s "http://$emulator_addr/personal/scheduler/setScheduledOperationData" \
    -H 'Authorization: Bearer bench' \
    -H "Sign: $(im_sign "$user_token::::::::3496318551::::::0 0 12 * * ? *::::::::::::::::")" \
    --data-urlencode "UserToken=$user_token" -d ObjectId=3496318551 --data-urlencode 'RepeatPlan=0 0 12 * * ? *' \
    | sed -n 's/.*"CronOperationId":"\([0-9a-f-]*\)".*/\1/p')
  [ -n "$operation" ] || { echo "could not create an IntellectMoney operation" >&2; exit 1; }
  printf 'UserToken=%s&Skip=0&Take=5&Operation=%s' "$user_token" "$operation" >"$work/intellectmoney.form"
  echo "1e. IntellectMoney getScheduledOperationData (the seed's form, Bearer and Sign) of one operation"
  CONTENT_TYPE=application/json REQUEST_PATH=/personal/scheduler/getScheduledOperationData \
    AUTHORIZATION="Bearer bench" SIGN=$(im_sign "$user_token::0::5::$operation::::::::::::::::::::::::") \
    run intellectmoney "$emulator_addr" "$emulator_pid" bench/post.lua "$work/intellectmoney.form"

  echo "1f. WireMock, one static stub answering the same bytes as the bare handler"
  wiremock_row
fi

if has 2; then
  has 1 || run bare "$bare_addr" "$bare_pid" bench/post.lua "$work/poll.xml"
  echo "2. startLogin, then 4 polls of its task, over and over"
  run mix "$emulator_addr" "$emulator_pid" bench/mix.lua "$work/poll.xml"
fi
if has 1 || has 2; then
  kill "$emulator_pid"
  wait "$emulator_pid" 2>/dev/null || true
fi

if has 3; then
  echo "3. RSS per live task, $tasks tasks (requestPersonalLoginAuthentication, finished)"
  start_emulator --pace 0 --max-tasks $((tasks + 10))
  log_in >/dev/null
  before=$(rss_kib "$emulator_pid")
  envelope requestPersonalLoginAuthentication '<username>alice</username>' >"$work/ask.xml"
  target/release/examples/fill "$emulator_addr" "$work/ask.xml" "$tasks" 4 | sed 's/^/  /'
  after=$(rss_kib "$emulator_pid")
  awk -v a="$after" -v b="$before" -v n="$tasks" \
    'BEGIN { printf "  RSS %d KiB -> %d KiB: %.0f bytes per live task\n", b, a, (a - b) * 1024 / n }'
fi

if has 4; then
  echo "4. getTaskStatus p99 while the $tasks tasks expire at once and are swept"
  admin POST /clock/advance '{"by": "55m"}' >/dev/null
  live=$(call requestPersonalLoginAuthentication '<username>alice</username>' | task_id)
  poll_body "$live" "$work/live.xml"
  has 1 || has 2 || run bare "$bare_addr" "$bare_pid" bench/post.lua "$work/live.xml"
  # The advance answers once everything it expired is swept: its duration is the sweep's.
  ( sleep 1
    took=$( { /usr/bin/time -f %e curl -s -o /dev/null -X POST "http://$emulator_addr/__admin/clock/advance" \
        -H "Content-Type: application/json" -d '{"by": "10m"}'; } 2>&1 )
    echo "  the $tasks tasks expired and were swept in $took s" ) &
  expire=$!
  run sweeping "$emulator_addr" "$emulator_pid" bench/post.lua "$work/live.xml"
  wait "$expire"
fi

if [ -s "$rows" ]; then
  echo
  echo "Summary ($connections connections, $duration per row; ratios to the bare row of this run)"
  awk -F'\t' -v br="$bare_rps" -v bc="$bare_cpu" '
    BEGIN { printf "%-15s %9s %9s %11s %11s %10s\n", "row", "req/s", "p99", "CPU us/req", "req/s ratio", "CPU ratio" }
    $2 ~ /^skipped/ { printf "%-15s %s\n", $1, $2; next }
    {
      ratios = (br > 0 && bc > 0) ? sprintf("%11.2f %10.2f", $2 / br, $4 / bc) : sprintf("%11s %10s", "-", "-")
      printf "%-15s %9.0f %9s %11.2f %s%s\n", $1, $2, $3, $4, ratios, ($5 > 0 ? "  (" $5 " errors)" : "")
    }' "$rows"
fi
