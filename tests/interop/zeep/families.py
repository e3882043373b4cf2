#!/usr/bin/env python3
"""Interop families: one WSDL-generated Python zeep client call (or more) per operation family,
against the default WSDL (`/?wsdl`, document/literal wrapped).

Usage: families.py BASE_URL [WORK_DIR]   (BASE_URL http://127.0.0.1:PORT/; `?wsdl` is added
unless the URL already names a WSDL). tests/it/interop.rs runs it as
`run.sh BASE_URL WORK_DIR families.py`; WORK_DIR is not used.

Runs against a server started with the default world (fixtures/world/default.toml) changed to
node.mode = "master" and node.logged_in = "shop", tasks finishing at once (pace 0). The client
is built from the served WSDL and only generated service methods are called; arguments the
WSDL marks optional (minOccurs="0") are left out, as zeep users do.
Prints one line per family and finally "zeep families: OK"; on a failed check prints expected
vs. got and exits 1. Needs only zeep (4.x) and the standard library; the shared checks are in
../python/checks.py.

(The same calls as tests/interop/zeep_families.py, which was written for the rpc/literal WSDL
and passes every part; that script also passes unchanged against this flavour.)
"""

import json
import os
import random
import string
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

import zeep  # noqa: E402

from checks import check, check_true, fail, field, guarded, poll, task_id_of, text  # noqa: E402

USER = "shop"
PASSWORD = "shop-password"
PAYER = "alice"
CURRENCY = "PLN"
START_FREE = 5_000_000
MAX_POLLS = 40


def amount(value):
    return {"amount": value, "currency": CURRENCY, "colour": 0}


def fresh_transfer_id(what):
    suffix = "".join(random.choices(string.digits, k=6))
    return f"zeep-{what}-{int(time.time() * 1000)}-{suffix}"


def request_data(username, unique_transfer_id, title):
    # antiSpamCode, channelInfo and description are optional: left out.
    return {
        "requestDeliveryData": "NOT_NEEDED",
        "requestInvoiceData": "NOT_NEEDED",
        "uniqueTransferId": unique_transfer_id,
        "username": username,
        "title": title,
    }


def settled(status):
    return status.startswith("FINISHED") or status == "SERIES_ACCEPTED"


def finished_ok(service, what, resp, task_type):
    task_id = task_id_of(what, resp)
    st, _ = poll(lambda tid: service.getTaskStatus(taskId=tid), task_id, what, MAX_POLLS, settled)
    check(f"{what}: task status", "FINISHED_OK", st.status)
    check(f"{what}: task type", task_type, st.type)
    return task_id, st


def free_balance(service, what):
    ms = service.getMoneyStatus()
    check(f"{what}: getMoneyStatus requestStatus", "SUCCESS", ms.requestStatus)
    check(f"{what}: freeBalance.currency", CURRENCY, ms.freeBalance.currency)
    return ms.freeBalance.amount


def session(service):
    h = service.hello()
    check("hello: requestStatus", "SUCCESS", h.requestStatus)
    check("hello: username", USER, h.username)
    r = service.checkPassword(billonUserPassword=PASSWORD)
    check("checkPassword: requestStatus", "SUCCESS", r.requestStatus)
    print(f"session: hello username={h.username} status={h.status}; checkPassword {r.requestStatus}")


def money(service):
    free = free_balance(service, "money")
    check("getMoneyStatus: freeBalance.amount", START_FREE, free)
    report = service.getHistoryReport(format="JSON")
    check("getHistoryReport: requestStatus", "SUCCESS", report.requestStatus)
    try:
        history = json.loads(text(report, "history"))
    except ValueError:
        fail("getHistoryReport: history", "a JSON array", report.history)
    check_true("getHistoryReport: history is a JSON array", isinstance(history, list),
               "a JSON array", report.history)
    print(f"money: getMoneyStatus free {free} {CURRENCY}; getHistoryReport JSON {report.requestStatus}"
          f" ({len(history)} entries)")


def payment_requests(service):
    before = free_balance(service, "payment requests (before)")
    resp = service.requestPaymentInitiation(
        type="NORMAL",
        amount=amount(1000),
        requestData=request_data(PAYER, fresh_transfer_id("payment"), "zeep families payment"),
    )
    task_id, st = finished_ok(service, "requestPaymentInitiation", resp, "PAYMENT_REQUEST")
    after = free_balance(service, "payment requests (after)")
    check(f"getMoneyStatus after {PAYER} paid 1000: freeBalance.amount", before + 1000, after)
    print(f"payment requests: requestPaymentInitiation task {task_id} -> {st.status} ({st.type});"
          f" free {before} -> {after}")


def series(service):
    resp = service.startSeriesPayment(
        requestData=request_data(PAYER, fresh_transfer_id("series"), "zeep families series"),
        type="MONEY_COLLECT_SERIES",
        seriesData={
            "maxPaymentsInSeries": 2,
            "maxTotalAmount": amount(5000),
            "seriesSecondDuration": 0,
            "username": PAYER,
        },
    )
    series_id = task_id_of("startSeriesPayment", resp)
    st, _ = poll(lambda tid: service.getTaskStatus(taskId=tid), series_id, "startSeriesPayment",
                 MAX_POLLS, settled)
    check("startSeriesPayment: task status", "SERIES_ACCEPTED", st.status)
    check("startSeriesPayment: task type", "MONEY_COLLECT_SERIES", st.type)
    r = service.endSeriesPayment(seriesId=series_id)
    check("endSeriesPayment: requestStatus", "SUCCESS", r.requestStatus)
    st = service.getTaskStatus(taskId=series_id)
    check("endSeriesPayment: series task status", "SERIES_FINISHED", st.status)
    print(f"series: startSeriesPayment task {series_id} -> SERIES_ACCEPTED; endSeriesPayment {r.requestStatus}"
          f" -> {st.status}")


def vault(service):
    resp = service.sendMoneyToVault(amount=amount(100))
    task_id, st = finished_ok(service, "sendMoneyToVault", resp, "SEND_MONEY_TO_VAULT")
    print(f"vault: sendMoneyToVault 100 {CURRENCY} task {task_id} -> {st.status} ({st.type})")


def treasury(service):
    r = service.setTreasury(treasuryName="treasury", password=PASSWORD)
    check("setTreasury: requestStatus", "SUCCESS", r.requestStatus)
    print(f"treasury: setTreasury treasury {r.requestStatus}")


def coins(service):
    cl = service.getCoinList()
    check("getCoinList: requestStatus", "SUCCESS", cl.requestStatus)
    monexes = field(cl.monexList, "item") or []
    check_true("getCoinList: monexList is not empty", len(monexes) > 0, "at least one coin", cl.monexList)
    resp = service.changeMoney(amountToChange=amount(1000))
    task_id = task_id_of("changeMoney", resp)
    st, _ = poll(lambda tid: service.getTaskStatus(taskId=tid), task_id, "changeMoney", MAX_POLLS, settled)
    check("changeMoney: task type", "CHANGE_MONEY", st.type)
    check_true("changeMoney: task is final", text(st, "status").startswith("FINISHED"), "FINISHED*", st.status)
    print(f"coins: getCoinList {len(monexes)} coins; changeMoney task {task_id} -> {st.status} ({st.type})")


def slaves(service):
    resp = service.addSlaves(
        newSlaves={"item": [{
            "soapAddress": {"ip": "10.0.0.5", "port": 9091},
            "applicationAddress": {"ip": "10.0.0.5", "port": 8999},
            "machineIdHex": "00001111AAAAFFFF",
        }]},
    )
    task_id, st = finished_ok(service, "addSlaves", resp, "ADD_SLAVES")
    print(f"slaves: addSlaves 10.0.0.5:9091 task {task_id} -> {st.status} ({st.type})")


def families(wsdl_url):
    service = zeep.Client(wsdl=wsdl_url).service
    for family in (session, money, payment_requests, series, vault, treasury, coins, slaves):
        family(service)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(f"usage: {sys.argv[0]} http://127.0.0.1:PORT/ [WORK_DIR]", file=sys.stderr)
        sys.exit(2)
    base = sys.argv[1]
    guarded(families, base if "?wsdl" in base else base + "?wsdl")
    print("zeep families: OK")
