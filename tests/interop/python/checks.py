"""What the Python stacks of the interop suite (zeep, suds) share: the journey's constants,
checks that fail the run with expected vs. got, polling a task, and the entry point. The
journey's steps are in steps.py; zeep's families.py uses these checks too.

Building the client stays in each stack's own script, written in that stack's idioms; this
module only looks at the answers, by attribute (both zeep and suds objects allow that).
"""

import random
import string
import sys
import traceback

PASSWORD = "interop-pw"
CHOICE = "PLUS_BANK_PRODUCTION"
LOGIN_USER = "test_user"
LOGIN_PASSWORD = "test_password"
UNKNOWN_TASK_ID = "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"
MAX_POLLS = 50


def fail(what, expected, got):
    print(f"FAIL: {what}: expected {expected!r}, got {got!r}", flush=True)
    sys.exit(1)


def check(what, expected, got):
    if got != expected:
        fail(what, expected, got)


def check_true(what, cond, expected, got):
    if not cond:
        fail(what, expected, got)


def field(answer, name):
    """A field of an answer; None when the stack left it out (both turn an empty element into
    None or leave the attribute unset)."""
    return getattr(answer, name, None)


def text(answer, name):
    return field(answer, name) or ""


def random_user(stack):
    return stack + "_" + "".join(random.choices(string.ascii_lowercase, k=8))


def random_transfer_id(stack):
    return f"{stack}-" + "".join(random.choices(string.ascii_lowercase + string.digits, k=16))


def task_id_of(what, answer):
    """Checks a vuiSoapTaskIdResponse: SUCCESS and a 26-character taskId, which it returns."""
    check(f"{what}: requestStatus", "SUCCESS", field(answer, "requestStatus"))
    task_id = text(answer, "taskId")
    check_true(f"{what}: taskId has 26 characters", len(task_id) == 26, "a 26-character taskId", task_id)
    return task_id


def finished(status):
    return status.startswith("FINISHED")


def poll(get_task_status, task_id, what, max_polls=MAX_POLLS, settled=finished):
    """Calls `get_task_status(task_id)` until `settled(status)`, with no sleep (the suite moves
    tasks one status per poll); checks every answer is SUCCESS. Returns (last answer, polls)."""
    last = None
    for polls in range(1, max_polls + 1):
        last = get_task_status(task_id)
        check(f"{what}: getTaskStatus requestStatus", "SUCCESS", field(last, "requestStatus"))
        if settled(text(last, "status")):
            return last, polls
    fail(f"{what}: task {task_id} to settle within {max_polls} polls", "a settled status",
         field(last, "status"))


def poll_to_ok(get_task_status, what, answer, task_type):
    """Polls the task `answer` started until its status starts with FINISHED; checks it is
    FINISHED_OK of type `task_type`. Returns (task_id, polls)."""
    task_id = task_id_of(what, answer)
    last, polls = poll(get_task_status, task_id, what)
    check(f"{what}: final status", "FINISHED_OK", field(last, "status"))
    check(f"{what}: task type", task_type, field(last, "type"))
    return task_id, polls


def guarded(scenario, *args):
    """Runs `scenario(*args)`; an exception fails the run, with the traceback on stderr and a
    one-line reason last on stdout."""
    try:
        scenario(*args)
    except SystemExit:
        raise
    except Exception as e:  # Faults, parse errors, transport errors, ...
        traceback.print_exc(file=sys.stderr)
        sys.stderr.flush()
        print(f"FAIL: unexpected {type(e).__name__}: {e}".replace("\n", " "), flush=True)
        sys.exit(1)


def run(version, journey):
    """Entry point: `script BASE_URL WORK_DIR`. Prints `version: ...`, runs
    `journey(base_url, work_dir)`, then `journey: OK`."""
    if len(sys.argv) != 3:
        print(f"usage: {sys.argv[0]} http://127.0.0.1:PORT/ WORK_DIR", file=sys.stderr)
        sys.exit(2)
    print(f"version: {version}", flush=True)
    guarded(journey, sys.argv[1], sys.argv[2])
    print("journey: OK", flush=True)
