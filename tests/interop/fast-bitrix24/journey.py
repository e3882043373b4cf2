#!/usr/bin/env python3
"""The Bitrix24 interop journey (configuration.import.*) through fast-bitrix24 from PyPI.

Usage: journey.py BASE_URL WORK_DIR   (run.sh calls it; BASE_URL is http://127.0.0.1:PORT/)

Written the way fast-bitrix24's README teaches: `Bitrix(webhook)`, then `b.call(method, {...})`
for single calls and `b.call(..., raw=True)` for the untouched server answer. Only
`verbose=False` is added (a documented constructor argument) so that no tqdm progress bar is
drawn on stderr for every call. The admin API is driven with urllib, not with the client.

What the client really does, and what the checks below therefore expect (dialects.md 4.4):
- `b.call(method, params)` posts `batch` with one command `order0000000000`; a sub-call error
  raises `ErrorInServerResponseException({"order0000000000": {"error": ..., ...}})`.
- a result with a single key comes back as that key's value (`register` -> the processId,
  `unregister` -> "Y", `get` answering only a status -> "S" / "U"); a result with several keys
  comes back as `{"order0000000000": {...}}`.
- `raw=True` posts the method itself and returns the whole JSON answer; an HTTP error status
  raises aiohttp's ClientResponseError (the error body is never read).

The emulator moves a task one status per poll; the journey polls at most 50 times, never sleeps.
"""

import os
import random
import string
import sys
from datetime import datetime
from importlib.metadata import version

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import aiohttp  # noqa: E402
from fast_bitrix24 import Bitrix  # noqa: E402
from fast_bitrix24.server_response import ErrorInServerResponseException  # noqa: E402

from checks import MAX_POLLS, check, check_true, fail, run  # noqa: E402
from admin import admin, admin_get  # noqa: E402

ORDER = "order0000000000"  # the batch command label call() gives a single call
TIME_KEYS = ("start", "finish", "duration", "processing", "date_start", "date_finish")
UNKNOWN_PROCESS = 999999
# An exported archive's files, as links (the emulator downloads nothing).
IMPORT_DATA = {
    "STRUCTURE": ["https://portal.example/upload/export/structure.zip"],
    "FILES": ["https://portal.example/upload/export/files.zip"],
    "MANIFEST": ["https://portal.example/upload/export/manifest.json"],
}


# --- reading the client's answers ---------------------------------------------------------

def get(b, process_id, what):
    """`configuration.import.get` as users call it: (status, the whole result object).

    A result with one key ({"status": "S"}) comes back as the bare status; one with several
    keys as {"order0000000000": {...}}. Anything else fails the run."""
    answer = b.call("configuration.import.get", {"processId": process_id})
    if isinstance(answer, str):
        return answer, {"status": answer}
    check_true(f"{what}: get answer shape", isinstance(answer, dict) and list(answer) == [ORDER]
               and isinstance(answer[ORDER], dict) and "status" in answer[ORDER],
               f'a bare status or {{"{ORDER}": {{"status": ..., ...}}}}', answer)
    result = answer[ORDER]
    check_true(f"{what}: a result of several keys", len(result) > 1,
               "several keys (one key would have been unwrapped)", answer)
    return result["status"], result


def check_bare(what, expected_status, b, process_id):
    """A get whose result is {"status": X} alone: the client hands back the bare string X."""
    answer = b.call("configuration.import.get", {"processId": process_id})
    check(f"{what}: get (client unwraps {{'status': '{expected_status}'}})", expected_status, answer)


def server_error(what, call, code):
    """Runs `call`, which must raise the client's ErrorInServerResponseException carrying
    `code` in result_error; returns that error entry."""
    try:
        got = call()
    except ErrorInServerResponseException as e:
        errors = e.args[0] if e.args else None
        check_true(f"{what}: result_error", isinstance(errors, dict) and ORDER in errors,
                   f'{{"{ORDER}": {{"error": "{code}", ...}}}}', errors)
        entry = errors[ORDER]
        check(f"{what}: error", code, entry.get("error") if isinstance(entry, dict) else entry)
        check_true(f"{what}: error_description", isinstance(entry.get("error_description"), str)
                   and entry["error_description"] != "", "a non-empty text", entry)
        return entry
    fail(f"{what}: raises ErrorInServerResponseException", code, got)


def register(b, what):
    process_id = b.call("configuration.import.register", {"data": IMPORT_DATA})
    check_true(f"{what}: processId (client unwraps {{'processId': N}})",
               isinstance(process_id, int) and not isinstance(process_id, bool) and process_id > 0,
               "a positive integer", process_id)
    return process_id


# --- the journey ----------------------------------------------------------------------------

def journey(base_url, work_dir):
    code = "".join(random.choices(string.ascii_lowercase + string.digits, k=16))
    webhook = f"{base_url}rest/1/{code}/"
    b = Bitrix(webhook, verbose=False)

    # a. register
    first = register(b, "register")
    print(f"register: configuration.import.register -> processId {first}", flush=True)

    # b. poll to F, through S then P. The emulator's admin API shows the process in S before
    # any poll; in the suite each poll moves it one step before answering, so polls may begin at P.
    shown = admin_get(base_url, f"tasks/{first}?frontDoor=bitrix24")
    check(f"process {first} before any poll (admin API)", "S", shown.get("status"))
    seen = []
    for polls in range(1, MAX_POLLS + 1):
        status, result = get(b, first, f"get #{polls}")
        seen.append(status)
        if status == "S":
            check_true(f"get #{polls}: S has no other keys", result == {"status": "S"}, {"status": "S"}, result)
        elif status == "P":
            progress = result.get("progress")
            check_true(f"get #{polls}: P progress", isinstance(progress, dict)
                       and isinstance(progress.get("action"), str)
                       and isinstance(progress.get("step"), int) and not isinstance(progress.get("step"), bool)
                       and isinstance(progress.get("section"), str),
                       "{action: str, step: int, section: str}", progress)
        elif status == "F":
            break
        else:
            fail(f"get #{polls}: status of process {first}", "S, P or F", result)
    else:
        fail(f"process {first} to reach F within {MAX_POLLS} polls", "F", seen)
    path = [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s]
    check_true(f"process {first}: statuses seen (repeats folded)", path in (["S", "P", "F"], ["P", "F"]),
               "S, P, F (S only if a poll came before the first agent run)", path)
    check("F answer", "F", result.get("status"))
    print(f"get: {' '.join(seen)} in {len(seen)} polls (P as {{'{ORDER}': {{...}}}}, S bare)", flush=True)

    # c. raw=True: the whole answer
    answer = b.call("configuration.import.get", {"processId": first}, raw=True)
    check_true("raw get: an object with result and time", isinstance(answer, dict)
               and isinstance(answer.get("result"), dict) and isinstance(answer.get("time"), dict),
               '{"result": {...}, "time": {...}}', answer)
    check("raw get: result.status", "F", answer["result"].get("status"))
    times = answer["time"]
    for key in TIME_KEYS:
        check_true(f"raw get: time.{key}", key in times, f"time.{key}", times)
    for key in ("start", "finish", "duration", "processing"):
        check_true(f"raw get: time.{key} is a number", isinstance(times[key], (int, float))
                   and not isinstance(times[key], bool), "a number", times[key])
    check_true("raw get: time.finish >= time.start", times["finish"] >= times["start"],
               "finish >= start", times)
    for key in ("date_start", "date_finish"):
        try:
            parsed = datetime.fromisoformat(times[key])
        except (TypeError, ValueError):
            parsed = None
        check_true(f"raw get: time.{key} is ISO 8601 with an offset",
                   parsed is not None and parsed.utcoffset() is not None, "2021-08-18T18:10:00+02:00", times[key])
    print(f"raw get: result {answer['result']}, time keys {sorted(times)}", flush=True)

    # d. a second import, forced to E
    second = register(b, "second register")
    check_true("second register: a new processId", second != first, f"not {first}", second)
    admin(base_url, f"tasks/{second}/force?frontDoor=bitrix24", {"status": "E"})
    status, result = get(b, second, "get after force E")
    check("get after force E: status", "E", status)
    check_true("get after force E: errors", isinstance(result.get("errors"), list),
               "an errors list", result)
    print(f"force E: process {second} -> {status} with errors {result['errors']}", flush=True)

    # e. purge after 3 days (units.rs: one number and one unit, so 3 d + 1 s = 259201s)
    admin(base_url, "clock/advance", {"by": "259201s"})
    check_bare(f"get of process {first} after 3 days", "U", b, first)
    print(f"purge: clock advanced 259201s; process {first} -> U", flush=True)

    # f. unregister
    third = register(b, "third register")
    answer = b.call("configuration.import.unregister", {"processId": third})
    check("unregister: answer (client unwraps {'success': 'Y'})", "Y", answer)
    check_bare(f"get of unregistered process {third}", "U", b, third)
    entry = server_error(f"unregister {UNKNOWN_PROCESS}", lambda: b.call(
        "configuration.import.unregister", {"processId": UNKNOWN_PROCESS}), "PROCESS_NOT_FOUND")
    print(f"unregister: process {third} -> Y, then U; process {UNKNOWN_PROCESS} -> "
          f"{entry['error']} ({entry['error_description']})", flush=True)

    # g. an unknown method: in a batch (call) and directly (raw=True)
    # (call() refuses an empty dict on the client side, so the call carries one parameter.)
    entry = server_error("no.such.method", lambda: b.call("no.such.method", {"processId": first}),
                         "ERROR_METHOD_NOT_FOUND")
    try:
        got = b.call("no.such.method", {"processId": first}, raw=True)
    except aiohttp.ClientResponseError as e:
        check("no.such.method raw: HTTP status", 404, e.status)
    else:
        fail("no.such.method raw: raises aiohttp.ClientResponseError", "HTTP 404", got)
    print(f"unknown method: no.such.method -> {entry['error']} in result_error; raw -> HTTP 404", flush=True)


if __name__ == "__main__":
    run(f"fast-bitrix24 {version('fast_bitrix24')}", journey)
