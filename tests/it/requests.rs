//! Payment and data requests end by the user's world behaviour; cancellation; expected payments.

use std::time::Duration;

use crate::harness::{paced, start, start_with, Emulator};

fn request_payment(emulator: &Emulator, from: &str, uid: &str, amount: u64) -> String {
    let args = format!("<type>NORMAL</type><amount><amount>{amount}</amount><currency>PLN</currency></amount><requestData><username>{from}</username><uniqueTransferId>{uid}</uniqueTransferId><title>item1 x 10</title></requestData>");
    let answer = emulator
        .call_xml("requestPaymentInitiation", &args)
        .answer();
    assert_eq!(answer.get("requestStatus"), "SUCCESS", "{:?}", answer.ret);
    answer.get("taskId").to_owned()
}

fn free(emulator: &Emulator, user: &str) -> u64 {
    emulator.node().world().users[user].balance("PLN").0
}

#[test]
fn an_accepted_payment_request_pays_the_node_user() {
    let emulator = start_with(paced(Duration::from_millis(500)));
    emulator.log_in_as("shop");
    let task = request_payment(&emulator, "alice", "p-1", 12_000);
    emulator.advance_until(5, |e| e.status_of(&task).get("status") == "FINISHED_OK");
    let path = emulator.history(&task);
    assert_eq!(
        path,
        [
            "PREPARATION",
            "SEARCHING",
            "WAITING_FOR_USER_DECISION",
            "TRANSFERRING",
            "FINISHED_OK"
        ]
    );
    assert_eq!(free(&emulator, "shop"), 5_012_000);
    assert_eq!(free(&emulator, "alice"), 238_000);
    assert_eq!(emulator.status_of(&task).get("type"), "PAYMENT_REQUEST");
}

#[test]
fn each_behaviour_ends_the_request_its_way() {
    let emulator = start();
    emulator.log_in_as("shop");
    let cases = [
        ("bob", "FINISHED_ERR_USER_REJECTED"),
        ("never_answers", "FINISHED_ERR_USER_TIMEOUT"),
        ("unreachable_user", "FINISHED_ERR_USER_NOT_FOUND"),
        ("nobody_by_this_name", "FINISHED_ERR_USER_NOT_FOUND"),
    ];
    for (i, (user, status)) in cases.iter().enumerate() {
        let task = request_payment(&emulator, user, &format!("b-{i}"), 1000);
        emulator.advance_until(120, |e| {
            e.status_of(&task).get("status").starts_with("FINISHED")
        });
        let answer = emulator.status_of(&task);
        assert_eq!(answer.get("status"), *status, "{user}");
        assert_eq!(
            answer.info()["error_name"],
            status.trim_start_matches("FINISHED_")
        );
    }
    assert_eq!(free(&emulator, "shop"), 5_000_000, "no money moved");
}

#[test]
fn the_user_timeout_comes_after_the_worlds_decision_timeout() {
    let emulator = start();
    emulator.log_in_as("shop");
    let task = request_payment(&emulator, "never_answers", "t-1", 1000);
    emulator.advance(Duration::from_secs(59));
    assert_eq!(
        emulator.status_of(&task).get("status"),
        "WAITING_FOR_USER_DECISION"
    );
    emulator.advance(Duration::from_secs(1));
    assert_eq!(
        emulator.status_of(&task).get("status"),
        "FINISHED_ERR_USER_TIMEOUT"
    );
}

#[test]
fn cancel_works_while_the_user_decides_and_not_after() {
    let emulator = start();
    emulator.log_in_as("shop");
    let waiting = request_payment(&emulator, "slow_decider", "c-1", 1000);
    assert_eq!(
        emulator.status_of(&waiting).get("status"),
        "WAITING_FOR_USER_DECISION"
    );
    let cancel = emulator
        .call_xml(
            "cancelPaymentRequest",
            &format!("<taskId>{waiting}</taskId><uniqueTransferId></uniqueTransferId>"),
        )
        .answer();
    assert_eq!(cancel.get("requestStatus"), "SUCCESS");
    let cancelled = emulator.status_of(&waiting);
    assert_eq!(
        (
            cancelled.get("status"),
            cancelled.info()["error_name"].as_str()
        ),
        ("FINISHED_ERR_CANCELLED", Some("ERR_CANCELLED"))
    );

    let by_transfer_id = request_payment(&emulator, "slow_decider", "c-2", 1000);
    let cancel = emulator
        .call_xml(
            "cancelPaymentRequest",
            "<taskId></taskId><uniqueTransferId>c-2</uniqueTransferId>",
        )
        .answer();
    assert_eq!(cancel.get("requestStatus"), "SUCCESS");
    assert_eq!(
        emulator.status_of(&by_transfer_id).get("status"),
        "FINISHED_ERR_CANCELLED"
    );

    let decided = request_payment(&emulator, "alice", "c-3", 1000);
    assert_eq!(emulator.status_of(&decided).get("status"), "FINISHED_OK");
    let late = emulator
        .call_xml(
            "cancelPaymentRequest",
            &format!("<taskId>{decided}</taskId>"),
        )
        .answer();
    assert_eq!(late.get("requestStatus"), "ERR_INVALID_TASK_ID");
    assert_eq!(
        emulator.status_of(&decided).get("status"),
        "FINISHED_OK",
        "a refused cancel changes nothing"
    );

    let unknown = [
        (
            "<taskId>ZZZZZZZZZZZZZZZZZZZZZZZZZZ</taskId>",
            "ERR_INVALID_TASK_ID",
        ),
        ("<taskId>not an id</taskId>", "ERR_INVALID_TASK_ID"),
        (
            "<uniqueTransferId>no-such</uniqueTransferId>",
            "ERR_INVALID_TRANSFER_ID",
        ),
        ("", "ERR_INVALID_TASK_ID"),
    ];
    for (args, code) in unknown {
        assert_eq!(
            emulator
                .call_xml("cancelPaymentRequest", args)
                .answer()
                .get("requestStatus"),
            code,
            "{args}"
        );
    }
}

#[test]
fn data_requests_hand_over_what_the_world_says() {
    let emulator = start();
    emulator.log_in_as("shop");
    let data = emulator.call_xml("requestPersonalData", "<requestDeliveryData>OBLIGATORY</requestDeliveryData><merchantName>Shop</merchantName><requestInvoiceData>OPTIONAL</requestInvoiceData><type>PERSONAL_DATA</type><username>alice</username>").answer();
    let done = emulator.status_of(data.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("PERSONAL_DATA_REQUEST", "FINISHED_OK")
    );
    assert_eq!(done.info()["personalData"]["email"], "alice@example.com");

    let auth = emulator.call_xml("requestPersonalLoginAuthentication", "<antiSpamCode></antiSpamCode><merchantName>Shop</merchantName><type>LOGIN_AUTHENTICATION_REQUEST</type><username>alice</username>").answer();
    let done = emulator.status_of(auth.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("LOGIN_AUTHENTICATION_REQUEST", "FINISHED_OK")
    );
    assert_eq!(done.info()["authenticated"], true);

    let refused = emulator
        .call_xml(
            "requestPersonalLoginAuthentication",
            "<type>LOGIN_AUTHENTICATION_REQUEST</type><username>bob</username>",
        )
        .answer();
    assert_eq!(
        emulator.status_of(refused.get("taskId")).get("status"),
        "FINISHED_ERR_USER_REJECTED"
    );

    let ping = emulator.call_xml("requestPingPaymentInitiation", "<requestData><username>alice</username><uniqueTransferId>ping-1</uniqueTransferId></requestData><paymentContext></paymentContext>").answer();
    let done = emulator.status_of(ping.get("taskId"));
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("PING_PAYMENT_REQUEST", "FINISHED_OK")
    );
    assert_eq!(free(&emulator, "shop"), 5_000_000, "a ping moves no money");
}

#[test]
fn an_expected_payment_is_accepted_and_an_absent_one_times_out() {
    let emulator = start();
    emulator.log_in_as("shop");
    let expected = emulator.call_xml("expectPaymentRequest", "<username>alice</username><amount><amount>7000</amount><currency>PLN</currency><colour>0</colour></amount><timeout>600</timeout>").answer();
    assert_eq!(
        expected.field_names(),
        [
            "requestPaymentIdConfirmation",
            "requestStatus",
            "requestStatusDescription"
        ]
    );
    let id = expected.get("requestPaymentIdConfirmation");
    assert_eq!(id.len(), 26);
    let done = emulator.status_of(id);
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("EXPECTED_PAYMENT", "FINISHED_OK")
    );
    assert_eq!(free(&emulator, "shop"), 5_007_000);

    let absent = emulator.call_xml("expectPaymentRequest", "<username>never_answers</username><amount><amount>7000</amount></amount><timeout>30</timeout>").answer();
    let id = absent.get("requestPaymentIdConfirmation").to_owned();
    emulator.advance(Duration::from_secs(29));
    assert_eq!(
        emulator.status_of(&id).get("status"),
        "WAITING_FOR_USER_DECISION"
    );
    emulator.advance(Duration::from_secs(1));
    assert_eq!(
        emulator.status_of(&id).get("status"),
        "FINISHED_ERR_TIMEOUT"
    );
    assert_eq!(
        emulator
            .call_xml(
                "expectPaymentRequest",
                "<amount><amount>1</amount></amount>"
            )
            .answer()
            .get("requestStatus"),
        "ERR_INVALID_USERNAME"
    );
}
