#!/usr/bin/env bash
# The Mobizon journey with curl: the docs' own example (seed 000, "Examples"), run exactly as the
# docs write it with only the host replaced by the emulator's and the id by a real task's:
#
#   curl -X POST \
#     'https://api.mobizon.ua/service/taskqueue/getStatus?output=json&api=v1&apiKey=KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK' \
#     -H 'cache-control: no-cache' \
#     -H 'content-type: application/x-www-form-urlencoded' \
#     -d 'id=123'
#
# Usage: run.sh BASE_URL WORK_DIR   (BASE_URL http://127.0.0.1:PORT/; answers are kept in WORK_DIR)
#
# Steps: campaign/create and campaign/addRecipients (recipientGroups: code 100, data the task id)
# in the docs' curl form; the seed's getStatus command polled until status 2; the same with
# output=xml and as a GET; then the error paths, each the seed's command with one thing changed:
# an unknown id (code 2), no apiKey (code 8), no id (code 11), and a task the admin API forced to
# rejection (status 3). Tasks move one status per poll in the suite; at most 50 polls, no sleep.
# Needs curl, and jq or python3 to read JSON (install.sh installs curl and jq from Debian).
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
BASE_URL=$1
case "$BASE_URL" in */) ;; *) BASE_URL="$BASE_URL/" ;; esac
WORK=$2

if ! command -v curl >/dev/null 2>&1; then
    echo "curl is not installed (run tests/interop/mobizon-curl/install.sh)"
    exit 77
fi
if command -v jq >/dev/null 2>&1; then
    JSON=jq
elif command -v python3 >/dev/null 2>&1; then
    JSON=python3
else
    echo "neither jq nor python3 is installed to read JSON (run tests/interop/mobizon-curl/install.sh)"
    exit 77
fi
cd "$WORK" || exit 2

MAX_POLLS=50
UNKNOWN_ID=999999999
QUERY='output=json&api=v1&apiKey=KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK'

fail() {
    echo "FAIL: $1: expected $2, got $3"
    exit 1
}

# jf FILE FILTER: a field of a JSON answer, printed like `jq -r` does (FILTER: .a.b, or .a.b|type).
jf() {
    if [ "$JSON" = jq ]; then
        jq -r "$2" "$1" 2>/dev/null || echo "<unreadable: $(head -c 300 "$1")>"
    else
        python3 - "$1" "$2" <<'PY'
import json, sys
try:
    v = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception:
    print("<unreadable: %s>" % open(sys.argv[1], encoding="utf-8", errors="replace").read(300))
    sys.exit(0)
expr = sys.argv[2]
want_type = expr.endswith("|type")
for key in [k for k in (expr[:-5] if want_type else expr).split(".") if k]:
    v = v.get(key) if isinstance(v, dict) else None
if want_type:
    print({type(None): "null", bool: "boolean", int: "number", float: "number", str: "string",
           list: "array", dict: "object"}[type(v)])
elif v is None:
    print("null")
elif isinstance(v, bool):
    print(str(v).lower())
elif isinstance(v, (dict, list)):
    print(json.dumps(v, ensure_ascii=False))
else:
    print(v)
PY
    fi
}

ran() { # ran WHAT EXIT: a curl run that did not work fails the journey
    [ "$2" -eq 0 ] || fail "$1: curl" "exit 0" "exit $2 ($(tail -n 1 curl.stderr 2>/dev/null))"
}

# The seed's command, exactly as the docs write it; only the host and the id differ.
seed_get_status() { # seed_get_status ID OUTFILE
    curl -X POST \
      "${BASE_URL}service/taskqueue/getStatus?output=json&api=v1&apiKey=KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK" \
      -H 'cache-control: no-cache' \
      -H 'content-type: application/x-www-form-urlencoded' \
      -d "id=$1" >"$2" 2>>curl.stderr
    ran "taskqueue/getStatus id=$1" $?
}

# The same form (the docs' curl template, -X POST, the two headers) for another URL and body;
# -s -w only report the HTTP status, the request on the wire is the same. Sets HTTP.
docs_form() { # docs_form OUTFILE URL [-d BODY]
    local out=$1 url=$2
    shift 2
    HTTP=$(curl -X POST \
      "$url" \
      -H 'cache-control: no-cache' \
      -H 'content-type: application/x-www-form-urlencoded' \
      "$@" -o "$out" -s -S -w '%{http_code}' 2>>curl.stderr)
    ran "POST $url" $?
    [ "$HTTP" = 200 ] || fail "POST $url: HTTP status" 200 "$HTTP ($(head -c 300 "$out"))"
}

admin_post() { # admin_post OUTFILE PATH JSON
    HTTP=$(curl -sS -X POST "${BASE_URL}__admin/$2" -H 'content-type: application/json' -d "$3" \
      -o "$1" -w '%{http_code}' 2>>curl.stderr)
    ran "POST __admin/$2" $?
    case "$HTTP" in 2??) ;; *) fail "POST __admin/$2: HTTP status" "2xx" "$HTTP ($(head -c 300 "$1"))" ;; esac
}

expect_code() { # expect_code WHAT FILE CODE
    [ "$(jf "$2" '.code|type')" = number ] || fail "$1: code is a JSON number" "a number" "$(head -c 300 "$2")"
    [ "$(jf "$2" .code)" = "$3" ] || fail "$1: code" "$3" "$(jf "$2" .code) ($(head -c 300 "$2"))"
}

is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }

echo "version: curl $(curl --version | head -n 1 | cut -d ' ' -f 2)"

# 1. campaign/create, body as the docs' template builds it (PHP http_build_query: brackets encoded).
docs_form create.json "${BASE_URL}service/campaign/create?$QUERY" \
    -d 'data%5Btype%5D=2&data%5Bfrom%5D=Alpha&data%5Btext%5D=Interop+test%3A+curl'
expect_code "campaign/create" create.json 0
CAMPAIGN=$(jf create.json .data)
is_uint "$CAMPAIGN" || fail "campaign/create: data is the campaign id" "a numeric id" "$CAMPAIGN"
echo "campaign/create: code 0, campaign $CAMPAIGN"

# 2. campaign/addRecipients from a contact group (brackets as the docs' examples write them):
#    a background task, code 100, data its numeric id.
docs_form add.json "${BASE_URL}service/campaign/addRecipients?$QUERY" -d "id=$CAMPAIGN&recipientGroups[0]=1"
expect_code "campaign/addRecipients (recipientGroups)" add.json 100
[ "$(jf add.json '.data|type')" = number ] \
    || fail "campaign/addRecipients: data is the task id, a JSON number" "a number" "$(head -c 300 add.json)"
TASK=$(jf add.json .data)
is_uint "$TASK" || fail "campaign/addRecipients: task id" "a positive integer" "$TASK"
echo "campaign/addRecipients (recipientGroups[0]=1): code 100, task $TASK"

# 3. The seed's command, polled until the task completes.
statuses="" progresses="" last_status=-1 last_progress=-1 polls=0
while :; do
    polls=$((polls + 1))
    [ $polls -le $MAX_POLLS ] || fail "task $TASK to complete within $MAX_POLLS polls" "status 2" "statuses$statuses"
    seed_get_status "$TASK" poll.json
    what="getStatus of task $TASK, poll $polls"
    expect_code "$what" poll.json 0
    [ "$(jf poll.json '.data.status|type')" = number ] || fail "$what: data.status is a JSON number" "a number" "$(head -c 300 poll.json)"
    [ "$(jf poll.json '.data.progress|type')" = number ] || fail "$what: data.progress is a JSON number" "a number" "$(head -c 300 poll.json)"
    status=$(jf poll.json .data.status)
    progress=$(jf poll.json .data.progress)
    case "$status" in 0 | 1 | 2) ;; *) fail "$what: data.status" "0, 1 or 2" "$status" ;; esac
    is_uint "$progress" && [ "$progress" -le 100 ] || fail "$what: data.progress" "an integer within 0..100" "$progress"
    [ "$status" -ge "$last_status" ] || fail "$what: status moves only forward" ">= $last_status" "$status"
    [ "$progress" -ge "$last_progress" ] || fail "$what: progress never falls" ">= $last_progress" "$progress"
    [ "$status" != 0 ] || [ "$progress" = 0 ] || fail "$what: progress while waiting to start" 0 "$progress"
    [ "$status" = "$last_status" ] || statuses="$statuses $status"
    progresses="$progresses $progress"
    last_status=$status last_progress=$progress
    [ "$status" = 2 ] && break
done
[ "$progress" = 100 ] || fail "getStatus of task $TASK: progress of the completed task" 100 "$progress"
case "$statuses" in *" 1 "*) ;; *) fail "getStatus of task $TASK: the task was seen in progress (status 1) before it completed" "status 1 on an earlier poll" "statuses$statuses in $polls polls" ;; esac
echo "taskqueue/getStatus (the seed's curl command, id=$TASK): statuses$(echo "$statuses" | sed 's/ / -> /2g') in $polls polls, progress$progresses"

# 4. output=xml: the same envelope as XML.
docs_form status.xml "${BASE_URL}service/taskqueue/getStatus?output=xml&api=v1&apiKey=KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK" -d "id=$TASK"
xml=$(tr -d '\r\n' <status.xml)
for part in '<response>' '<code>0</code>' '<progress>100</progress>' '<status>2</status>' '</response>'; do
    case "$xml" in *"$part"*) ;; *) fail "getStatus output=xml: answer contains $part" "$part" "$xml" ;; esac
done
case "$xml" in '<?xml'*) ;; *) fail "getStatus output=xml: answer starts with an XML declaration" "<?xml ..." "$xml" ;; esac
echo "taskqueue/getStatus output=xml: $xml"

# 5. As a GET with the id in the query (the API takes GET and POST).
HTTP=$(curl -sS "${BASE_URL}service/taskqueue/getStatus?$QUERY&id=$TASK" -o get.json -w '%{http_code}' 2>>curl.stderr)
ran "GET taskqueue/getStatus" $?
[ "$HTTP" = 200 ] || fail "GET taskqueue/getStatus: HTTP status" 200 "$HTTP"
expect_code "GET taskqueue/getStatus" get.json 0
[ "$(jf get.json .data.status)" = 2 ] || fail "GET taskqueue/getStatus: data.status" 2 "$(head -c 300 get.json)"
echo "taskqueue/getStatus as a GET (id in the query): code 0, status 2"

# 6. Error paths: the seed's command with one thing changed.
docs_form unknown.json "${BASE_URL}service/taskqueue/getStatus?$QUERY" -d "id=$UNKNOWN_ID"
expect_code "getStatus of an unknown id" unknown.json 2
[ "$(jf unknown.json .data)" = null ] || fail "getStatus of an unknown id: data" null "$(jf unknown.json .data)"
[ -n "$(jf unknown.json .message)" ] || fail "getStatus of an unknown id: message" "a text" "an empty message"
echo "taskqueue/getStatus id=$UNKNOWN_ID (unknown): code 2, message \"$(jf unknown.json .message)\""

docs_form nokey.json "${BASE_URL}service/taskqueue/getStatus?output=json&api=v1" -d "id=$TASK"
expect_code "getStatus without apiKey" nokey.json 8
echo "taskqueue/getStatus without apiKey: code 8, message \"$(jf nokey.json .message)\""

docs_form noid.json "${BASE_URL}service/taskqueue/getStatus?$QUERY"
expect_code "getStatus without id" noid.json 11
echo "taskqueue/getStatus without id: code 11, message \"$(jf noid.json .message)\""

# 7. A task the admin API forces to rejection: status 3, and it stays there.
admin_post made.json tasks '{"frontDoor": "mobizon", "type": "campaign.addRecipients"}'
REJECTED=$(jf made.json .id)
is_uint "$REJECTED" || fail "POST __admin/tasks: id" "a numeric id" "$(head -c 300 made.json)"
admin_post forced.json "tasks/$REJECTED/force?frontDoor=mobizon" '{"status": "3"}'
seed_get_status "$REJECTED" rejected.json
expect_code "getStatus of the rejected task $REJECTED" rejected.json 0
[ "$(jf rejected.json .data.status)" = 3 ] || fail "getStatus of the rejected task $REJECTED: data.status" 3 "$(head -c 300 rejected.json)"
first_progress=$(jf rejected.json .data.progress)
seed_get_status "$REJECTED" rejected2.json
[ "$(jf rejected2.json .data.status)" = 3 ] || fail "getStatus of the rejected task $REJECTED again: data.status" 3 "$(head -c 300 rejected2.json)"
[ "$(jf rejected2.json .data.progress)" = "$first_progress" ] \
    || fail "getStatus of the rejected task $REJECTED again: progress stays frozen" "$first_progress" "$(jf rejected2.json .data.progress)"
echo "admin-forced rejection of task $REJECTED, the seed's curl command: code 0, status 3, progress $first_progress (twice)"

echo "journey: OK"
