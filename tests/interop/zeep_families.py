#!/usr/bin/env python3
"""Interop families: one WSDL-generated Python zeep client call (or more) per operation family.

Usage: python3 tests/interop/zeep_families.py http://127.0.0.1:PORT/?wsdl

Runs against a server started with the default world (fixtures/world/default.toml) changed to
node.mode = "master" and node.logged_in = "shop", tasks finishing at once (pace 0) and a frozen
clock. The client is built from the served WSDL and only generated service methods are called.
zeep treats every rpc/literal part as required, so every part is passed: empty strings for
unused text, xsd.SkipValue for an optional structure left out (peerLocation).
Prints one line per family and finally "zeep families: OK"; on a failed check prints expected
vs. got and exits 1. Needs only zeep (4.x) and the standard library.
"""

import json
import random
import string
import time

import zeep
from zeep import xsd

from checks import check, check_true, fail, poll, run

USER = "shop"
PASSWORD = "shop-password"
PAYER = "alice"
CURRENCY = "PLN"
START_FREE = 5_000_000
MAX_POLLS = 40


def text(value):
    """zeep turns an empty element into None."""
    return value or ""


def amount(value):
    return {"amount": value, "currency": CURRENCY, "colour": 0}


def fresh_transfer_id(what):
    suffix = "".join(random.choices(string.digits, k=6))
    return f"zeep-{what}-{int(time.time() * 1000)}-{suffix}"


def request_data(username, unique_transfer_id, title):
    return {
        "requestDeliveryData": "NOT_NEEDED",
        "requestInvoiceData": "NOT_NEEDED",
        "uniqueTransferId": unique_transfer_id,
        "username": username,
        "antiSpamCode": "",
        "title": title,
        "channelInfo": "",
        "description": "",
    }


def settled(status):
    return status.startswith("FINISHED") or status == "SERIES_ACCEPTED"


def started_task(what, resp):
    check(f"{what}: requestStatus", "SUCCESS", resp.requestStatus)
    task_id = text(resp.taskId)
    check_true(f"{what}: taskId is 26 characters", len(task_id) == 26, "a 26-character taskId", task_id)
    return task_id


def finished_ok(service, what, resp, task_type):
    task_id = started_task(what, resp)
    st = poll(service, task_id, what, MAX_POLLS, settled)
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
    report = service.getHistoryReport(filename="", fromDate="", toDate="", onlyTransactions=False,
                                      disableMonexCheck=False, format="JSON")
    check("getHistoryReport: requestStatus", "SUCCESS", report.requestStatus)
    try:
        history = json.loads(text(report.history))
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
        seriesId="",
        requestData=request_data(PAYER, fresh_transfer_id("payment"), "zeep families payment"),
        paymentContext="",
        peerLocation=xsd.SkipValue,
    )
    task_id, st = finished_ok(service, "requestPaymentInitiation", resp, "PAYMENT_REQUEST")
    after = free_balance(service, "payment requests (after)")
    check(f"getMoneyStatus after {PAYER} paid 1000: freeBalance.amount", before + 1000, after)
    print(f"payment requests: requestPaymentInitiation task {task_id} -> {st.status} ({st.type});"
          f" free {before} -> {after}")


def series(service):
    resp = service.startSeriesPayment(
        requestData=request_data(PAYER, fresh_transfer_id("series"), "zeep families series"),
        peerLocation=xsd.SkipValue,
        type="MONEY_COLLECT_SERIES",
        seriesData={
            "maxPaymentsInSeries": 2,
            "description": "",
            "maxTotalAmount": amount(5000),
            "seriesSecondDuration": 0,
            "username": PAYER,
        },
    )
    series_id = started_task("startSeriesPayment", resp)
    st = poll(service, series_id, "startSeriesPayment", MAX_POLLS, settled)
    check("startSeriesPayment: task status", "SERIES_ACCEPTED", st.status)
    check("startSeriesPayment: task type", "MONEY_COLLECT_SERIES", st.type)
    r = service.endSeriesPayment(seriesId=series_id)
    check("endSeriesPayment: requestStatus", "SUCCESS", r.requestStatus)
    st = service.getTaskStatus(taskId=series_id, uniqueTransferId="", callback=False)
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
    monexes = cl.monexList.item if cl.monexList is not None else []
    check_true("getCoinList: monexList is not empty", len(monexes) > 0, "at least one coin", cl.monexList)
    resp = service.changeMoney(amountToChange=amount(1000), whoCanChange="")
    task_id = started_task("changeMoney", resp)
    st = poll(service, task_id, "changeMoney", MAX_POLLS, settled)
    check("changeMoney: task type", "CHANGE_MONEY", st.type)
    check_true("changeMoney: task is final", text(st.status).startswith("FINISHED"), "FINISHED*", st.status)
    print(f"coins: getCoinList {len(monexes)} coins; changeMoney task {task_id} -> {st.status} ({st.type})")


def slaves(service):
    resp = service.addSlaves(
        newSlaves={"item": [{
            "soapAddress": {"ip": "10.0.0.5", "port": 9091},
            "applicationAddress": {"ip": "10.0.0.5", "port": 8999},
            "machineIdHex": "00001111AAAAFFFF",
        }]},
        createNew=False,
    )
    task_id, st = finished_ok(service, "addSlaves", resp, "ADD_SLAVES")
    print(f"slaves: addSlaves 10.0.0.5:9091 task {task_id} -> {st.status} ({st.type})")


def families(wsdl_url):
    service = zeep.Client(wsdl=wsdl_url).service
    for family in (session, money, payment_requests, series, vault, treasury, coins, slaves):
        family(service)


if __name__ == "__main__":
    run("zeep families", families)
