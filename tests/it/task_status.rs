//! getTaskStatus: every field, in the WSDL's order; id checks; lookup by uniqueTransferId.

use cnode_emulator::cnode::jobs::Login;

use crate::harness::{start, Style, BOTH_STYLES};

/// getTaskStatus's answer fields, in the WSDL's order.
pub const FIELDS: [&str; 7] = [
    "type",
    "progressPercent",
    "status",
    "additionalInfo",
    "taskId",
    "requestStatus",
    "requestStatusDescription",
];

#[test]
fn the_documented_example_gets_a_well_formed_not_found() {
    let emulator = start();
    let seed = include_str!(
        "../../fixtures/cnode/exchanges/get-task-status-seed-example/01-getTaskStatus.request.xml"
    );
    let reply = emulator.post(seed);
    assert_eq!(reply.status, 200);
    let answer = reply.answer();
    assert_eq!(answer.operation, "getTaskStatusResponse");
    assert_eq!(answer.field_names(), FIELDS);
    assert_eq!(answer.get("requestStatus"), "ERR_TASK_DOES_NOT_EXIST");
    assert_eq!(answer.get("taskId"), "QF4KJMNG3ESEG2245J7901KD");
}

#[test]
fn malformed_ids_are_invalid_and_well_formed_unknown_ones_do_not_exist() {
    let emulator = start();
    let long = "A".repeat(65);
    let cases = [
        ("", "ERR_INVALID_TASK_ID"),
        ("7M5M84KS4RM3-ALBNUN2C51CLW", "ERR_INVALID_TASK_ID"),
        ("ÄBC", "ERR_INVALID_TASK_ID"),
        (long.as_str(), "ERR_INVALID_TASK_ID"),
        (&long[..64], "ERR_TASK_DOES_NOT_EXIST"),
        ("7M5M84KS4RM3FALBNUN2C51CLW", "ERR_TASK_DOES_NOT_EXIST"),
        ("7m5m84ks4rm3falbnun2c51clw", "ERR_TASK_DOES_NOT_EXIST"),
        ("x", "ERR_TASK_DOES_NOT_EXIST"),
    ];
    for style in BOTH_STYLES {
        for (id, code) in cases {
            let answer = emulator.call(
                style,
                "getTaskStatus",
                &[
                    ("taskId", id),
                    ("uniqueTransferId", ""),
                    ("callback", "false"),
                ],
            );
            assert_eq!(answer.get("requestStatus"), code, "{id:?}");
            assert_eq!(answer.field_names(), FIELDS);
            assert_eq!((answer.get("status"), answer.get("type")), ("", ""));
        }
    }
    // No taskId element at all is the same as an empty one.
    assert_eq!(
        emulator
            .call(Style::B, "getTaskStatus", &[])
            .get("requestStatus"),
        "ERR_INVALID_TASK_ID"
    );
}

#[test]
fn a_task_is_found_by_its_unique_transfer_id_when_task_id_is_empty() {
    let emulator = start();
    let job = Login {
        username: "test_user".into(),
        password: "test_password".into(),
    };
    let id = emulator
        .node()
        .start_task(job, Some("11-42225-49853-A".into()), None)
        .unwrap();

    let found = emulator.call(
        Style::B,
        "getTaskStatus",
        &[
            ("taskId", ""),
            ("uniqueTransferId", "11-42225-49853-A"),
            ("callback", "false"),
        ],
    );
    assert_eq!(found.get("requestStatus"), "SUCCESS");
    assert_eq!(found.get("taskId"), id.to_string());
    assert_eq!(found.get("status"), "FINISHED_OK");

    let missing = emulator.call(
        Style::B,
        "getTaskStatus",
        &[("uniqueTransferId", "no-such-transfer")],
    );
    assert_eq!(missing.get("requestStatus"), "ERR_TASK_DOES_NOT_EXIST");

    // A taskId, when given, wins over the transfer id.
    let by_id = emulator.call(
        Style::A,
        "getTaskStatus",
        &[
            ("taskId", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"),
            ("uniqueTransferId", "11-42225-49853-A"),
        ],
    );
    assert_eq!(by_id.get("requestStatus"), "ERR_TASK_DOES_NOT_EXIST");
}

#[test]
fn the_callback_flag_is_accepted_in_every_boolean_spelling() {
    let emulator = start();
    let login = emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    for flag in ["true", "false", "1", "0", ""] {
        let answer = emulator.call(
            Style::A,
            "getTaskStatus",
            &[("taskId", login.get("taskId")), ("callback", flag)],
        );
        assert_eq!(answer.get("requestStatus"), "SUCCESS", "callback={flag:?}");
    }
}

#[test]
fn arguments_may_come_in_any_order_with_any_prefix() {
    let emulator = start();
    let login = emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserPassword", "test_password"),
            ("billonUserName", "test_user"),
        ],
    );
    let body = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><getTaskStatus xmlns="ns1"><callback xmlns="">false</callback><taskId xmlns="">{}</taskId></getTaskStatus></s:Body></s:Envelope>"#,
        login.get("taskId")
    );
    let answer = emulator.post(body).answer();
    assert_eq!(
        (answer.get("requestStatus"), answer.get("status")),
        ("SUCCESS", "FINISHED_OK")
    );
}
