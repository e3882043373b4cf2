//! Tasks expire by TTL, counted from creation, on the engine's clock: a lookup after the
//! TTL finds nothing, and the sweeper frees them without any request arriving.

use std::time::Duration;

use cnode_emulator::Settings;

use crate::harness::{eventually, start_with, Style};

fn with_ttl(ttl: Duration) -> Settings {
    let mut settings = Settings::for_tests();
    settings.cnode.task_ttl = ttl;
    settings
}

#[test]
fn a_task_is_gone_after_its_ttl_and_the_store_empties_by_itself() {
    let emulator = start_with(with_ttl(Duration::from_secs(2)));
    let id = emulator.start_login();
    let register = emulator.call(
        Style::B,
        "startRegister",
        &[("billonUserName", "ttl_user"), ("billonUserPassword", "pw")],
    );
    assert_eq!(register.get("requestStatus"), "SUCCESS");
    assert_eq!(emulator.engine().task_count(), 2);

    emulator.advance(Duration::from_millis(1999));
    assert_eq!(
        emulator.status_of(&id).get("status"),
        "FINISHED_OK",
        "still there just before the TTL"
    );

    emulator.advance(Duration::from_millis(1));
    // No request from here until the store is empty: the sweeper does it.
    eventually("the sweeper frees both tasks", || {
        emulator.engine().task_count() == 0
    });

    let gone = emulator.status_of(&id);
    assert_eq!(gone.get("requestStatus"), "ERR_TASK_DOES_NOT_EXIST");
    assert_eq!(gone.get("taskId"), id);
}

#[test]
fn lookups_refuse_expired_tasks_even_before_the_sweep() {
    let emulator = start_with(with_ttl(Duration::from_secs(90)));
    let login = emulator.call(
        Style::A,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    emulator.advance(Duration::from_secs(90));
    // Whether the sweeper or this lookup gets there first, the answer is the same.
    assert_eq!(
        emulator.status_of(login.get("taskId")).get("requestStatus"),
        "ERR_TASK_DOES_NOT_EXIST"
    );
}

#[test]
fn the_other_spelling_can_be_chosen() {
    let mut settings = with_ttl(Duration::from_secs(1));
    settings.ops.task_not_found = cnode_emulator::cnode::ops::Code::TaskDoesNotExists;
    let emulator = start_with(settings);
    let login = emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    emulator.advance(Duration::from_secs(1));
    assert_eq!(
        emulator.status_of(login.get("taskId")).get("requestStatus"),
        "ERR_TASK_DOES_NOT_EXISTS"
    );
    assert_eq!(
        emulator
            .status_of("ZZZZZZZZZZZZZZZZZZZZZZZZZZ")
            .get("requestStatus"),
        "ERR_TASK_DOES_NOT_EXISTS"
    );
}
