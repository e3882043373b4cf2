#!/usr/bin/env python3
"""The IntellectMoney interop journey: the seed's own C# and PHP requests (dialects.md 3).

Usage: journey.py BASE_URL WORK_DIR   (run.sh calls it; BASE_URL is http://127.0.0.1:PORT/)

No official SDK covers the scheduler, so the "stack" is the seed's two example requests
(seed 003, getScheduledOperationData), sent as the seed writes them with only the host changed
and a real `Sign` in place of the seed's placeholder, and the same requests' form carried over to
the other methods (getUserToken, setScheduledOperationData, recurring/deactivate):

- PHP: the seed's snippet itself (seed-request.php: its curl_setopt_array unchanged), run with
  php-cli and php-curl. It sends `Content-Type: application/json` over a form body written as a
  literal string (`UserToken=...&Skip=10&...`, values not URL-encoded). So the PHP requests
  carry the seed's own UserToken (no '+' in it): a token from getUserToken is base64 and often
  has a '+', which a form body written that way turns into a space (and the Sign fails).
- C#: .NET is not here, so `CSharpSeed` sends from http.client, header for header, what
  `HttpClient` + `FormUrlEncodedContent` put on the wire. The seed's C# cannot run as written:
  `request.Headers.Add("Content-Type", ...)` throws InvalidOperationException in .NET ("Misused
  header name ... content headers with HttpContent objects"). Two variants are therefore sent:
    * "declared": the request the seed's C# *describes*, its four headers in its order
      (Accept, Content-Type: application/json, Authorization, Sign) over the form body. This is
      what this journey calls "the seed's request": the same head the seed's PHP sends, and the
      seed's quirk (JSON declared, form sent) is the thing the emulator must take.
    * "dotnet": what .NET really sends once the throwing line is dropped: Host, Accept,
      Authorization, Sign, then FormUrlEncodedContent's `Content-Type:
      application/x-www-form-urlencoded` and Content-Length.
  The body is FormUrlEncodedContent's in both (Uri.EscapeDataString per name and value, %20 as
  '+': Python's quote_plus with nothing kept safe). `EnsureSuccessStatusCode()`: HTTP 200 checked.

Sign (dialects 3.2): SHA-256 hex of the values named by the method's signature joined with "::",
an absent one an empty segment, the SignSecretKey last; checked against the two test vectors
there before anything is sent. The default world: Bearer 9d97820c..., SignSecretKey
mySignSecretKey, the seed's UserToken valid, getUserToken Login demo / Password demo.

The admin API (urllib) stands in for what the service's calls cannot do: manual progression for
the door, the virtual clock (never a sleep: every wait is a clock advance), listing a scheduled
operation's runs (engine tasks of type scheduler.run), failing a run, stepping one.

Every exchange is kept in WORK_DIR (NN-label.request / .answer / .php-meta.json).
"""

import hashlib
import http.client
import json
import os
import re
import subprocess
import sys
import urllib.parse
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from checks import check, check_true, fail, run  # noqa: E402
from admin import admin, admin_get  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PHP_SEED = os.path.join(HERE, "seed-request.php")

DOOR = "intellectmoney"
RUN_TYPE = "scheduler.run"
BEARER = "9d97820c61424eb6ac0db414ccb7ac60"
SECRET = "mySignSecretKey"
SEED_TOKEN = "YdUlqkFcVo62XmY6B9VLJXCoAeA/0fJPxD4/kUUGmwHf5kgBa12MrKUyJd8uO0za"
SEED_OPERATION = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
PLACEHOLDER_SIGN = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
OK_STATE = {"Code": 0, "Desc": "Успешно обработан"}
ESHOP_ID = 450000
ZONE = timedelta(hours=3)  # the default world's zone

GET = "personal/scheduler/getScheduledOperationData"
SET = "personal/scheduler/setScheduledOperationData"
DEACTIVATE = "personal/recurring/deactivate"
GET_USER_TOKEN = "personal/user/getUserToken"

# The one 16-slot layout of the scheduler methods' signatures (dialects 3.2).
SLOTS = ("UserToken", "Skip", "Take", "Operation", "ObjectId", "ObjectTypeVal", "ParamsJson",
         "RepeatPlan", "RetryOnFailPlan", "RetryOnFailCount", "IsSingle", "FireOnSkip", "State",
         "DateFrom", "DateTo", "EndExecDate")

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NET_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,7}))?([+-]\d\d:\d\d)$")
RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")

# The journey's operation (step 2): a charge of 10 every quarter hour, retried every 5 minutes
# twice, runs never in parallel, missed runs not made up.
INVOICE = "3496318551"
QUARTER_PLAN = "0 0/15 * * * ? *"
RETRY_PLAN = '{"PeriodLength": 5, "PeriodType": "Minute"}'
RETRIES = 2
RETRY_EVERY = timedelta(minutes=5)
QUARTER = timedelta(minutes=15)


# --- Sign ------------------------------------------------------------------------------------

def sign(values):
    return hashlib.sha256("::".join(values).encode("utf-8")).hexdigest()


def scheduler_sign(fields):
    """get/setScheduledOperationData: the 16 slots from `fields` (name -> value, the values as
    sent), an absent one empty, then the secret."""
    return sign([fields.get(slot, "") for slot in SLOTS] + [SECRET])


def check_sign_vectors():
    got = scheduler_sign({"UserToken": SEED_TOKEN, "Skip": "10", "Take": "5",
                          "Operation": SEED_OPERATION})
    check("Sign of the seed's get body (dialects 3.2 test vector)",
          "71218452970af8cac01d47885554a58f23ad162b93c75de40663fd28a1f72538", got)
    got = scheduler_sign(dict(vector_create_fields(SEED_TOKEN)))
    check("Sign of the setScheduledOperationData example (dialects 3.2 test vector)",
          "fba4e15c51e7f2323b3de0472478dffdaa60b41dbaa1313580b83f7b8b144f16", got)
    check("the seed's Sign is the SHA-256 of the empty string", PLACEHOLDER_SIGN, sign([""]))


def vector_create_fields(token):
    """The create of dialects 3.2's second test vector (the wiki's example values)."""
    return [("UserToken", token), ("ObjectId", INVOICE), ("ObjectTypeVal", "1"),
            ("ParamsJson", '{"Amount":10}'), ("RepeatPlan", "0 0 12 1/4 * ? *"),
            ("RetryOnFailPlan", "0 0/15 * 1/1 * ? *"), ("RetryOnFailCount", "3"),
            ("IsSingle", "0"), ("FireOnSkip", "1"), ("State", "1"), ("EndExecDate", "01.01.2030")]


def journey_operation_fields(token, state, operation=None):
    """The journey's operation, in the signature's order (Operation first when editing)."""
    fields = [("UserToken", token)]
    if operation:
        fields.append(("Operation", operation))
    return fields + [("ObjectId", INVOICE), ("ObjectTypeVal", "1"), ("ParamsJson", '{"Amount":10}'),
                     ("RepeatPlan", QUARTER_PLAN), ("RetryOnFailPlan", RETRY_PLAN),
                     ("RetryOnFailCount", str(RETRIES)), ("IsSingle", "1"), ("FireOnSkip", "0"),
                     ("State", state), ("EndExecDate", "01.01.2030")]


# --- the exchanges kept in WORK_DIR ---------------------------------------------------------

class Exchanges:
    def __init__(self, work_dir):
        self.work_dir = work_dir
        self.count = 0

    def name(self, label):
        self.count += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-")
        return os.path.join(self.work_dir, f"{self.count:02d}-{safe}")

    @staticmethod
    def write(path, data):
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def answer_json(what, raw):
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        fail(f"{what}: the answer is JSON (Accept: application/json)", "a JSON object",
             raw[:400].decode("utf-8", "replace"))


# --- the seed's C# request, as HttpClient sends it ------------------------------------------

class CSharpSeed:
    """What the seed's C# example puts on the wire (see the module's docstring for the two
    variants). `send` returns the parsed JSON answer after EnsureSuccessStatusCode's check."""

    def __init__(self, base_url, exchanges):
        parts = urllib.parse.urlsplit(base_url)
        self.host = parts.hostname
        self.port = parts.port or 80
        # .NET writes Host as host[:port], the port left out when it is the scheme's default.
        self.host_header = parts.netloc if parts.port not in (None, 80) else parts.hostname
        self.prefix = parts.path or "/"
        self.exchanges = exchanges

    def send(self, method, fields, sign_value, what, variant="declared", authorization=True):
        # FormUrlEncodedContent: Uri.EscapeDataString of each name and value, "%20" as "+".
        body = urllib.parse.urlencode(fields, quote_via=urllib.parse.quote_plus).encode("ascii")
        auth = [("Authorization", f"Bearer {BEARER}")] if authorization else []
        if variant == "declared":
            # The seed's headers as it lists them, in its order.
            headers = ([("Host", self.host_header), ("Accept", "application/json"),
                        ("Content-Type", "application/json")] + auth
                       + [("Sign", sign_value), ("Content-Length", str(len(body)))])
        elif variant == "dotnet":
            # SocketsHttpHandler: Host, the request's headers in the order added, then the
            # content's (FormUrlEncodedContent's Content-Type, then Content-Length).
            headers = ([("Host", self.host_header), ("Accept", "application/json")] + auth
                       + [("Sign", sign_value),
                          ("Content-Type", "application/x-www-form-urlencoded"),
                          ("Content-Length", str(len(body)))])
        else:
            raise ValueError(variant)
        path = self.prefix + method
        head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
        base = self.exchanges.name(f"cs-{variant}-{what}")
        Exchanges.write(base + ".request", head.encode("ascii") + body)

        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value)
            conn.endheaders(body)
            response = conn.getresponse()
            raw = response.read()
            status = response.status
            content_type = response.getheader("Content-Type", "")
        except OSError as e:
            fail(f"{what} (C#, {variant}): the request", "an HTTP answer", f"{type(e).__name__}: {e}")
        finally:
            conn.close()
        Exchanges.write(base + ".answer", f"HTTP {status} {content_type}\n".encode() + raw)
        # response.EnsureSuccessStatusCode() throws on anything but 2xx; the door answers 200.
        check(f"{what} (C#, {variant}): HTTP status (EnsureSuccessStatusCode)", 200, status)
        return answer_json(f"{what} (C#, {variant})", raw)


# --- the seed's PHP request, run by php-cli -------------------------------------------------

class PhpSeed:
    def __init__(self, base_url, exchanges):
        self.base_url = base_url
        self.exchanges = exchanges

    def send(self, method, postfields, sign_value, what):
        base = self.exchanges.name(f"php-{what}")
        meta_file = base + ".php-meta.json"
        Exchanges.write(base + ".request", f"php seed-request.php URL POSTFIELDS SIGN\n"
                        f"URL={self.base_url + method}\nPOSTFIELDS={postfields}\nSIGN={sign_value}\n")
        try:
            proc = subprocess.run(["php", PHP_SEED, self.base_url + method, postfields, sign_value],
                                  capture_output=True, timeout=60,
                                  env=dict(os.environ, IM_META_FILE=meta_file))
        except subprocess.TimeoutExpired:
            fail(f"{what} (PHP): the seed's snippet", "an answer within 60 s", "no answer")
        Exchanges.write(base + ".answer", proc.stdout)
        try:
            with open(meta_file, encoding="utf-8") as f:
                meta = json.load(f)
        except (OSError, ValueError):
            meta = {}
        check_true(f"{what} (PHP): the seed's snippet ran", proc.returncode == 0 and meta,
                   "exit 0 and an answer", f"exit {proc.returncode}, curl error "
                   f"{meta.get('curl_error')!r}, stderr {proc.stderr.decode('utf-8', 'replace')[-300:]!r}")
        check(f"{what} (PHP): HTTP status", 200, meta.get("http_code"))
        head = meta.get("request_head") or ""
        check_true(f"{what} (PHP): curl sent the seed's Content-Type",
                   "\r\nContent-Type: application/json\r\n" in head,
                   "Content-Type: application/json in the request head", head)
        return answer_json(f"{what} (PHP)", proc.stdout)


def seed_postfields(fields):
    """The body string as the seed writes it: name=value joined with '&', nothing encoded."""
    return "&".join(f"{name}={value}" for name, value in fields)


# --- answers --------------------------------------------------------------------------------

def ok_result(what, answer, state_inside=True):
    """A handled request: OperationState 0, a fresh OperationId, the shop, and (unless the
    method's Result is not an object) Result.State 0. Returns Result."""
    check_true(f"{what}: the answer is an object", isinstance(answer, dict), "a JSON object", answer)
    check(f"{what}: OperationState", OK_STATE, answer.get("OperationState"))
    check_true(f"{what}: OperationId is a GUID", GUID.match(str(answer.get("OperationId"))),
               "a lowercase hyphenated GUID", answer.get("OperationId"))
    check(f"{what}: EshopId", ESHOP_ID, answer.get("EshopId"))
    result = answer.get("Result")
    if state_inside:
        check_true(f"{what}: Result is an object", isinstance(result, dict), "an object", answer)
        check(f"{what}: Result.State", OK_STATE, result.get("State"))
    return result


def refused(what, answer):
    """A request the service could not handle: HTTP 200 (checked by the sender), OperationState
    Code 2 with a Desc, Result null. Returns the Desc."""
    check_true(f"{what}: the answer is an object", isinstance(answer, dict), "a JSON object", answer)
    state = answer.get("OperationState") or {}
    check(f"{what}: OperationState.Code", 2, state.get("Code"))
    check_true(f"{what}: OperationState.Desc", isinstance(state.get("Desc"), str) and state["Desc"],
               "a non-empty text", state)
    check(f"{what}: Result", None, answer.get("Result"))
    return state["Desc"]


def parse_net_date(what, text):
    m = NET_DATE.match(text) if isinstance(text, str) else None
    check_true(f"{what}: a .NET round-trip date with an offset", m,
               "like 2021-03-26T10:59:31.9608792+03:00", text)
    y, mo, d, h, mi, s, frac, off = m.groups()
    sign_ = 1 if off[0] == "+" else -1
    offset = timedelta(hours=int(off[1:3]), minutes=int(off[4:6])) * sign_
    check(f"{what}: the world's zone", "+03:00", off)
    micro = int(((frac or "") + "0000000")[:7]) // 10
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, timezone(offset))


def operation_list(what, result, count):
    items = result.get("ScheduledOperationList")
    check_true(f"{what}: ScheduledOperationList", isinstance(items, list) and len(items) == count,
               f"a list of {count}", items)
    return items


def check_operation(what, item, *, operation=None, enabled, is_single, fire_on_skip):
    """One ScheduledOperationList item, the seed's example's fields and types."""
    check_true(f"{what}: CronOperationId is a GUID", GUID.match(str(item.get("CronOperationId"))),
               "a lowercase hyphenated GUID", item.get("CronOperationId"))
    if operation:
        check(f"{what}: CronOperationId", operation, item["CronOperationId"])
    check(f"{what}: ObjectId (a number, as in the seed)", int(INVOICE), item.get("ObjectId"))
    check(f"{what}: CronOperationType", "Recurring", item.get("CronOperationType"))
    check(f"{what}: Params (a JSON string)", '{"Amount":10}', item.get("Params"))
    check(f"{what}: IsSingle", is_single, item.get("IsSingle"))
    check(f"{what}: FireOnSkip", fire_on_skip, item.get("FireOnSkip"))
    check(f"{what}: CronOperationState", "Enable" if enabled else "Disable",
          item.get("CronOperationState"))
    created = parse_net_date(f"{what}: CreationDate", item.get("CreationDate"))
    changed = parse_net_date(f"{what}: ChangeDate", item.get("ChangeDate"))
    check_true(f"{what}: ChangeDate not before CreationDate", changed >= created,
               f">= {item.get('CreationDate')}", item.get("ChangeDate"))
    return item


# --- the admin API's runs --------------------------------------------------------------------

def parse_rfc3339(what, text):
    m = RFC3339.match(text) if isinstance(text, str) else None
    check_true(f"{what}: an RFC 3339 time", m, "like 2025-01-01T12:00:00.123Z", text)
    y, mo, d, h, mi, s, frac, off = m.groups()
    tz = timezone.utc if off == "Z" else timezone(
        timedelta(hours=int(off[1:3]), minutes=int(off[4:6])) * (1 if off[0] == "+" else -1))
    micro = int(((frac or "") + "000000")[:6])
    return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tz)


class Admin:
    def __init__(self, base_url):
        self.base_url = base_url

    def now(self):
        return parse_rfc3339("GET __admin/clock: now", (admin_get(self.base_url, "clock") or {}).get("now"))

    def advance_ms(self, ms):
        return parse_rfc3339("POST __admin/clock/advance: now",
                             (admin(self.base_url, "clock/advance", {"by": f"{ms}ms"}) or {}).get("now"))

    def advance(self, delta):
        return self.advance_ms(int(delta.total_seconds() * 1000))

    def advance_to_next_quarter(self):
        """Advances the clock to the next quarter hour (in the world's zone: +03:00 keeps the
        quarters of UTC); returns that quarter hour. The clock's `now` may carry more digits than
        a microsecond: the advance is rounded up to the next millisecond, so it lands on the
        quarter hour or at most a millisecond past it."""
        now = self.now()
        quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0) + QUARTER
        micros = (quarter - now) // timedelta(microseconds=1)
        self.advance_ms(-(-micros // 1000))
        return quarter

    def runs(self, operation):
        """The scheduled operation's runs, oldest first."""
        query = urllib.parse.urlencode({"frontDoor": DOOR, "type": RUN_TYPE, "operation": operation,
                                        "limit": 1000})
        answer = admin_get(self.base_url, f"tasks?{query}")
        tasks = answer.get("tasks") if isinstance(answer, dict) else None
        check_true(f"GET __admin/tasks?{query}: a task list", isinstance(tasks, list),
                   "{total, offset, limit, tasks: [...]}", answer)
        for task in tasks:
            check(f"run {task.get('taskId')} of operation {operation}: type", RUN_TYPE, task.get("type"))
            check(f"run {task.get('taskId')} of operation {operation}: frontDoor", DOOR, task.get("frontDoor"))
        return tasks

    def task(self, task_id):
        return admin_get(self.base_url, f"tasks/{task_id}?frontDoor={DOOR}")

    def force(self, task_id, path):
        return admin(self.base_url, f"tasks/{task_id}/force?frontDoor={DOOR}", {"path": path})

    def step(self, task_id):
        return admin(self.base_url, f"tasks/{task_id}/step?frontDoor={DOOR}", {})


WAITING = ("Planned", "Skipped", "Cancelled")  # runs that have not started (or never will)


def started(runs):
    return [r for r in runs if r.get("status") not in WAITING]


def history_of(task):
    return [h.get("status") for h in task.get("history") or []]


# --- the journey ----------------------------------------------------------------------------

def php_version():
    out = subprocess.run(["php", "-r", 'echo PHP_VERSION, "\\n", curl_version()["version"];'],
                         capture_output=True, text=True, timeout=60).stdout.split()
    return (out + ["?", "?"])[:2]


def journey(base_url, work_dir):
    exchanges = Exchanges(work_dir)
    cs = CSharpSeed(base_url, exchanges)
    php = PhpSeed(base_url, exchanges)
    adm = Admin(base_url)

    check_sign_vectors()
    print("sign: dialects 3.2's two test vectors reproduced (SHA-256 hex, '::'-joined, secret last)",
          flush=True)

    # The door's runs wait for the journey's steps; the clock moves only when the journey says.
    admin(base_url, "progression", {"type": "*", "frontDoor": DOOR, "mode": "manual"}, method="PUT")
    admin(base_url, "clock/freeze", {})

    # 1. getUserToken (Login::Password::secret), the seed's request form, both C# variants.
    login = [("Login", "demo"), ("Password", "demo")]
    login_sign = sign(["demo", "demo", SECRET])
    tokens = []
    for variant in ("declared", "dotnet"):
        result = ok_result(f"getUserToken demo/demo ({variant})",
                           cs.send(GET_USER_TOKEN, login, login_sign, "getUserToken", variant))
        token = result.get("UserToken")
        check_true(f"getUserToken ({variant}): Result.UserToken", isinstance(token, str) and token,
                   "a non-empty token", result)
        tokens.append(token)
    token = tokens[0]
    check_true("getUserToken: a token of its own, not the seed's", token != SEED_TOKEN,
               f"not {SEED_TOKEN}", token)
    print(f"1. getUserToken demo/demo (C# declared and dotnet): UserToken {token[:12]}... "
          f"({len(token)} characters)", flush=True)

    # 1b. The seed's request itself, only the host changed and the real Sign (the first test
    # vector): its Operation names no operation, so the page is empty.
    seed_fields = [("UserToken", SEED_TOKEN), ("Skip", "10"), ("Take", "5"), ("Operation", SEED_OPERATION)]
    seed_sign = scheduler_sign(dict(seed_fields))
    for label, answer in (
            ("PHP", php.send(GET, seed_postfields(seed_fields), seed_sign, "seed-get")),
            ("C# declared", cs.send(GET, seed_fields, seed_sign, "seed-get", "declared")),
            ("C# dotnet", cs.send(GET, seed_fields, seed_sign, "seed-get", "dotnet"))):
        operation_list(f"the seed's get ({label}, Operation {SEED_OPERATION})",
                       ok_result(f"the seed's get ({label})", answer), 0)
    print(f"1b. the seed's getScheduledOperationData (PHP, C# declared, C# dotnet; Sign {seed_sign[:12]}...): "
          f"Code 0, State 0, no operation {SEED_OPERATION}", flush=True)

    # 2. Create the journey's operation (C#, as .NET sends it, with getUserToken's token), and
    # the wiki's example operation through the seed's PHP snippet (the second test vector).
    fields = journey_operation_fields(token, "1")
    result = ok_result("create (C# dotnet)", cs.send(SET, fields, scheduler_sign(dict(fields)),
                                                     "create", "dotnet"))
    [item] = operation_list("create (C# dotnet)", result, 1)
    check_operation("create (C# dotnet)", item, enabled=True, is_single=True, fire_on_skip=False)
    check("create: LastExecDate before any run", None, item.get("LastExecDate"))
    operation = item["CronOperationId"]
    created_at = item["CreationDate"]

    vector = vector_create_fields(SEED_TOKEN)
    vector_sign = scheduler_sign(dict(vector))
    result = ok_result("create (PHP)", php.send(SET, seed_postfields(vector), vector_sign, "create"))
    [item] = operation_list("create (PHP)", result, 1)
    check_operation("create (PHP)", item, enabled=True, is_single=False, fire_on_skip=True)
    other = item["CronOperationId"]
    check_true("create (PHP): a new CronOperationId", other != operation, f"not {operation}", other)
    print(f"2. setScheduledOperationData create: {operation} (C# dotnet, every quarter hour, "
          f"2 retries 5 min apart) and {other} (PHP, the wiki's example, Sign {vector_sign[:12]}...): "
          f"both Enable, created {created_at}", flush=True)

    # 3. The next quarter hour: the run fires (a schedule is not a step) and waits in Executing.
    before = adm.runs(operation)
    check("runs of the new operation before its first quarter hour: one, waiting for its time",
          ["Planned"], [r.get("status") for r in before])
    quarter = adm.advance_to_next_quarter()
    runs = started(adm.runs(operation))
    check_true(f"runs of {operation} at {quarter.isoformat()}", len(runs) == 1,
               "one run", [(r.get("taskId"), r.get("status")) for r in runs])
    first = runs[0]
    run_id = first.get("taskId")
    check(f"run {run_id}: the run that was waiting for {quarter.isoformat()}", before[0].get("taskId"), run_id)
    check(f"run {run_id}: status at its quarter hour (manual progression)", "Executing", first.get("status"))

    query = [("UserToken", SEED_TOKEN), ("Skip", "0"), ("Take", "5"), ("Operation", operation)]
    query_sign = scheduler_sign(dict(query))
    last_exec = None
    for label, answer in (
            ("C# declared", cs.send(GET, query, query_sign, "get", "declared")),
            ("C# dotnet", cs.send(GET, query, query_sign, "get", "dotnet")),
            ("PHP", php.send(GET, seed_postfields(query), query_sign, "get"))):
        what = f"get {operation} ({label})"
        [item] = operation_list(what, ok_result(what, answer), 1)
        check_operation(what, item, operation=operation, enabled=True, is_single=True, fire_on_skip=False)
        last_exec = item.get("LastExecDate")
        started_at = parse_net_date(f"{what}: LastExecDate", last_exec)
        check_true(f"{what}: LastExecDate is the quarter hour the run started (never before it)",
                   quarter <= started_at < quarter + timedelta(seconds=1),
                   quarter.astimezone(timezone(ZONE)).isoformat(), last_exec)
    # The seed's own numbers, Skip=10 and Take=5, page past the one operation the filter keeps.
    paged = [("UserToken", SEED_TOKEN), ("Skip", "10"), ("Take", "5"), ("Operation", operation)]
    operation_list(f"get {operation} Skip=10 Take=5",
                   ok_result("get Skip=10", cs.send(GET, paged, scheduler_sign(dict(paged)), "get-skip10")), 0)
    print(f"3. clock to {quarter.isoformat()}: run {run_id} Planned -> Executing; getScheduledOperationData "
          f"(C# declared, dotnet, PHP): LastExecDate {last_exec}; Skip=10: empty page", flush=True)

    # 4. Fail the run three times: RetryPlanned, retried 5 minutes after each failure, twice;
    # then Exhausted.
    seen = []
    for attempt in range(RETRIES + 1):
        adm.force(run_id, ["Failed"])
        task = adm.task(run_id)
        expected = "RetryPlanned" if attempt < RETRIES else "Exhausted"
        check(f"run {run_id} after failure {attempt + 1}", expected, task.get("status"))
        check_true(f"run {run_id} after failure {attempt + 1}: Failed in its history",
                   history_of(task).count("Failed") == attempt + 1,
                   f"Failed {attempt + 1} time(s)", history_of(task))
        seen.append(f"Failed -> {task.get('status')}")
        if attempt == RETRIES:
            check(f"run {run_id}: finished", True, task.get("finished"))
            break
        # A minute short of the retry: still waiting.
        adm.advance(RETRY_EVERY - timedelta(minutes=1))
        check(f"run {run_id} 4 minutes after failure {attempt + 1}", "RetryPlanned",
              adm.task(run_id).get("status"))
        adm.advance(timedelta(minutes=1))
        task = adm.task(run_id)
        check(f"run {run_id} 5 minutes after failure {attempt + 1} (retry {attempt + 1})",
              "Executing", task.get("status"))
        seen.append(f"retry {attempt + 1} Executing")
        runs = started(adm.runs(operation))
        check(f"runs of {operation} during retry {attempt + 1}", [run_id], [r.get("taskId") for r in runs])
    print(f"4. run {run_id}: {', '.join(seen)}", flush=True)

    # 5. The next quarter hour: a new run, stepped to Succeeded.
    quarter2 = adm.advance_to_next_quarter()
    check("the next quarter hour", quarter + QUARTER, quarter2)
    runs = started(adm.runs(operation))
    check_true(f"runs of {operation} at {quarter2.isoformat()}",
               len(runs) == 2 and runs[0].get("taskId") == run_id,
               f"{run_id} and a new run", [(r.get("taskId"), r.get("status")) for r in runs])
    second = runs[1]
    second_id = second.get("taskId")
    check(f"run {second_id}: status at its quarter hour", "Executing", second.get("status"))
    stepped = adm.step(second_id)
    check(f"run {second_id} after one step", "Succeeded", (stepped or {}).get("status"))
    task = adm.task(second_id)
    check(f"run {second_id}: status", "Succeeded", task.get("status"))
    check(f"run {second_id}: finished", True, task.get("finished"))
    print(f"5. clock to {quarter2.isoformat()}: run {second_id} Executing, one step: Succeeded", flush=True)

    # 6. Disable (the same fields, Operation given, State 0): Disable, and no run for an hour.
    fields = journey_operation_fields(token, "0", operation)
    result = ok_result("edit State 0 (C# declared)", cs.send(SET, fields, scheduler_sign(dict(fields)),
                                                            "disable", "declared"))
    [item] = operation_list("edit State 0", result, 1)
    check_operation("edit State 0", item, operation=operation, enabled=False, is_single=True,
                    fire_on_skip=False)
    check("edit State 0: CreationDate kept", created_at, item.get("CreationDate"))
    changed = parse_net_date("edit State 0: ChangeDate", item.get("ChangeDate"))
    check_true("edit State 0: ChangeDate is now", abs(changed - quarter2) < timedelta(seconds=1),
               quarter2.astimezone(timezone(ZONE)).isoformat(), item.get("ChangeDate"))
    known = {run_id, second_id}
    adm.advance(timedelta(hours=1))
    runs = adm.runs(operation)
    check("runs of the disabled operation an hour later", sorted(known),
          sorted(r.get("taskId") for r in started(runs)))
    waiting = [(r.get("taskId"), r.get("status")) for r in runs if r.get("status") == "Planned"]
    check("runs of the disabled operation still waiting for a time", [], waiting)
    [item] = operation_list("get after an hour disabled", ok_result(
        "get after an hour disabled", cs.send(GET, query, query_sign, "get-disabled")), 1)
    check("get after an hour disabled: CronOperationState", "Disable", item.get("CronOperationState"))
    print(f"6. setScheduledOperationData Operation {operation} State 0 (C# declared): Disable; "
          f"an hour later still runs {run_id} and {second_id} only, none waiting", flush=True)

    # 7. recurring/deactivate of the source invoice: true, and the PHP operation, still Enable,
    # is Disable too.
    other_query = [("UserToken", SEED_TOKEN), ("Skip", "0"), ("Take", "5"), ("Operation", other)]
    other_sign = scheduler_sign(dict(other_query))
    [item] = operation_list(f"get {other} before deactivate", ok_result(
        f"get {other} before deactivate", cs.send(GET, other_query, other_sign, "get-other")), 1)
    check(f"get {other} before deactivate: CronOperationState", "Enable", item.get("CronOperationState"))
    deactivate = [("UserToken", token), ("SourceInvoiceId", INVOICE)]
    answer = cs.send(DEACTIVATE, deactivate, sign([token, INVOICE, SECRET]), "deactivate", "dotnet")
    check("deactivate: Result", True, ok_result("deactivate", answer, state_inside=False))
    answer = php.send(GET, seed_postfields(other_query), other_sign, "get-other")
    [item] = operation_list(f"get {other} after deactivate (PHP)", ok_result(
        f"get {other} after deactivate (PHP)", answer), 1)
    check_operation(f"get {other} after deactivate (PHP)", item, operation=other, enabled=False,
                    is_single=False, fire_on_skip=True)
    print(f"7. recurring/deactivate SourceInvoiceId {INVOICE} (C# dotnet): Result true; "
          f"operation {other} Enable -> Disable", flush=True)

    # 8. The seed's request with the seed's own Sign (a placeholder), and without Authorization.
    descs = []
    answer = php.send(GET, seed_postfields(seed_fields), PLACEHOLDER_SIGN, "seed-placeholder-sign")
    descs.append(refused("the seed's get with its placeholder Sign (PHP)", answer))
    answer = cs.send(GET, seed_fields, PLACEHOLDER_SIGN, "seed-placeholder-sign", "declared")
    descs.append(refused("the seed's get with its placeholder Sign (C# declared)", answer))
    answer = cs.send(GET, seed_fields, seed_sign, "no-authorization", "declared", authorization=False)
    descs.append(refused("the seed's get without Authorization (C# declared)", answer))
    answer = cs.send(GET, seed_fields, seed_sign, "no-authorization", "dotnet", authorization=False)
    descs.append(refused("the seed's get without Authorization (C# dotnet)", answer))
    print(f"8. the seed's get with its placeholder Sign (PHP, C#): HTTP 200, Code 2 \"{descs[0]}\"; "
          f"without Authorization (C# declared, dotnet): HTTP 200, Code 2 \"{descs[2]}\"", flush=True)


if __name__ == "__main__":
    php_v, curl_v = php_version()
    run(f"PHP {php_v}, curl {curl_v}, Python {sys.version.split()[0]}", journey)
