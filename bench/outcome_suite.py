#!/usr/bin/env python3
"""Times a whole integration suite against a running emulator: register -> login -> transfer,
then every outcome of fixtures/cnode/statuses.toml (the entries that need no world change), with the
progression mode given. Run by hand; see bench/outcomes.sh.

Usage: python3 bench/outcome_suite.py http://127.0.0.1:PORT immediate|timed:500ms
"""

import json
import pathlib
import sys
import time
import tomllib
import urllib.request
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASE = sys.argv[1].rstrip("/")
MODE = sys.argv[2]


def soap(operation, arguments):
    body = (f'<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1">'
            f'<SOAP-ENV:Body><ns:{operation}>{arguments}</ns:{operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>')
    request = urllib.request.Request(BASE + "/", body.encode(), {"Content-Type": "text/xml"})
    with urllib.request.urlopen(request) as response:
        tree = ET.fromstring(response.read())
    ret = next(tree.iter("return"))
    return {child.tag: (child.text or "") for child in ret}


def admin(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + "/__admin" + path, data, {"Content-Type": "application/json"}, method=method)
    with urllib.request.urlopen(request) as response:
        text = response.read()
    return json.loads(text) if text else None


def xml_arguments(table, substitute):
    out = ""
    for name, value in table.items():
        if isinstance(value, dict):
            inner = xml_arguments(value, substitute)
        else:
            inner = substitute(str(value)).replace("&", "&amp;").replace("<", "&lt;")
        out += f"<{name}>{inner}</{name}>"
    return out


def wait_for(task, target=None, limit=180):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        soap("getTaskStatus", f"<taskId>{task}</taskId>")  # a poll, as a client would
        detail = admin("GET", f"/tasks/{task}")
        seen = [h["status"] for h in detail["history"]]
        if (target and target in seen) or (not target and detail["finished"]):
            return seen
        if detail["finished"]:
            raise SystemExit(f"task {task} ended {seen}, never {target}")
        time.sleep(0.01)
    raise SystemExit(f"task {task} did not reach {target} in {limit} s")


def set_mode():
    if MODE == "immediate":
        admin("PUT", "/progression", {"type": "*", "mode": "immediate"})
    else:
        admin("PUT", "/progression", {"type": "*", "mode": "timed", "step": MODE.split(":", 1)[1]})


def log_in(user, password):
    task = soap("startLogin", f"<billonUserName>{user}</billonUserName><billonUserPassword>{password}</billonUserPassword>")["taskId"]
    wait_for(task)


def journey():
    admin("POST", "/reset")
    set_mode()
    task = soap("startRegister", "<billonUserName>suite_user</billonUserName><billonUserPassword>pw</billonUserPassword>")["taskId"]
    wait_for(task)
    log_in("shop", "shop-password")
    task = soap("giveMoneyRequest", "<username>alice</username><uniqueTransferId>suite-1</uniqueTransferId>"
                "<type>GIVE_MONEY</type><amount><amount>1000</amount><currency>PLN</currency></amount>")["taskId"]
    wait_for(task, "FINISHED_OK")


def outcome(entry, passwords):
    admin("POST", "/reset")
    set_mode()
    login = entry.get("login", "shop")
    if login:
        log_in(login, passwords[login])
    tasks, counter = [], [0]

    def substitute(text):
        if "{{uid}}" in text:
            counter[0] += 1
            text = text.replace("{{uid}}", f"uid-{counter[0]}")
        for i, task in enumerate(tasks):
            text = text.replace("{{task%d}}" % (i + 1), task or "")
        return text

    for step in entry["steps"]:
        answer = soap(step["call"], xml_arguments(step["args"], substitute))
        if answer.get("requestStatus") != "SUCCESS":
            raise SystemExit(f"{entry['status']}: {step['call']} answered {answer}")
        tasks.append(answer.get("taskId") or None)
    check = entry.get("check")
    task = tasks[check - 1] if check else [t for t in tasks if t][-1]
    wait_for(task, entry["status"])


def main():
    table = tomllib.loads((ROOT / "fixtures/cnode/statuses.toml").read_text())["status"]
    world = tomllib.loads((ROOT / "fixtures/world/default.toml").read_text())
    passwords = {name: user["password"] for name, user in world["users"].items()}
    started = time.monotonic()
    journey()
    walked = 0
    for entry in table:
        if "world" in entry:
            continue  # needs a world change the admin API does not make
        if MODE == "immediate" and any(step["call"] == "cancelPaymentRequest" for step in entry["steps"]):
            continue  # cancelling needs a moment in WAITING_FOR_USER_DECISION, which immediate skips
        outcome(entry, passwords)
        walked += 1
    elapsed = time.monotonic() - started
    print(f"{MODE}: register -> login -> transfer, then {walked} outcomes: {elapsed:.2f} s")


main()
