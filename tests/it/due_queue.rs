//! The due queue holds exactly one entry per task with a step due, at that step's time,
//! whatever moved the task: its own steps, polls, forcing, stepping, requests, expiry.

use std::time::Duration;

use cnode_emulator::engine::TaskFilter;
use cnode_emulator::Settings;
use serde_json::json;

use crate::harness::{admin, give, start_with, Emulator};

#[test]
fn every_task_with_a_step_due_has_exactly_one_entry_at_its_time() {
    let mut settings = Settings::for_tests();
    settings.cnode.step = Duration::from_secs(1);
    settings.mobizon.pace = Duration::from_secs(1);
    settings.bitrix24.pace = Duration::from_secs(60);
    let emulator = start_with(settings);
    emulator.log_in_as("shop");
    let mut cnode = Vec::new();
    for n in 0..6 {
        cnode.push(give(&emulator, "alice", &format!("due-{n}")));
    }
    let mut others = Vec::new();
    for (door, kind) in [
        ("mobizon", "campaign.addRecipients"),
        ("bitrix24", "configuration.import"),
    ] {
        for _ in 0..3 {
            let (status, made) = admin(
                &emulator,
                "POST",
                "/tasks",
                json!({"frontDoor": door, "type": kind}),
            );
            assert_eq!(status, 201, "{made}");
            others.push((door, made["id"].as_str().unwrap().to_owned()));
        }
    }
    check(&emulator, "after starting");

    // Forcing and stepping move a task's next step earlier: the old entry must go.
    let force = |door: &str, id: &str, body| {
        admin(
            &emulator,
            "POST",
            &format!("/tasks/{id}/force?frontDoor={door}"),
            body,
        )
    };
    force(
        "cnode",
        &cnode[0],
        json!({"path": ["WAITING_FOR_RESTART", "TRANSFERRING", "FINISHED_OK"]}),
    );
    force("cnode", &cnode[1], json!({"status": "FINISHED_ERR"}));
    force("mobizon", &others[0].1, json!({"path": ["1", "1", "2"]}));
    force("bitrix24", &others[3].1, json!({"path": ["P", "P", "F"]}));
    for (door, id) in [
        ("cnode", &cnode[2]),
        (others[1].0, &others[1].1),
        (others[4].0, &others[4].1),
    ] {
        let (status, _) = admin(
            &emulator,
            "POST",
            &format!("/tasks/{id}/step?frontDoor={door}"),
            json!(null),
        );
        assert_eq!(status, 200);
    }
    check(&emulator, "after forcing and stepping");

    for _ in 0..5 {
        emulator.advance(Duration::from_millis(700));
        check(&emulator, "while time moves");
    }
    emulator.advance(Duration::from_secs(600));
    check(&emulator, "once everything is final");
}

/// Every live task: an entry exactly when it has a next step, at that step's time.
fn check(emulator: &Emulator, when: &str) {
    let tasks = emulator.server.tasks(&TaskFilter::default());
    let clock = emulator.engine().clock();
    let mut due = 0;
    for task in &tasks {
        let entry = emulator.server.due_entry(task.front_door, &task.task_id);
        match task.next_step {
            Some(at) => {
                due += 1;
                let (millis, _) = entry.unwrap_or_else(|| {
                    panic!("{when}: {} {} has no entry", task.front_door, task.task_id)
                });
                assert_eq!(
                    clock.wall(millis),
                    at,
                    "{when}: {} {}",
                    task.front_door,
                    task.task_id
                );
            }
            None => assert_eq!(
                entry, None,
                "{when}: {} {} is not due",
                task.front_door, task.task_id
            ),
        }
    }
    assert_eq!(
        emulator.engine().due_len(),
        due,
        "{when}: one entry per task with a step due"
    );
}
