"""What the zeep scripts share: checks that fail the run, polling a task, the entry point."""

import sys
import time

POLL_SLEEP = 0.05


def fail(what, expected, got):
    print(f"FAIL: {what}: expected {expected!r}, got {got!r}")
    sys.exit(1)


def check(what, expected, got):
    if got != expected:
        fail(what, expected, got)


def check_true(what, cond, expected, got):
    if not cond:
        fail(what, expected, got)


def finished(status):
    return status.startswith("FINISHED")


def poll(service, task_id, what, max_polls, settled=finished):
    """Polls getTaskStatus until `settled(status)`; returns the last answer."""
    last = None
    for _ in range(max_polls):
        last = service.getTaskStatus(taskId=task_id, uniqueTransferId="", callback=False)
        check(f"{what}: getTaskStatus requestStatus", "SUCCESS", last.requestStatus)
        # zeep turns an empty element into None, hence the `or ""`.
        if settled(last.status or ""):
            return last
        time.sleep(POLL_SLEEP)
    fail(f"{what}: task {task_id} to settle within {max_polls} polls",
         "a settled status", last.status if last is not None else None)


def run(name, scenario):
    """Runs `scenario(wsdl_url)` from the command line; any exception fails the run."""
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} http://127.0.0.1:PORT/?wsdl", file=sys.stderr)
        sys.exit(2)
    try:
        scenario(sys.argv[1])
    except SystemExit:
        raise
    except Exception as e:  # zeep Fault, XMLParseError, transport errors, ...
        print(f"FAIL: unexpected {type(e).__name__}: {e}")
        sys.exit(1)
    print(f"{name}: OK")
