#!/usr/bin/env python3
"""The ricloud journey through ricloud-py (PyPI `ricloud`, Reincubate's official client; source
github.com/reincubate/ricloud), pointed at the emulator by its base URL only.

Usage: journey.py BASE_URL WORK_DIR   (run.sh calls it; BASE_URL is http://127.0.0.1:PORT/,
WORK_DIR is not used). The shared checks are in ../python/checks.py.

Written the way ricloud-py's README and its integration test (tests/test_integration.py) teach:
`ricloud.token = ...` and `ricloud.url = ...` set as module attributes (both are read at each
request), then `ricloud.User.create(identifier=...)`, `ricloud.Session.create(source={"user":
user, "type": "mocks.mock", "identifier": ...}, payload={"password": ...})`, `refresh()` until the
session is active, `ricloud.Poll.create(session=session, payload={...})`, `refresh()` until the
poll is completed; then the task calls `ricloud.Task.retrieve(id)` and `ricloud.Task.list(**filters)`
with the client's own encoding of filter values (resources become their id, datetimes ISO 8601),
and the result calls `Result.list`, `Result.retrieve`, `Result.acknowledge_with_id`. The admin API
(`${BASE_URL}__admin/`, urllib) sets per-poll progression, fails one task, and moves the clock.

What the client really does (ricloud 3.2.0, read and captured on the wire), and so what the
emulator must do for it:
- URLs are `urljoin(ricloud.url, "tasks")` etc.: the API must be at the root; `ricloud.url` may end
  in `/` or not (a path without a trailing slash would be dropped).
- Every request carries `Authorization: Token <ricloud.token>`, `User-Agent: ricloud-py/3.2.0` and
  `Ricloud-Await: 0` (the packaged ricloud.ini says `await_for = 0`, read as the string "0", which
  is truthy): an await of 0 seconds must answer at once.
- POST bodies are UTF-8 JSON with no Content-Type header; `Result.acknowledge_with_id` posts the
  four bytes `null`; every 2xx answer is JSON-decoded (an empty body crashes the client), a create
  makes `cls(**answer)` (a JSON object), an ack does `attrs.update(answer)` (a JSON object).
- A list answer becomes `List(**answer)`, whose items are typed by `data[0]["resource"]`: every
  item must carry a known `resource`. Nested objects with a `resource` (a task's `results`, a
  session's `source`) become resources too. Date strings are not parsed by the client.
- Filter values: a resource becomes its `id`; an aware UTC datetime `2024-05-01T10:00:00Z`
  (microseconds cut to milliseconds: `...00.123Z`); a naive one has no zone
  (`2024-05-01T10:00:00.123`); requests then percent-encodes `:` as `%3A`.
- 4xx raises `ricloud.exceptions.RequestError(status, content)`, which JSON-decodes the body and
  reads `error`, `message`, `params` (a body that is not a JSON object crashes the client); 5xx is
  retried 3 times at once, then `ServerError`.

The suite moves tasks one status per poll (per-poll progression, set here too for stand-alone
runs): each `refresh()` really loops; at most 50 refreshes per wait, no sleep.
"""

import hashlib
import random
import re
import string
import sys
import traceback
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from importlib.metadata import version

import ricloud
from ricloud import storage
from ricloud.exceptions import RequestError

from checks import MAX_POLLS, check, check_true, fail, run
from admin import admin

SOURCE_TYPE = "mocks.mock"
SOURCE_IDENTIFIER = "john.appleseed@example.com"
DATA_TYPE = "messages.sms"
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")  # the docs' "2018-08-22T10:25:05Z"
RETENTION = "604801s"  # 7 days and a second (units.rs takes one number and one unit)


# --- reading the client's answers ---------------------------------------------------------

def is_datetime(value):
    return isinstance(value, str) and DATETIME.match(value) is not None


def parse_datetime(what, value):
    """A datetime the API wrote, as a user turns it into a Python datetime (UTC, aware)."""
    check_true(f"{what}: ISO 8601 UTC datetime", is_datetime(value), "like 2018-08-22T10:25:05Z", value)
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def shown(value):
    try:
        return f"{type(value).__name__}: {value!r}"[:400]
    except Exception:  # a List without has_more cannot show itself
        return type(value).__name__


def check_resource(what, cls, value):
    if not isinstance(value, cls):
        fail(f"{what}: a ricloud.{cls.__name__}", f"ricloud.{cls.__name__} (resource {cls.RESOURCE!r})",
             shown(value))


def check_list(what, answer, cls):
    """A list answer: a ricloud.List whose items are all `cls`; returns the items' ids."""
    check_resource(what, ricloud.List, answer)
    # (a List's [key] and .get() index its data; its other attributes are read by name)
    has_more = getattr(answer, "has_more", None)
    check_true(f"{what}: has_more", isinstance(has_more, bool), "true or false", has_more)
    for item in answer:
        check_resource(f"{what}: item", cls, item)
    return [item.id for item in answer]


def wait(resource, what, waiting):
    """Refreshes `resource` while its state is one of `waiting`, at most MAX_POLLS times, never
    sleeping (the suite moves tasks one status per poll). Returns the states seen."""
    seen = [resource.state]
    for _ in range(MAX_POLLS):
        if resource.state not in waiting:
            return seen
        resource.refresh()
        seen.append(resource.state)
    if resource.state not in waiting:
        return seen
    fail(f"{what} {resource.id}: to leave {'/'.join(waiting)} within {MAX_POLLS} refreshes",
         "another state", seen)


def not_found(what, call):
    try:
        got = call()
    except RequestError as e:
        check(f"{what}: RequestError status", 404, e.status)
        check_true(f"{what}: RequestError error", isinstance(e.error, str) and e.error != "",
                   "an error code", e.error)
        check_true(f"{what}: RequestError message", isinstance(e.message, str), "a message", e.message)
        return e
    fail(f"{what}: raises ricloud.exceptions.RequestError", "status 404", got)


def folded(states):
    return [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]


# --- the journey ----------------------------------------------------------------------------

STEP = ["setup"]  # the step under way, named in the failure line of an unexpected exception


def step(name):
    STEP[0] = name


def named(base_url, work_dir):
    """The journey, with an exception the client raised (a JSONDecodeError on an answer that is
    not JSON, a KeyError on a list item without `resource`, ...) reported against its step."""
    try:
        journey(base_url, work_dir)
    except SystemExit:
        raise
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()
        fail(f"{STEP[0]}: ricloud-py raised", "an answer ricloud-py can read",
             f"{type(e).__name__}: {e}".replace("\n", " "))


def journey(base_url, work_dir):
    step("admin: per-poll progression")
    admin(base_url, "progression",
          {"type": "*", "frontDoor": "ricloud", "mode": "per_poll", "polls": 1}, method="PUT")

    # As the README teaches: a token and the API's URL (like the packaged default,
    # https://ricloud-api.reincubate.com, without a trailing slash).
    ricloud.token = "".join(random.choices(string.ascii_lowercase + string.digits, k=40))
    ricloud.url = base_url.rstrip("/")
    print(f"config: ricloud.url = {ricloud.url!r}, ricloud.token set", flush=True)

    step("User.create")
    # 1. a user (User.create is idempotent per identifier: the samples' get_or_create_user)
    identifier = "ricloud-py_" + "".join(random.choices(string.ascii_lowercase, k=8)) + "@example.com"
    user = ricloud.User.create(identifier=identifier)
    check_resource("User.create", ricloud.User, user)
    check("User.create: identifier", identifier, user.identifier)
    check_true("User.create: id", isinstance(user.id, str) and user.id != "", "an id", user.id)
    again = ricloud.User.create(identifier=identifier)
    check("User.create again with the same identifier: id", user.id, again.id)
    print(f"user: User.create(identifier={identifier!r}) -> {user.id} (the same again)", flush=True)

    step("Session.create and refresh")
    # 2. a session, refreshed until active
    session = ricloud.Session.create(
        source={"user": user, "type": SOURCE_TYPE, "identifier": SOURCE_IDENTIFIER},
        payload={"password": "abcd1234"},
    )
    check_resource("Session.create", ricloud.Session, session)
    check("Session.create: state", "pending", session.state)
    check_resource("Session.create: source", ricloud.Source, session.get("source"))
    check("Session.create: source.type", SOURCE_TYPE, session.source.get("type"))
    check("Session.create: source.identifier", SOURCE_IDENTIFIER, session.source.get("identifier"))
    seen = wait(session, "session", ("pending",))
    check("session: final state", "active", session.state)
    print(f"session: Session.create -> {session.id}; refresh: {' '.join(seen)}", flush=True)

    step("Poll.create and refresh")
    # 3. a poll, refreshed until completed
    poll = ricloud.Poll.create(session=session,
                               payload={"info_types": ["*"], "data_types": [DATA_TYPE]})
    check_resource("Poll.create", ricloud.Poll, poll)
    check_true("Poll.create: state", poll.state in ("pending", "processing"), "pending or processing",
               poll.state)
    check("Poll.create: session", session.id, poll.get("session"))
    seen = wait(poll, "poll", ("pending", "processing"))
    check("poll: final state", "completed", poll.state)
    succeeded = poll.get("tasks_succeeded")
    check_true("poll: tasks_succeeded", isinstance(succeeded, list) and len(succeeded) >= 1
               and all(isinstance(i, str) for i in succeeded), "a non-empty list of task ids", succeeded)
    for name in ("tasks_pending", "tasks_processing", "tasks_failed", "tasks_suspended"):
        check(f"poll: {name}", [], poll.get(name))
    check_list("poll: results", poll.get("results"), ricloud.Result)
    check_true("poll: date_completed", is_datetime(poll.get("date_completed")), "a datetime",
               poll.get("date_completed"))
    print(f"poll: Poll.create -> {poll.id}; refresh: {' '.join(seen)}; "
          f"{len(succeeded)} tasks succeeded, {len(poll.results)} results", flush=True)

    step("Task.retrieve")
    # 4. Task.retrieve: each of the poll's tasks; the data task in detail
    tasks = {}
    for task_id in succeeded:
        task = ricloud.Task.retrieve(task_id)
        check_resource(f"Task.retrieve({task_id})", ricloud.Task, task)
        check(f"task {task_id}: id", task_id, task.id)
        check(f"task {task_id}: state", "succeeded", task.state)
        check(f"task {task_id}: poll", poll.id, task.get("poll"))
        tasks[task_id] = task
    data_tasks = [t for t in tasks.values() if t.get("type") == "data" and t.get("target") == DATA_TYPE]
    check_true(f"poll's tasks: one data task for {DATA_TYPE}", len(data_tasks) == 1,
               f"one task of type 'data', target {DATA_TYPE!r}",
               [(t.get("type"), t.get("target")) for t in tasks.values()])
    task = data_tasks[0]
    check(f"task {task.id}: resource", "task", task.resource)
    check(f"task {task.id}: session", session.id, task.get("session"))
    check(f"task {task.id}: user", user.id, task.get("user"))
    check(f"task {task.id}: source_type", SOURCE_TYPE, task.get("source_type"))
    check(f"task {task.id}: error", None, task.get("error"))
    created = parse_datetime(f"task {task.id}: date_created", task.get("date_created"))
    started = parse_datetime(f"task {task.id}: date_started", task.get("date_started"))
    completed = parse_datetime(f"task {task.id}: date_completed", task.get("date_completed"))
    check_true(f"task {task.id}: created <= started <= completed", created <= started <= completed,
               "dates in order", (task.date_created, task.date_started, task.date_completed))
    result_ids = check_list(f"task {task.id}: results", task.get("results"), ricloud.Result)
    check_true(f"task {task.id}: results", len(result_ids) >= 1, "at least one result", task.results)
    print(f"task: Task.retrieve({task.id}) -> {task.state}, type {task.type}, target {task.target}, "
          f"started {task.date_started}, completed {task.date_completed}, {len(result_ids)} result(s)",
          flush=True)

    step("Task.list(session=..., type='session.init')")
    init = ricloud.Task.list(session=session, type="session.init")
    ids = check_list("Task.list(session=session, type='session.init')", init, ricloud.Task)
    check("Task.list(session=session, type='session.init'): count", 1, len(ids))
    check("session.init task: state", "succeeded", init[0].state)
    print(f"task: Task.list(session=session, type='session.init') -> {ids[0]} succeeded", flush=True)

    step("Task.list filters")
    # 5. Task.list filters: a resource object, a state, datetimes (the client encodes them)
    listed = ricloud.Task.list(poll=poll, state="succeeded")
    ids = check_list("Task.list(poll=poll, state='succeeded')", listed, ricloud.Task)
    check("Task.list(poll=poll, state='succeeded'): ids", sorted(succeeded), sorted(ids))
    for item in listed:
        check(f"Task.list(poll=poll, state='succeeded'): {item.id} state", "succeeded", item.state)
        check(f"Task.list(poll=poll, state='succeeded'): {item.id} poll", poll.id, item.get("poll"))
    print(f"list: Task.list(poll=poll, state='succeeded') -> {len(ids)} tasks", flush=True)

    since = parse_datetime("poll: date_created", poll.date_created)
    listed = ricloud.Task.list(date_created__gte=since)
    ids = check_list(f"Task.list(date_created__gte={since!r})", listed, ricloud.Task)
    check_true(f"Task.list(date_created__gte={since!r}): the poll's tasks", set(succeeded) <= set(ids),
               sorted(succeeded), ids)
    for item in listed:
        check_true(f"Task.list(date_created__gte=...): {item.id} date_created",
                   parse_datetime(f"task {item.id}: date_created", item.date_created) >= since,
                   f">= {poll.date_created}", item.date_created)
    # A user's naive UTC datetime with microseconds goes out as 2024-05-01T10:00:00.123 (no zone).
    naive = (since - timedelta(microseconds=500)).replace(tzinfo=None)
    listed_naive = ricloud.Task.list(date_created__gte=naive)
    ids_naive = check_list(f"Task.list(date_created__gte={naive!r})", listed_naive, ricloud.Task)
    check(f"Task.list(date_created__gte={naive!r}) (a naive datetime: UTC): ids", ids, ids_naive)
    later = ricloud.Task.list(date_created__gte=since + timedelta(days=1))
    check("Task.list(date_created__gte=<a day after the poll>): count", 0,
          len(check_list("Task.list(date_created__gte=<a day later>)", later, ricloud.Task)))
    check("Task.list(date_created__gte=<a day later>): has_more", False, later.has_more)
    print(f"list: Task.list(date_created__gte={poll.date_created}) -> {len(ids)} tasks "
          f"(the same with a naive datetime; none a day later)", flush=True)

    step("Task.list pages")
    # 6. pagination by hand, as users do it: limit=1, then after_id=<the last id seen>
    everything = check_list("Task.list(limit=1000)", ricloud.Task.list(limit=1000), ricloud.Task)
    check_true("Task.list(limit=1000): at least 3 tasks", len(everything) >= 3,
               "the session.init task and the poll's", everything)
    paged, page = [], ricloud.Task.list(limit=1)
    for pages in range(1, MAX_POLLS + 1):
        ids = check_list(f"Task.list(limit=1) page {pages}", page, ricloud.Task)
        check(f"Task.list(limit=1) page {pages}: count", 1, len(ids))
        paged += ids
        if not page.has_more:
            break
        page = ricloud.Task.list(limit=1, after_id=ids[-1])
    else:
        fail(f"Task.list(limit=1): has_more false within {MAX_POLLS} pages", False, page.has_more)
    check("Task.list(limit=1) pages: the ids of Task.list(limit=1000), in order", everything, paged)
    print(f"pages: Task.list(limit=1) then after_id=... -> {pages} pages, has_more false on the last",
          flush=True)

    step("a failed task")
    # 7. a task failed through the admin API
    made = admin(base_url, "tasks", {"frontDoor": "ricloud", "type": "data",
                                     "path": ["processing", "failed"],
                                     "detail": {"error": "source-locked"}})
    failed_id = made.get("id") if isinstance(made, dict) else None
    check_true("admin POST tasks: id", isinstance(failed_id, str) and failed_id != "", "a task id", made)
    failed = ricloud.Task.retrieve(failed_id)
    check_resource(f"Task.retrieve({failed_id})", ricloud.Task, failed)
    seen = wait(failed, "admin task", ("pending", "processing", "suspended"))
    check(f"task {failed_id}: state", "failed", failed.state)
    check(f"task {failed_id}: error", "source-locked", failed.get("error"))
    check(f"task {failed_id}: type", "data", failed.get("type"))
    check_true(f"task {failed_id}: date_completed", is_datetime(failed.get("date_completed")),
               "a datetime", failed.get("date_completed"))
    listed = ricloud.Task.list(state="failed")
    ids = check_list("Task.list(state='failed')", listed, ricloud.Task)
    check("Task.list(state='failed'): ids", [failed_id], ids)
    check("Task.list(state='failed'): error", "source-locked", listed[0].get("error"))
    print(f"failed: admin task {failed_id}: {' '.join(folded(seen))}, error {failed.error}; "
          f"Task.list(state='failed') -> 1", flush=True)

    step("results")
    # 8. results: list, retrieve, the document, acknowledge
    results = ricloud.Result.list(task=task)
    ids = check_list("Result.list(task=task)", results, ricloud.Result)
    check("Result.list(task=task): ids", sorted(result_ids), sorted(ids))
    result = ricloud.Result.retrieve(ids[0])
    check_resource(f"Result.retrieve({ids[0]})", ricloud.Result, result)
    check(f"result {result.id}: id", ids[0], result.id)
    check(f"result {result.id}: task", task.id, result.get("task"))
    check(f"result {result.id}: poll", poll.id, result.get("poll"))
    check(f"result {result.id}: state", "available", result.get("state"))
    check(f"result {result.id}: identifier", DATA_TYPE, result.get("identifier"))
    checksum, size = result.get("checksum"), result.get("size")
    check_true(f"result {result.id}: checksum", isinstance(checksum, str)
               and re.fullmatch(r"[0-9a-f]{32}", checksum) is not None, "an md5 in hex", checksum)
    check_true(f"result {result.id}: size", isinstance(size, int) and size > 0, "a byte count", size)
    url = result.get("url")
    check_true(f"result {result.id}: url", isinstance(url, str)
               and urllib.parse.urlsplit(url).scheme in ("gs", "s3", "local"),
               "a gs://, s3:// or local:// URL (ricloud.storage.download_result)", url)
    document, how = None, None
    if url.startswith("local://"):
        document, how = storage.download_result(url), "ricloud.storage.download_result(url)"
    elif isinstance(result.get("signed_url"), dict):
        with urllib.request.urlopen(result.signed_url["url"], timeout=30) as answer:
            document, how = answer.read(), "signed_url"
    if document is not None:
        check(f"result {result.id}: md5 of the document ({how})", checksum,
              hashlib.md5(document).hexdigest())
        check(f"result {result.id}: size of the document ({how})", size, len(document))
    acked = ricloud.Result.acknowledge_with_id(result.id)
    check_resource(f"Result.acknowledge_with_id({result.id})", ricloud.Result, acked)
    again = ricloud.Result.retrieve(result.id)
    check(f"result {result.id} after ack: state", "consumed", again.get("state"))
    check_true(f"result {result.id} after ack: date_consumed", is_datetime(again.get("date_consumed")),
               "a datetime", again.get("date_consumed"))
    left = check_list("Result.list(task=task) after ack", ricloud.Result.list(task=task), ricloud.Result)
    check_true("Result.list(task=task) after ack: the consumed result hidden", result.id not in left,
               f"not {result.id}", left)
    consumed = check_list("Result.list(task=task, state='consumed')",
                          ricloud.Result.list(task=task, state="consumed"), ricloud.Result)
    check("Result.list(task=task, state='consumed'): ids", [result.id], consumed)
    print(f"results: Result.list(task=task) -> {len(ids)}; Result.retrieve({result.id}) -> "
          f"{result.identifier}, {size} bytes"
          + (f", document checked ({how})" if document is not None else "")
          + "; acknowledge_with_id -> consumed, hidden from Result.list", flush=True)

    step("an unknown task")
    # 9. an unknown task
    unknown = str(uuid.uuid4())
    e = not_found(f"Task.retrieve({unknown})", lambda: ricloud.Task.retrieve(unknown))
    print(f"unknown: Task.retrieve({unknown}) -> RequestError {e.status} {e.error} ({e.message})",
          flush=True)

    step("retention")
    # 10. retention: 7 days after they end, tasks and results are gone
    admin(base_url, "clock/advance", {"by": RETENTION})
    e = not_found(f"Task.retrieve({task.id}) after 7 days", lambda: ricloud.Task.retrieve(task.id))
    not_found(f"Result.retrieve({result.id}) after 7 days", lambda: ricloud.Result.retrieve(result.id))
    print(f"retention: clock advanced {RETENTION}; Task.retrieve({task.id}) -> RequestError "
          f"{e.status} {e.error}; its result too", flush=True)


if __name__ == "__main__":
    run(f"ricloud {version('ricloud')}", named)
