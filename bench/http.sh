#!/usr/bin/env bash
# The emulator next to a bare actix-web POST handler (the limit of this stack on this machine),
# measured in one run. Run by hand, never in CI:  bench/http.sh [DURATION] [CONNECTIONS]
# Needs wrk (Debian package `wrk`). Prints, in order:
#   1. each front door's status call on a live task (CNode getTaskStatus, Mobizon
#      taskqueue/getStatus, Bitrix24 configuration.import.get, ricloud GET /tasks/{id},
#      IntellectMoney getScheduledOperationData of one operation):
#      requests/s and p99 of each, and the ratio emulator / bare;
#   2. a mix of startLogin and polling (each login followed by 4 polls of its task): the same;
#   3. RSS per live task with a million tasks in the store;
#   4. getTaskStatus p99 while those million tasks expire at once and are swept.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-64}
tasks=${TASKS:-1000000}
bare_addr=127.0.0.1:19100
emulator_addr=127.0.0.1:19101
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cargo build --release --quiet --bin cnode-emulator --example bare_handler --example fill
work=$(mktemp -d)
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
  RUST_LOG=warn target/release/cnode-emulator --listen "$emulator_addr" "$@" &
  emulator_pid=$!
  until curl -s -o /dev/null "http://$emulator_addr/"; do sleep 0.1; done
}
log_in() {
  call startLogin '<billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword>' | task_id
}
poll_body() { # task id -> file
  envelope getTaskStatus "<taskId>$1</taskId><uniqueTransferId></uniqueTransferId><callback>false</callback>" >"$2"
}
run() { # name, address, wrk script, body file: prints requests/s
  BODY_FILE="$4" wrk -t2 -c"$connections" -d"$duration" --latency -s "$3" "http://$2/" >"$work/$1.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.txt")
  echo "  $1: $rps requests/s, p99 $p99, errors: $(grep -c 'Non-2xx\|Socket errors' "$work/$1.txt" || true)" >&2
  echo "$rps"
}
ratio() { awk -v e="$1" -v b="$2" 'BEGIN { printf "  ratio emulator/bare: %.2f\n", e / b }'; }

target/release/examples/bare_handler "$bare_addr" 2>/dev/null &
start_emulator --pace 0
task=$(log_in)
[ -n "$task" ] || { echo "could not start a task" >&2; exit 1; }
poll_body "$task" "$work/poll.xml"

echo "1. getTaskStatus on a live task, $connections connections, $duration each, keep-alive" >&2
bare=$(run bare "$bare_addr" bench/post.lua "$work/poll.xml")
emulator=$(run emulator "$emulator_addr" bench/post.lua "$work/poll.xml")
ratio "$emulator" "$bare"

key=KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK
mobizon=$(admin POST /tasks '{"frontDoor": "mobizon", "type": "campaign.addRecipients", "path": ["1"]}' \
  | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')
printf 'id=%s' "$mobizon" >"$work/mobizon.form"
echo "1b. Mobizon taskqueue/getStatus (the seed's form POST) on a live task" >&2
mobizon_rps=$(CONTENT_TYPE=application/x-www-form-urlencoded \
  REQUEST_PATH="/service/taskqueue/getStatus?output=json&api=v1&apiKey=$key" \
  run mobizon "$emulator_addr" bench/post.lua "$work/mobizon.form")
ratio "$mobizon_rps" "$bare"

process=$(admin POST /tasks '{"frontDoor": "bitrix24", "type": "configuration.import", "path": ["P"]}' \
  | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')
printf '{"processId": %s}' "$process" >"$work/bitrix24.json"
echo "1c. Bitrix24 configuration.import.get (JSON through a webhook) on a live process" >&2
bitrix24_rps=$(CONTENT_TYPE=application/json REQUEST_PATH=/rest/1/abc123/configuration.import.get \
  run bitrix24 "$emulator_addr" bench/post.lua "$work/bitrix24.json")
ratio "$bitrix24_rps" "$bare"

ricloud=$(admin POST /tasks '{"frontDoor": "ricloud", "type": "data", "path": ["processing"]}' \
  | sed -n 's/.*"id":"\([0-9a-f-]*\)".*/\1/p')
echo "1d. ricloud GET /tasks/{id} (Authorization: Token) on a live task" >&2
ricloud_rps=$(AUTHORIZATION="Token bench" REQUEST_PATH="/tasks/$ricloud" \
  run ricloud "$emulator_addr" bench/get.lua /dev/null)
ratio "$ricloud_rps" "$bare"

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
echo "1e. IntellectMoney getScheduledOperationData (the seed's form, Bearer and Sign) of one operation" >&2
intellectmoney_rps=$(CONTENT_TYPE=application/json REQUEST_PATH=/personal/scheduler/getScheduledOperationData \
  AUTHORIZATION="Bearer bench" SIGN=$(im_sign "$user_token::0::5::$operation::::::::::::::::::::::::") \
  run intellectmoney "$emulator_addr" bench/post.lua "$work/intellectmoney.form")
ratio "$intellectmoney_rps" "$bare"

echo "2. startLogin, then 4 polls of its task, over and over" >&2
mix=$(run mix "$emulator_addr" bench/mix.lua "$work/poll.xml")
ratio "$mix" "$bare"
kill "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true

echo "3. RSS per live task, $tasks tasks (requestPersonalLoginAuthentication, finished)" >&2
start_emulator --pace 0 --max-tasks $((tasks + 10))
log_in >/dev/null
before=$(rss_kib "$emulator_pid")
envelope requestPersonalLoginAuthentication '<username>alice</username>' >"$work/ask.xml"
target/release/examples/fill "$emulator_addr" "$work/ask.xml" "$tasks" 4 | sed 's/^/  /' >&2
after=$(rss_kib "$emulator_pid")
awk -v a="$after" -v b="$before" -v n="$tasks" \
  'BEGIN { printf "  RSS %d KiB -> %d KiB: %.0f bytes per live task\n", b, a, (a - b) * 1024 / n }' >&2

echo "4. getTaskStatus p99 while the $tasks tasks expire at once and are swept" >&2
admin POST /clock/advance '{"by": "55m"}' >/dev/null
live=$(call requestPersonalLoginAuthentication '<username>alice</username>' | task_id)
poll_body "$live" "$work/live.xml"
# The advance answers once everything it expired is swept: its duration is the sweep's.
( sleep 1
  took=$( { /usr/bin/time -f %e curl -s -o /dev/null -X POST "http://$emulator_addr/__admin/clock/advance" \
      -H "Content-Type: application/json" -d '{"by": "10m"}'; } 2>&1 )
  echo "  the $tasks tasks expired and were swept in $took s" >&2 ) &
expire=$!
run sweeping "$emulator_addr" bench/post.lua "$work/live.xml" >/dev/null
wait "$expire"
