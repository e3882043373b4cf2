"""The interop journey (tests/interop/README.md) shared by the Python stacks (zeep, suds): its
steps, their arguments and checks, one printed line per step.

Both stacks call an operation the same way, `client.service.<operation>(keyword=value, ...)`,
leaving out the arguments the WSDL marks optional (minOccurs="0"), and both let the answers be
read by attribute. What differs stays in each stack's own journey.py: how the client is built
from the WSDL and how a structure argument (a billonAmount) is made, passed in as `amount`.
"""

from checks import (CHOICE, LOGIN_PASSWORD, LOGIN_USER, PASSWORD, UNKNOWN_TASK_ID, check,
                    check_true, field, poll_to_ok, random_transfer_id, random_user, text)


def journey(stack, service, amount):
    """Runs the eight steps through `service` (the client's service). `amount(amount, currency,
    colour)` makes a billonAmount the stack's way; `stack` names the new user and the transfer."""
    user = random_user(stack)

    def task_status(task_id):
        return service.getTaskStatus(taskId=task_id)

    # 1. Register a new user; merchantData (optional) is left out.
    resp = service.startRegister(
        billonUserName=user,
        billonUserPassword=PASSWORD,
        userIPEchoice=CHOICE,
        userARchoice=CHOICE,
        recoveryEmail1="first@example.com",
        recoveryEmail2="second@example.com",
    )
    tid, polls = poll_to_ok(task_status, "startRegister", resp, "REGISTER")
    print(f"1. startRegister {user}: task {tid} FINISHED_OK (REGISTER) after {polls} polls")

    # 2. Log in as the documentation's example user.
    resp = service.startLogin(billonUserName=LOGIN_USER, billonUserPassword=LOGIN_PASSWORD)
    tid, polls = poll_to_ok(task_status, "startLogin", resp, "LOGIN")
    print(f"2. startLogin {LOGIN_USER}: task {tid} FINISHED_OK (LOGIN) after {polls} polls")

    # 3. hello reports who is logged in.
    h = service.hello()
    check("hello: requestStatus", "SUCCESS", h.requestStatus)
    check("hello: username", LOGIN_USER, h.username)
    print(f"3. hello: {h.requestStatus}, username {h.username}")

    # 4. The logged-in user's money (both stacks give xsd:long as int).
    ms = service.getMoneyStatus()
    check("getMoneyStatus: requestStatus", "SUCCESS", ms.requestStatus)
    check("getMoneyStatus: freeBalance.amount", 1000000, ms.freeBalance.amount)
    check("getMoneyStatus: freeBalance.currency", "PLN", ms.freeBalance.currency)
    balances = field(field(ms, "balances"), "item") or []
    check_true("getMoneyStatus: balances has an item", len(balances) >= 1, "at least one item",
               field(ms, "balances"))
    print(f"4. getMoneyStatus: free {ms.freeBalance.amount} {ms.freeBalance.currency}, {len(balances)} balance(s)")

    # 5. Give money to the new user; peerLocation and the other optional arguments are left out.
    resp = service.giveMoneyRequest(
        uniqueTransferId=random_transfer_id(stack),
        type="GIVE_MONEY",
        amount=amount(1500, "PLN", 0),
        username=user,
        shortDescription="interop",
    )
    tid, polls = poll_to_ok(task_status, "giveMoneyRequest", resp, "GIVE_MONEY")
    print(f"5. giveMoneyRequest 1500 PLN to {user}: task {tid} FINISHED_OK (GIVE_MONEY) after {polls} polls")

    # 6. The money left.
    ms = service.getMoneyStatus()
    check("getMoneyStatus (after): requestStatus", "SUCCESS", ms.requestStatus)
    check("getMoneyStatus (after): freeBalance.amount", 998500, ms.freeBalance.amount)
    print(f"6. getMoneyStatus: free {ms.freeBalance.amount} {ms.freeBalance.currency}")

    # 7. The history, as CSV, names the new user.
    report = service.getHistoryReport(format="CSV")
    check("getHistoryReport: requestStatus", "SUCCESS", report.requestStatus)
    history = text(report, "history")
    check_true("getHistoryReport: history contains the new user", user in history,
               f"a history containing {user}", history)
    print(f"7. getHistoryReport CSV: {report.requestStatus}, {len(history)} characters, names {user}")

    # 8. An unknown, well-formed task id.
    st = service.getTaskStatus(taskId=UNKNOWN_TASK_ID)
    check("getTaskStatus (unknown id): requestStatus", "ERR_TASK_DOES_NOT_EXIST", st.requestStatus)
    print(f"8. getTaskStatus {UNKNOWN_TASK_ID}: {st.requestStatus}")
