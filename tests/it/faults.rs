//! Where business errors and faults part ways, and what the endpoint accepts besides the
//! envelope. Every malformed input and its answer: `malformed.rs`.

use crate::harness::{http, Style};

#[test]
fn business_errors_are_not_faults() {
    let emulator = crate::harness::start();
    let reply = emulator.post(Style::B.envelope("getTaskStatus", &[("taskId", "!!")]));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.answer().get("requestStatus"), "ERR_INVALID_TASK_ID");
}

#[test]
fn any_path_takes_soap_and_soapaction_is_not_needed() {
    let emulator = crate::harness::start();
    let body = Style::A.envelope("hello", &[]);
    let reply = http(
        emulator.addr(),
        "POST",
        "/some/path",
        &[("SOAPAction", "\"whatever\"")],
        body.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.answer().operation, "helloResponse");
}
