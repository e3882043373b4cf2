//! Series payments: accepted once, counted against their limits, closed by endSeriesPayment.

use std::time::Duration;

use crate::harness::{start, Emulator};

fn start_series(emulator: &Emulator, series_data: &str) -> String {
    let args = format!("<requestData><username>alice</username><uniqueTransferId>s-{}</uniqueTransferId></requestData><type>MONEY_COLLECT_SERIES</type><seriesData>{series_data}</seriesData>", series_data.len());
    let answer = emulator.call_xml("startSeriesPayment", &args).answer();
    assert_eq!(answer.get("requestStatus"), "SUCCESS", "{:?}", answer.ret);
    answer.get("taskId").to_owned()
}

fn pay_in_series(emulator: &Emulator, series: &str, uid: &str, amount: u64) -> (String, String) {
    let args = format!("<type>NORMAL</type><seriesId>{series}</seriesId><amount><amount>{amount}</amount></amount><requestData><username>alice</username><uniqueTransferId>{uid}</uniqueTransferId></requestData>");
    let answer = emulator
        .call_xml("requestPaymentInitiation", &args)
        .answer();
    let code = answer.get("requestStatus").to_owned();
    let status = if code == "SUCCESS" {
        emulator
            .status_of(answer.get("taskId"))
            .get("status")
            .to_owned()
    } else {
        String::new()
    };
    (code, status)
}

#[test]
fn payments_count_against_the_series_and_need_no_decision() {
    let emulator = start();
    emulator.log_in_as("shop");
    let series = start_series(&emulator, "<maxPaymentsInSeries>3</maxPaymentsInSeries><maxTotalAmount><amount>2500</amount><currency>PLN</currency></maxTotalAmount><username>alice</username>");
    let status = emulator.status_of(&series);
    assert_eq!(
        (status.get("type"), status.get("status")),
        ("MONEY_COLLECT_SERIES", "SERIES_ACCEPTED")
    );

    assert_eq!(
        pay_in_series(&emulator, &series, "p1", 1000),
        ("SUCCESS".into(), "FINISHED_OK".into())
    );
    assert_eq!(
        pay_in_series(&emulator, &series, "p2", 1000),
        ("SUCCESS".into(), "FINISHED_OK".into())
    );
    assert_eq!(
        pay_in_series(&emulator, &series, "p3", 1000),
        (
            "SUCCESS".into(),
            "FINISHED_ERR_SERIES_CONSTRAINTS_EXCEEDED".into()
        ),
        "over maxTotalAmount"
    );
    assert_eq!(
        pay_in_series(&emulator, &series, "p4", 500),
        ("SUCCESS".into(), "FINISHED_OK".into())
    );
    assert_eq!(
        pay_in_series(&emulator, &series, "p5", 1),
        (
            "SUCCESS".into(),
            "FINISHED_ERR_SERIES_CONSTRAINTS_EXCEEDED".into()
        ),
        "over maxPaymentsInSeries"
    );
    assert_eq!(
        emulator.node().world().users["shop"].balance("PLN").0,
        5_002_500
    );
}

#[test]
fn ending_a_series_refuses_later_payments() {
    let emulator = start();
    emulator.log_in_as("shop");
    let series = start_series(&emulator, "<username>alice</username>");
    let end = emulator
        .call_xml(
            "endSeriesPayment",
            &format!("<seriesId>{series}</seriesId>"),
        )
        .answer();
    assert_eq!(end.get("requestStatus"), "SUCCESS");
    assert_eq!(emulator.status_of(&series).get("status"), "SERIES_FINISHED");
    assert_eq!(
        pay_in_series(&emulator, &series, "after", 100).0,
        "ERR_INVALID_SERIES_ID"
    );
    let again = emulator
        .call_xml(
            "endSeriesPayment",
            &format!("<seriesId>{series}</seriesId>"),
        )
        .answer();
    assert_eq!(again.get("requestStatus"), "ERR_INVALID_TASK_ID");
    assert_eq!(
        emulator
            .call_xml("endSeriesPayment", "<seriesId>123</seriesId>")
            .answer()
            .get("requestStatus"),
        "ERR_INVALID_TASK_ID"
    );
}

#[test]
fn a_series_closes_itself_after_its_duration() {
    let emulator = start();
    emulator.log_in_as("shop");
    let series = start_series(
        &emulator,
        "<seriesSecondDuration>60</seriesSecondDuration><username>alice</username>",
    );
    assert_eq!(
        pay_in_series(&emulator, &series, "in-time", 100).1,
        "FINISHED_OK"
    );
    emulator.advance(Duration::from_secs(60));
    assert_eq!(emulator.status_of(&series).get("status"), "SERIES_FINISHED");
    assert_eq!(
        pay_in_series(&emulator, &series, "too-late", 100).0,
        "ERR_INVALID_SERIES_ID"
    );
}

#[test]
fn a_refused_series_never_opens() {
    let emulator = start();
    emulator.log_in_as("shop");
    let args = "<requestData><username>bob</username><uniqueTransferId>s-bob</uniqueTransferId></requestData><type>MONEY_COLLECT_SERIES</type><seriesData><username>bob</username></seriesData>";
    let series = emulator
        .call_xml("startSeriesPayment", args)
        .answer()
        .get("taskId")
        .to_owned();
    assert_eq!(
        emulator.status_of(&series).get("status"),
        "FINISHED_ERR_USER_REJECTED"
    );
    assert_eq!(
        pay_in_series(&emulator, &series, "x", 1).0,
        "ERR_INVALID_SERIES_ID"
    );
}
