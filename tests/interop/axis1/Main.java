/*
 * Interop journey for Apache Axis 1.4 (rpc/encoded): drives cnode-emulator through the stubs
 * WSDL2Java generated from the served WSDL (/?wsdl=encoded), package `ns1` (the WSDL's target
 * namespace). Only the generated locator, port and bean classes are used; Axis serializes with
 * its default SOAP encoding, so beans such as `amount` go out as multi-reference values
 * (<amount href="#id0"/> plus a <multiRef id="id0"> after the operation element).
 *
 * Usage: java -cp <axis jars>:<compiled stubs> Main http://127.0.0.1:PORT/
 * Prints one line per journey step and finally "journey: OK"; on a failed check prints
 * "FAIL: <check>: expected <x>, got <y>" and exits 1.
 *
 * Optional arguments: every rpc part is required by the style, so each one is passed; Axis' own
 * way to leave an object argument out is null (sent as xsi:nil="true"); primitive boolean parts
 * (callback, onlyTransactions, disableMonexCheck) cannot be null and are sent as false.
 */

import java.net.URL;
import java.util.Random;

import ns1.BillonAmount;
import ns1.CNodePortType;
import ns1.CNodeServiceLocator;
import ns1.VuiSoapGetHistoryReportResponse;
import ns1.VuiSoapGetMoneyStatusResponse;
import ns1.VuiSoapGetTaskStatusResponse;
import ns1.VuiSoapHelloResponse;
import ns1.VuiSoapTaskIdResponse;
import org.apache.axis.AxisFault;
import org.apache.axis.types.UnsignedLong;

public class Main {
    static final String PASSWORD = "interop-pw";
    static final String UNKNOWN_TASK_ID = "ZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    static final int MAX_POLLS = 50;

    static class CheckFailed extends RuntimeException {
        CheckFailed(String msg) { super(msg); }
    }

    static void check(String what, Object expected, Object got) {
        if (expected == null ? got != null : !expected.equals(got)) {
            throw new CheckFailed(what + ": expected " + quote(expected) + ", got " + quote(got));
        }
    }

    static void checkTrue(String what, boolean cond, String expected, Object got) {
        if (!cond) {
            throw new CheckFailed(what + ": expected " + expected + ", got " + quote(got));
        }
    }

    static String quote(Object o) {
        return o instanceof String ? "\"" + o + "\"" : String.valueOf(o);
    }

    static String randomLetters(int n) {
        Random r = new Random();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append((char) ('a' + r.nextInt(26)));
        return sb.toString();
    }

    static String taskId(String what, VuiSoapTaskIdResponse resp) {
        check(what + ": requestStatus", "SUCCESS", resp.getRequestStatus());
        String tid = resp.getTaskId();
        checkTrue(what + ": taskId is 26 characters", tid != null && tid.length() == 26,
                "a 26-character taskId", tid);
        return tid;
    }

    /** Polls getTaskStatus until the status starts with FINISHED; returns the last answer. */
    static VuiSoapGetTaskStatusResponse poll(CNodePortType port, String what, String tid) throws Exception {
        VuiSoapGetTaskStatusResponse st = null;
        for (int i = 0; i < MAX_POLLS; i++) {
            // uniqueTransferId left out (null); callback is a primitive boolean, so false.
            st = port.getTaskStatus(tid, null, false);
            check(what + ": getTaskStatus requestStatus", "SUCCESS", st.getRequestStatus());
            String status = st.getStatus() == null ? "" : st.getStatus();
            if (status.startsWith("FINISHED")) return st;
        }
        throw new CheckFailed(what + ": task " + tid + " to finish within " + MAX_POLLS
                + " polls: expected a FINISHED status, got " + quote(st == null ? null : st.getStatus()));
    }

    static void journey(String endpoint) throws Exception {
        CNodePortType port = new CNodeServiceLocator().getCNodePort(new URL(endpoint));
        String user = "axis1_" + randomLetters(8);

        // 1. startRegister, merchantData left out (null).
        VuiSoapTaskIdResponse r = port.startRegister(user, PASSWORD,
                "PLUS_BANK_PRODUCTION", "PLUS_BANK_PRODUCTION",
                "a@example.com", "b@example.com", null);
        String tid = taskId("startRegister", r);
        VuiSoapGetTaskStatusResponse st = poll(port, "startRegister", tid);
        check("startRegister: final status", "FINISHED_OK", st.getStatus());
        check("startRegister: task type", "REGISTER", st.getType());
        System.out.println("1. startRegister " + user + ": task " + tid + " -> " + st.getStatus() + " (" + st.getType() + ")");

        // 2. startLogin as the seeded user.
        r = port.startLogin("test_user", "test_password");
        tid = taskId("startLogin", r);
        st = poll(port, "startLogin", tid);
        check("startLogin: final status", "FINISHED_OK", st.getStatus());
        check("startLogin: task type", "LOGIN", st.getType());
        System.out.println("2. startLogin test_user: task " + tid + " -> " + st.getStatus() + " (" + st.getType() + ")");

        // 3. hello.
        VuiSoapHelloResponse h = port.hello();
        check("hello: requestStatus", "SUCCESS", h.getRequestStatus());
        check("hello: username", "test_user", h.getUsername());
        System.out.println("3. hello: status=" + h.getStatus() + " username=" + h.getUsername());

        // 4. getMoneyStatus.
        VuiSoapGetMoneyStatusResponse m = port.getMoneyStatus();
        check("getMoneyStatus: requestStatus", "SUCCESS", m.getRequestStatus());
        check("getMoneyStatus: freeBalance.amount", new UnsignedLong(1000000L), m.getFreeBalance().getAmount());
        check("getMoneyStatus: freeBalance.currency", "PLN", m.getFreeBalance().getCurrency());
        checkTrue("getMoneyStatus: balances has an item", m.getBalances() != null && m.getBalances().length >= 1,
                "at least one item", m.getBalances() == null ? null : m.getBalances().length + " items");
        System.out.println("4. getMoneyStatus: freeBalance " + m.getFreeBalance().getAmount() + " "
                + m.getFreeBalance().getCurrency() + ", " + m.getBalances().length + " balance(s)");

        // 5. giveMoneyRequest to U; peerLocation, seriesId and description left out (null).
        String transferId = "axis1-" + randomLetters(12);
        BillonAmount amount = new BillonAmount(new UnsignedLong(1500L), "PLN", new UnsignedLong(0L));
        r = port.giveMoneyRequest(transferId, "GIVE_MONEY", null, amount, null, user, "interop", null);
        tid = taskId("giveMoneyRequest", r);
        st = poll(port, "giveMoneyRequest", tid);
        check("giveMoneyRequest: final status", "FINISHED_OK", st.getStatus());
        check("giveMoneyRequest: task type", "GIVE_MONEY", st.getType());
        System.out.println("5. giveMoneyRequest 1500 PLN to " + user + ": task " + tid + " -> " + st.getStatus() + " (" + st.getType() + ")");

        // 6. getMoneyStatus again.
        m = port.getMoneyStatus();
        check("getMoneyStatus (after): requestStatus", "SUCCESS", m.getRequestStatus());
        check("getMoneyStatus (after): freeBalance.amount", new UnsignedLong(998500L), m.getFreeBalance().getAmount());
        System.out.println("6. getMoneyStatus: freeBalance " + m.getFreeBalance().getAmount() + " " + m.getFreeBalance().getCurrency());

        // 7. getHistoryReport as CSV; filename and dates left out (null), flags false.
        VuiSoapGetHistoryReportResponse hr = port.getHistoryReport(null, null, null, false, false, "CSV");
        check("getHistoryReport: requestStatus", "SUCCESS", hr.getRequestStatus());
        checkTrue("getHistoryReport: history mentions " + user,
                hr.getHistory() != null && hr.getHistory().contains(user), "a history containing " + user, hr.getHistory());
        System.out.println("7. getHistoryReport CSV: " + hr.getHistory().split("\n").length + " line(s), mentions " + user);

        // 8. getTaskStatus of an unknown id.
        st = port.getTaskStatus(UNKNOWN_TASK_ID, null, false);
        check("getTaskStatus (unknown id): requestStatus", "ERR_TASK_DOES_NOT_EXIST", st.getRequestStatus());
        System.out.println("8. getTaskStatus " + UNKNOWN_TASK_ID + ": " + st.getRequestStatus());
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java Main http://127.0.0.1:PORT/");
            System.exit(2);
        }
        try {
            journey(args[0]);
        } catch (CheckFailed e) {
            System.out.println("FAIL: " + e.getMessage());
            System.exit(1);
        } catch (AxisFault f) { // SOAP faults, and what Axis could not parse or send
            System.out.println("FAIL: unexpected AxisFault " + f.getFaultCode() + ": " + f.getFaultString());
            System.exit(1);
        } catch (Exception e) { // ServiceException, MalformedURLException, ...
            System.out.println("FAIL: unexpected " + e);
            System.exit(1);
        }
        System.out.println("journey: OK");
    }
}
