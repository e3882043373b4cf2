#!/usr/bin/env python3
"""Interop journey: drive cnode-emulator through a WSDL-generated Python zeep client.

Usage: python3 tests/interop/zeep_journey.py http://127.0.0.1:PORT/?wsdl

The client is built from the served WSDL (whose soap:address the server fills in), and only
the generated service methods are called. Prints one line per step and finally
"zeep journey: OK"; on a failed check prints expected vs. got and exits 1.
Needs only zeep (4.x) and the standard library.
"""

import json
import random
import string

import zeep
from zeep import xsd

from checks import check, check_true, fail, poll, run

PASSWORD = "zeep-password"
WRONG_PASSWORD = "wrong-password"
UNKNOWN_TASK_ID = "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"
MAX_POLLS = 200


def check_task_id(what, resp):
    check(f"{what}: requestStatus", "SUCCESS", resp.requestStatus)
    tid = resp.taskId or ""
    check_true(f"{what}: taskId is 26 characters", len(tid) == 26, "a 26-character taskId", tid)
    return tid


def journey(wsdl_url):
    client = zeep.Client(wsdl=wsdl_url)
    service = client.service
    user = "zeep_" + "".join(random.choices(string.ascii_lowercase, k=8))

    # 1. startRegister, merchantData omitted (not a merchant).
    # zeep treats every rpc/literal part as required: merchantData=None raises
    # "Missing element merchantData"; xsd.SkipValue leaves the element out of the request.
    resp = service.startRegister(
        billonUserName=user,
        billonUserPassword=PASSWORD,
        userIPEchoice="PLUS_BANK_PRODUCTION",
        userARchoice="PLUS_BANK_PRODUCTION",
        recoveryEmail1="a@example.com",
        recoveryEmail2="b@example.com",
        merchantData=xsd.SkipValue,
    )
    tid = check_task_id("startRegister", resp)
    st = poll(service, tid, "startRegister", MAX_POLLS)
    check("startRegister: final status", "FINISHED_OK", st.status)
    check("startRegister: task type", "REGISTER", st.type)
    print(f"1. startRegister {user}: task {tid} -> {st.status} ({st.type})")

    # 2. startLogin with the wrong password.
    resp = service.startLogin(billonUserName=user, billonUserPassword=WRONG_PASSWORD)
    tid = check_task_id("startLogin (wrong password)", resp)
    st = poll(service, tid, "startLogin (wrong password)", MAX_POLLS)
    check("startLogin (wrong password): final status", "FINISHED_ERR_USER_NOT_AUTHENTICATED", st.status)
    try:
        info = json.loads(st.additionalInfo or "")
    except ValueError:
        fail("startLogin (wrong password): additionalInfo", "a JSON object", st.additionalInfo)
    check_true("startLogin (wrong password): additionalInfo has error_name",
               isinstance(info, dict) and "error_name" in info,
               "a JSON object with key error_name", st.additionalInfo)
    print(f"2. startLogin wrong password: task {tid} -> {st.status}, error_name={info['error_name']}")

    # 3. startLogin with the right password.
    resp = service.startLogin(billonUserName=user, billonUserPassword=PASSWORD)
    tid = check_task_id("startLogin", resp)
    st = poll(service, tid, "startLogin", MAX_POLLS)
    check("startLogin: final status", "FINISHED_OK", st.status)
    check("startLogin: task type", "LOGIN", st.type)
    print(f"3. startLogin: task {tid} -> {st.status} ({st.type})")

    # 4. hello reports the logged-in user.
    h = service.hello()
    check("hello: requestStatus", "SUCCESS", h.requestStatus)
    check("hello: username", user, h.username)
    check_true("hello: status is a non-empty string", isinstance(h.status, str) and h.status != "",
               "a non-empty status", h.status)
    print(f"4. hello: status={h.status} pid={h.pid} username={h.username}")

    # 5. checkPassword right/wrong, getMpin.
    r = service.checkPassword(billonUserPassword=PASSWORD)
    check("checkPassword (right): requestStatus", "SUCCESS", r.requestStatus)
    r = service.checkPassword(billonUserPassword=WRONG_PASSWORD)
    check("checkPassword (wrong): requestStatus", "ERR_INVALID_PASSWORD", r.requestStatus)
    m = service.getMpin(billonUserPassword=PASSWORD)
    check("getMpin: requestStatus", "SUCCESS", m.requestStatus)
    check_true("getMpin: mpin is 5 characters", isinstance(m.mpin, str) and len(m.mpin) == 5,
               "a 5-character mpin", m.mpin)
    print(f"5. checkPassword right=SUCCESS wrong=ERR_INVALID_PASSWORD; getMpin mpin={m.mpin}")

    # 6. getTaskStatus of an unknown, well-formed id.
    st = service.getTaskStatus(taskId=UNKNOWN_TASK_ID, uniqueTransferId="", callback=False)
    check("getTaskStatus (unknown id): requestStatus", "ERR_TASK_DOES_NOT_EXIST", st.requestStatus)
    print(f"6. getTaskStatus {UNKNOWN_TASK_ID}: {st.requestStatus}")


if __name__ == "__main__":
    run("zeep journey", journey)
