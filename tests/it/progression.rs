//! Tasks walk their status paths on the engine's clock: nothing moves until time does.

use std::time::Duration;

use cnode_emulator::cnode::status::Status;
use cnode_emulator::cnode::task::parse_task_id;

use crate::harness::{paced, start_with, Style};

const STEP: Duration = Duration::from_millis(500);

#[test]
fn a_login_steps_through_its_path_as_the_clock_moves() {
    let emulator = start_with(paced(STEP));
    let id = emulator.start_login();

    let first = emulator.status_of(&id);
    assert_eq!(
        (
            first.get("type"),
            first.get("status"),
            first.get("progressPercent")
        ),
        ("LOGIN", "PREPARATION", "0")
    );
    assert_eq!(first.get("additionalInfo"), "{}");
    assert_eq!(
        emulator.call(Style::B, "hello", &[]).get("status"),
        "VUI_LOGGING_IN_OR_REGISTERING"
    );

    emulator.advance(STEP - Duration::from_millis(1));
    assert_eq!(emulator.status_of(&id).get("status"), "PREPARATION");
    emulator.advance(Duration::from_millis(1));
    assert_eq!(emulator.status_of(&id).get("status"), "SEARCHING");
    emulator.advance(STEP);
    let done = emulator.status_of(&id);
    assert_eq!(
        (done.get("status"), done.get("progressPercent")),
        ("FINISHED_OK", "100")
    );

    let hello = emulator.call(Style::B, "hello", &[]);
    assert_eq!(
        (hello.get("status"), hello.get("username")),
        ("VUI_READY", "test_user")
    );

    let history = emulator
        .node()
        .task_history(parse_task_id(&id).unwrap())
        .unwrap();
    assert_eq!(
        history,
        vec![
            (Status::Preparation, 0),
            (Status::Searching, 500),
            (Status::FinishedOk, 1000)
        ]
    );
}

#[test]
fn effects_happen_on_time_even_when_nobody_polls() {
    let emulator = start_with(paced(STEP));
    emulator.call(
        Style::A,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    emulator.advance(STEP * 2);
    crate::harness::eventually("the ticker logs the user in", || {
        emulator.node().world().node.logged_in.as_deref() == Some("test_user")
    });
}

#[test]
fn progress_rises_while_transferring() {
    let emulator = start_with(paced(STEP));
    let register = emulator.call(
        Style::B,
        "startRegister",
        &[
            ("billonUserName", "slow_user"),
            ("billonUserPassword", "pw"),
        ],
    );
    let id = register.get("taskId").to_owned();
    emulator.advance(STEP * 2);
    let transferring = emulator.status_of(&id);
    assert_eq!(
        (
            transferring.get("status"),
            transferring.get("progressPercent")
        ),
        ("TRANSFERRING", "0")
    );
    emulator.advance(STEP / 2);
    assert_eq!(emulator.status_of(&id).get("progressPercent"), "50");
    emulator.advance(STEP / 2);
    let done = emulator.status_of(&id);
    assert_eq!(
        (done.get("status"), done.get("progressPercent")),
        ("FINISHED_OK", "100")
    );
}

#[test]
fn one_login_or_registration_at_a_time() {
    let emulator = start_with(paced(STEP));
    let first = emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    assert_eq!(first.get("requestStatus"), "SUCCESS");
    let second = emulator.call(
        Style::B,
        "startRegister",
        &[("billonUserName", "someone"), ("billonUserPassword", "pw")],
    );
    assert_eq!(
        (second.get("requestStatus"), second.get("taskId")),
        ("ERR_TASK_ALREADY_RUNNING", "")
    );
    emulator.advance(STEP * 2);
    let third = emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserName", "alice"),
            ("billonUserPassword", "alice-password"),
        ],
    );
    assert_eq!(
        third.get("requestStatus"),
        "SUCCESS",
        "free again once the first is final"
    );
}
