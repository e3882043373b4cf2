//! Outcome rules for future tasks, progression modes, and faults on demand.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{json, Value};

use crate::harness::{admin, give, start, Style};

#[test]
fn rules_dictate_the_outcome_of_matching_future_tasks() {
    let emulator = start();
    emulator.log_in_as("shop");
    let rule = json!({"type": "GIVE_MONEY", "username": "alice", "path": ["SEARCHING", "FINISHED_ERR_BUYER_LIMITS_EXCEEDED"], "times": 1});
    let (status, created) = admin(&emulator, "POST", "/rules", rule);
    assert_eq!(status, 201);
    let to_bob = give(&emulator, "bob", "r-0");
    assert_eq!(
        emulator.status_of(&to_bob).get("status"),
        "FINISHED_ERR_USER_REJECTED",
        "bob does not match"
    );
    let first = give(&emulator, "alice", "r-1");
    assert_eq!(
        emulator.history(&first),
        [
            "PREPARATION",
            "SEARCHING",
            "FINISHED_ERR_BUYER_LIMITS_EXCEEDED"
        ]
    );
    let second = give(&emulator, "alice", "r-2");
    assert_eq!(
        emulator.status_of(&second).get("status"),
        "FINISHED_OK",
        "the rule was used up"
    );

    let (_, by_pattern) = admin(
        &emulator,
        "POST",
        "/rules",
        json!({"uniqueTransferId": "order-*", "path": ["FINISHED_ERR_TOO_OFTEN"]}),
    );
    let matched = give(&emulator, "alice", "order-17");
    assert_eq!(
        emulator.status_of(&matched).get("status"),
        "FINISHED_ERR_TOO_OFTEN"
    );
    assert_eq!(
        emulator
            .status_of(&give(&emulator, "alice", "order-18"))
            .get("status"),
        "FINISHED_ERR_TOO_OFTEN",
        "no times: for ever"
    );
    assert_eq!(
        admin(&emulator, "GET", "/rules", Value::Null).1["rules"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        admin(
            &emulator,
            "DELETE",
            &format!("/rules/{}", by_pattern["id"]),
            Value::Null
        )
        .0,
        204
    );
    assert_eq!(
        emulator
            .status_of(&give(&emulator, "alice", "order-19"))
            .get("status"),
        "FINISHED_OK"
    );
    assert_eq!(
        admin(&emulator, "POST", "/rules", json!({"path": ["SOMETIMES"]})).0,
        400
    );
    let _ = created;
}

#[test]
fn progression_can_be_per_poll_or_manual() {
    let emulator = start();
    emulator.log_in_as("shop");
    admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "GIVE_MONEY", "mode": "per_poll", "polls": 2}),
    );
    let task = give(&emulator, "alice", "p-1");
    let statuses: Vec<String> = (0..8)
        .map(|_| emulator.status_of(&task).get("status").to_owned())
        .collect();
    assert_eq!(
        statuses,
        [
            "PREPARATION",
            "SEARCHING",
            "SEARCHING",
            "TRANSFERRING",
            "TRANSFERRING",
            "FINISHED_OK",
            "FINISHED_OK",
            "FINISHED_OK"
        ]
    );

    admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "*", "mode": "manual"}),
    );
    let manual = give(&emulator, "alice", "p-2");
    emulator.advance(std::time::Duration::from_secs(3600 - 1));
    assert_eq!(
        emulator.status_of(&manual).get("status"),
        "PREPARATION",
        "nothing moves it but the admin API"
    );
    let (_, stepped) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{manual}/step"),
        Value::Null,
    );
    assert_eq!(stepped["status"], "SEARCHING");
    admin(
        &emulator,
        "POST",
        &format!("/tasks/{manual}/step"),
        Value::Null,
    );
    let (_, last) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{manual}/step"),
        Value::Null,
    );
    assert_eq!(last["status"], "FINISHED_OK");
    assert_eq!(
        admin(
            &emulator,
            "POST",
            &format!("/tasks/{manual}/step"),
            Value::Null
        )
        .0,
        409
    );

    admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "*", "mode": "timed", "step": "1s"}),
    );
    let timed = give(&emulator, "alice", "p-3");
    assert_eq!(emulator.status_of(&timed).get("status"), "PREPARATION");
    emulator.advance(std::time::Duration::from_secs(1));
    assert_eq!(emulator.status_of(&timed).get("status"), "SEARCHING");
    assert_eq!(
        admin(
            &emulator,
            "PUT",
            "/progression",
            json!({"type": "*", "mode": "whenever"})
        )
        .0,
        400
    );
}

#[test]
fn injected_errors_keep_the_operations_shape() {
    let emulator = start();
    admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "getTaskStatus", "errorRate": 1.0, "error": "ERR_TIMEOUT"}),
    );
    let answer = emulator.call(
        Style::B,
        "getTaskStatus",
        &[("taskId", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ")],
    );
    assert_eq!(answer.get("requestStatus"), "ERR_TIMEOUT");
    assert_eq!(answer.field_names(), crate::task_status::FIELDS);
    admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "*", "errorRate": 1.0}),
    );
    let login = emulator.call(
        Style::A,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    assert_eq!(
        (login.get("requestStatus"), login.get("taskId")),
        ("ERR_TECHNICAL_PROBLEM", "")
    );
    assert_eq!(
        emulator.engine().task_count(),
        0,
        "an injected error does nothing"
    );
    assert_eq!(admin(&emulator, "DELETE", "/faults", Value::Null).0, 204);
    assert_eq!(
        emulator.call(Style::A, "hello", &[]).get("requestStatus"),
        "SUCCESS"
    );
}

#[test]
fn injected_faults_latency_and_dropped_connections() {
    let emulator = start();
    admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "hello", "faultRate": 1.0}),
    );
    let reply = emulator.post(Style::B.envelope("hello", &[]));
    assert_eq!(reply.status, 500);
    assert_eq!(reply.fault().0, "Server");

    admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "hello", "latency": "50ms"}),
    );
    assert_eq!(
        emulator.call(Style::B, "hello", &[]).get("requestStatus"),
        "SUCCESS"
    );
    let (_, journal) = admin(
        &emulator,
        "GET",
        "/journal?operation=hello&limit=1",
        Value::Null,
    );
    assert!(
        journal["entries"][0]["durationMicros"].as_u64().unwrap() >= 50_000,
        "{journal}"
    );

    admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "hello", "dropRate": 1.0}),
    );
    let body = Style::B.envelope("hello", &[]);
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(
        !text.contains("helloResponse"),
        "a dropped connection carries no answer: {text}"
    );
    admin(&emulator, "DELETE", "/faults", Value::Null);
    assert_eq!(
        emulator.call(Style::B, "hello", &[]).get("requestStatus"),
        "SUCCESS",
        "the server keeps serving"
    );
}

#[test]
fn a_seed_makes_random_faults_reproducible() {
    let run = || {
        let emulator = start();
        admin(
            &emulator,
            "PUT",
            "/faults",
            json!({"operation": "hello", "errorRate": 0.5, "seed": 7}),
        );
        (0..30)
            .map(|_| emulator.call(Style::B, "hello", &[]).get("requestStatus") == "SUCCESS")
            .collect::<Vec<bool>>()
    };
    let first = run();
    assert_eq!(first, run());
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
}
