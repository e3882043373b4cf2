// Interop journey for cnode-emulator through gSOAP (C++), as gSOAP's tutorials do it:
//   wsdl2h -o cnode.h "${BASE_URL}?wsdl"        (document/literal wrapped)
//   soapcpp2 -j -C -I/usr/share/gsoap/import cnode.h
// then this file calls the generated proxy class CNodeBindingProxy, whose endpoint is the
// soap:address of the served WSDL. Every operation takes a request wrapper object
// (_ns1__op) and fills a response wrapper (_ns1__opResponse) whose `return_` holds the reply.
// Arguments the WSDL marks optional (minOccurs="0") are pointers; left NULL they are not sent.
//
// Usage: cnode_journey   (run.sh generates, builds and runs it; see the README of tests/interop)
// Prints one line per step and "journey: OK"; a failed check prints expected vs. got, exits 1.

#include "soapCNodeBindingProxy.h"
#include "CNodeBinding.nsmap"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>

namespace {

const int MAX_POLLS = 50;
const char *const PASSWORD = "interop-pw";
const char *const UNKNOWN_TASK_ID = "ZZZZZZZZZZZZZZZZZZZZZZZZZZ";

CNodeBindingProxy service;

[[noreturn]] void fail(const std::string &what, const std::string &expected, const std::string &got) {
    std::printf("FAIL: %s: expected '%s', got '%s'\n", what.c_str(), expected.c_str(), got.c_str());
    std::exit(1);
}

void check(const std::string &what, const std::string &expected, const std::string &got) {
    if (got != expected) fail(what, expected, got);
}

// Any transport error or SOAP fault ends the run with gSOAP's own description of it.
void ok(const std::string &what, int rc) {
    if (rc == SOAP_OK) return;
    char buf[1024];
    service.soap_sprint_fault(buf, sizeof buf);
    fail(what, "SOAP_OK", std::to_string(rc) + " " + buf);
}

// A reply wrapper without its <return> element would be a protocol error: fail on it.
template <typename T> T &ret(const std::string &what, T *r) {
    if (r == NULL) fail(what, "a <return> element", "none");
    return *r;
}

std::string random_letters(int n) {
    std::random_device rd;
    std::mt19937 gen(rd());
    std::uniform_int_distribution<int> letter('a', 'z');
    std::string s;
    for (int i = 0; i < n; i++) s += static_cast<char>(letter(gen));
    return s;
}

std::string check_task_id(const std::string &what, ns1__vuiSoapTaskIdResponse &r) {
    check(what + ": requestStatus", "SUCCESS", r.requestStatus);
    if (r.taskId.size() != 26) fail(what + ": taskId is 26 characters", "a 26-character taskId", r.taskId);
    return r.taskId;
}

// Polls getTaskStatus(taskId) until the status starts with FINISHED; returns the last answer.
ns1__vuiSoapGetTaskStatusResponse poll(const std::string &what, const std::string &task_id) {
    std::string last;
    for (int i = 0; i < MAX_POLLS; i++) {
        _ns1__getTaskStatus req;  // uniqueTransferId and callback are optional: left out
        req.taskId = task_id;
        _ns1__getTaskStatusResponse resp;
        ok(what + ": getTaskStatus", service.getTaskStatus(&req, resp));
        ns1__vuiSoapGetTaskStatusResponse &st = ret(what + ": getTaskStatus", resp.return_);
        check(what + ": getTaskStatus requestStatus", "SUCCESS", st.requestStatus);
        if (st.status.compare(0, 8, "FINISHED") == 0) return st;
        last = st.status;
    }
    fail(what + ": task " + task_id + " to finish within " + std::to_string(MAX_POLLS) + " polls",
         "a FINISHED status", last);
}

}  // namespace

int main() {
    const std::string user = "gsoap_" + random_letters(8);

    // 1. startRegister, merchantData left out (NULL: not a merchant).
    {
        _ns1__startRegister req;
        req.billonUserName = user;
        req.billonUserPassword = PASSWORD;
        req.userIPEchoice = "PLUS_BANK_PRODUCTION";
        req.userARchoice = "PLUS_BANK_PRODUCTION";
        req.recoveryEmail1 = "a@example.com";
        req.recoveryEmail2 = "b@example.com";
        req.merchantData = NULL;
        _ns1__startRegisterResponse resp;
        ok("startRegister", service.startRegister(&req, resp));
        std::string tid = check_task_id("startRegister", ret("startRegister", resp.return_));
        ns1__vuiSoapGetTaskStatusResponse st = poll("startRegister", tid);
        check("startRegister: final status", "FINISHED_OK", st.status);
        check("startRegister: task type", "REGISTER", st.type);
        std::printf("1. startRegister %s: task %s -> %s (%s)\n", user.c_str(), tid.c_str(),
                    st.status.c_str(), st.type.c_str());
    }

    // 2. startLogin as the seeded test user.
    {
        _ns1__startLogin req;
        req.billonUserName = "test_user";
        req.billonUserPassword = "test_password";
        _ns1__startLoginResponse resp;
        ok("startLogin", service.startLogin(&req, resp));
        std::string tid = check_task_id("startLogin", ret("startLogin", resp.return_));
        ns1__vuiSoapGetTaskStatusResponse st = poll("startLogin", tid);
        check("startLogin: final status", "FINISHED_OK", st.status);
        check("startLogin: task type", "LOGIN", st.type);
        std::printf("2. startLogin test_user: task %s -> %s (%s)\n", tid.c_str(), st.status.c_str(),
                    st.type.c_str());
    }

    // 3. hello reports the logged-in user.
    {
        _ns1__hello req;
        _ns1__helloResponse resp;
        ok("hello", service.hello(&req, resp));
        ns1__vuiSoapHelloResponse &h = ret("hello", resp.return_);
        check("hello: requestStatus", "SUCCESS", h.requestStatus);
        check("hello: username", "test_user", h.username);
        std::printf("3. hello: status=%s username=%s\n", h.status.c_str(), h.username.c_str());
    }

    // 4. and 6. getMoneyStatus: the free balance, and at least one per-currency balance.
    auto money_status = [](const std::string &what, ULONG64 expected_free) {
        _ns1__getMoneyStatus req;
        _ns1__getMoneyStatusResponse resp;
        ok(what, service.getMoneyStatus(&req, resp));
        ns1__vuiSoapGetMoneyStatusResponse &m = ret(what, resp.return_);
        check(what + ": requestStatus", "SUCCESS", m.requestStatus);
        if (m.freeBalance == NULL) fail(what + ": freeBalance", "a billonAmount", "none");
        check(what + ": freeBalance.amount", std::to_string(expected_free), std::to_string(m.freeBalance->amount));
        check(what + ": freeBalance.currency", "PLN", m.freeBalance->currency);
        size_t n = m.balances == NULL ? 0 : m.balances->item.size();
        if (n == 0) fail(what + ": balances", "at least one item", "none");
        std::printf("%s: freeBalance %llu %s, %zu balance(s)\n", what.c_str(),
                    static_cast<unsigned long long>(m.freeBalance->amount), m.freeBalance->currency.c_str(), n);
    };
    money_status("4. getMoneyStatus", 1000000);

    // 5. giveMoneyRequest to U; peerLocation, seriesId and description left out.
    {
        ns1__billonAmount amount;
        amount.amount = 1500;
        amount.currency = "PLN";
        amount.colour = 0;
        _ns1__giveMoneyRequest req;
        req.uniqueTransferId = "gsoap-" + random_letters(16);
        req.type = "GIVE_MONEY";
        req.amount = &amount;
        req.username = user;
        req.shortDescription = "interop";
        _ns1__giveMoneyRequestResponse resp;
        ok("giveMoneyRequest", service.giveMoneyRequest(&req, resp));
        std::string tid = check_task_id("giveMoneyRequest", ret("giveMoneyRequest", resp.return_));
        ns1__vuiSoapGetTaskStatusResponse st = poll("giveMoneyRequest", tid);
        check("giveMoneyRequest: final status", "FINISHED_OK", st.status);
        check("giveMoneyRequest: task type", "GIVE_MONEY", st.type);
        std::printf("5. giveMoneyRequest 1500 PLN to %s: task %s -> %s (%s)\n", user.c_str(), tid.c_str(),
                    st.status.c_str(), st.type.c_str());
    }

    money_status("6. getMoneyStatus", 998500);

    // 7. getHistoryReport as CSV (filename, dates and flags left out) names U.
    {
        std::string format = "CSV";  // format is optional too (CSV is its default): sent anyway
        _ns1__getHistoryReport req;
        req.format = &format;
        _ns1__getHistoryReportResponse resp;
        ok("getHistoryReport", service.getHistoryReport(&req, resp));
        ns1__vuiSoapGetHistoryReportResponse &h = ret("getHistoryReport", resp.return_);
        check("getHistoryReport: requestStatus", "SUCCESS", h.requestStatus);
        if (h.history.find(user) == std::string::npos)
            fail("getHistoryReport: history contains " + user, user, h.history);
        std::printf("7. getHistoryReport CSV: %zu characters, names %s\n", h.history.size(), user.c_str());
    }

    // 8. getTaskStatus of a task that does not exist.
    {
        _ns1__getTaskStatus req;
        req.taskId = UNKNOWN_TASK_ID;
        _ns1__getTaskStatusResponse resp;
        ok("getTaskStatus (unknown)", service.getTaskStatus(&req, resp));
        ns1__vuiSoapGetTaskStatusResponse &st = ret("getTaskStatus (unknown)", resp.return_);
        check("getTaskStatus (unknown): requestStatus", "ERR_TASK_DOES_NOT_EXIST", st.requestStatus);
        std::printf("8. getTaskStatus %s: %s\n", UNKNOWN_TASK_ID, st.requestStatus.c_str());
    }

    std::printf("journey: OK\n");
    return 0;
}
