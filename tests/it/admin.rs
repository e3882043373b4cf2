//! The admin API over HTTP: tasks, forced outcomes, the clock, the world, the journal, reset,
//! and its switches (off, bearer token).

use serde_json::{json, Value};

use cnode_emulator::Settings;

use crate::harness::{give, http, start, start_with, Emulator, HttpReply, Style};

fn admin(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    crate::harness::admin(emulator, method, path, body.unwrap_or(Value::Null))
}

fn admin_raw(
    emulator: &Emulator,
    method: &str,
    path: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> HttpReply {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let bearer = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(bearer) = &bearer {
        headers.push(("Authorization", bearer.as_str()));
    }
    http(
        emulator.addr(),
        method,
        &format!("/__admin{path}"),
        &headers,
        body.as_bytes(),
    )
}

#[test]
fn tasks_are_listed_filtered_paged_shown_and_deleted() {
    let emulator = start();
    emulator.log_in_as("shop");
    let ok = give(&emulator, "alice", "a-1");
    let failed = give(&emulator, "bob", "a-2");
    let (status, all) = admin(&emulator, "GET", "/tasks", None);
    assert_eq!(status, 200);
    assert_eq!(all["total"], 3, "the login and two transfers");
    let (_, gives) = admin(
        &emulator,
        "GET",
        "/tasks?type=GIVE_MONEY&limit=1&offset=1",
        None,
    );
    assert_eq!(
        (
            gives["total"].as_u64(),
            gives["tasks"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    let (_, rejected) = admin(
        &emulator,
        "GET",
        "/tasks?status=FINISHED_ERR_USER_REJECTED",
        None,
    );
    assert_eq!(rejected["tasks"][0]["taskId"], failed.as_str());
    let (_, by_uid) = admin(&emulator, "GET", "/tasks?uniqueTransferId=a-1", None);
    assert_eq!(by_uid["tasks"][0]["taskId"], ok.as_str());
    assert_eq!(admin(&emulator, "GET", "/tasks?status=NOPE", None).0, 400);

    let (status, detail) = admin(&emulator, "GET", &format!("/tasks/{ok}"), None);
    assert_eq!(status, 200);
    let path: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        path,
        ["PREPARATION", "SEARCHING", "TRANSFERRING", "FINISHED_OK"]
    );
    assert!(detail["history"][0]["at"].is_string() && detail["created"].is_string());

    assert_eq!(
        admin(&emulator, "DELETE", &format!("/tasks/{ok}"), None).0,
        204
    );
    assert_eq!(
        admin(&emulator, "GET", &format!("/tasks/{ok}"), None).0,
        404
    );
    assert_eq!(
        emulator.status_of(&ok).get("requestStatus"),
        "ERR_TASK_DOES_NOT_EXIST"
    );
}

#[test]
fn a_forced_task_walks_the_given_path() {
    let emulator = start_with(crate::harness::paced(std::time::Duration::from_millis(500)));
    emulator.log_in_as("shop");
    let task = give(&emulator, "alice", "f-1");
    let (status, parked) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{task}/force"),
        Some(json!({"status": "WAITING_FOR_VERIFICATION"})),
    );
    assert_eq!(status, 200, "{parked}");
    assert_eq!(parked["status"], "WAITING_FOR_VERIFICATION");
    emulator.advance(std::time::Duration::from_secs(60));
    assert_eq!(
        emulator.status_of(&task).get("status"),
        "WAITING_FOR_VERIFICATION",
        "parked until forced again"
    );

    let (_, ended) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{task}/force"),
        Some(
            json!({"path": ["TRANSFERRING", "FINISHED_ERR_BUYER_LIMITS_EXCEEDED"], "additionalInfo": {"note": "forced"}}),
        ),
    );
    assert_eq!(ended["status"], "TRANSFERRING");
    emulator.advance(std::time::Duration::from_millis(500));
    let done = emulator.status_of(&task);
    assert_eq!(done.get("status"), "FINISHED_ERR_BUYER_LIMITS_EXCEEDED");
    assert_eq!(done.info()["error_name"], "ERR_BUYER_LIMITS_EXCEEDED");
    assert_eq!(done.info()["note"], "forced");
    assert_eq!(
        emulator.history(&task),
        [
            "PREPARATION",
            "WAITING_FOR_VERIFICATION",
            "TRANSFERRING",
            "FINISHED_ERR_BUYER_LIMITS_EXCEEDED"
        ]
    );

    assert_eq!(
        admin(
            &emulator,
            "POST",
            &format!("/tasks/{task}/force"),
            Some(json!({"status": "FINISHED_OK"}))
        )
        .0,
        409
    );
    assert_eq!(
        admin(
            &emulator,
            "POST",
            "/tasks/ZZZZZZZZZZZZZZZZZZZZZZZZZZ/force",
            Some(json!({"status": "FINISHED_OK"}))
        )
        .0,
        404
    );
    let other = give(&emulator, "alice", "f-2");
    assert_eq!(
        admin(
            &emulator,
            "POST",
            &format!("/tasks/{other}/force"),
            Some(json!({"status": "DONE"}))
        )
        .0,
        400
    );
}

#[test]
fn the_outcome_header_dictates_the_path_of_the_task_it_creates() {
    let emulator = start();
    emulator.log_in_as("shop");
    let body = Style::B
        .envelope(
            "giveMoneyRequest",
            &[
                ("username", "alice"),
                ("uniqueTransferId", "h-1"),
                ("type", "GIVE_MONEY"),
            ],
        )
        .replace(
            "</ns:giveMoneyRequest>",
            "<amount><amount>1000</amount></amount></ns:giveMoneyRequest>",
        );
    let reply = http(
        emulator.addr(),
        "POST",
        "/",
        &[(
            "X-Cnode-Outcome",
            "SEARCHING, FINISHED_ERR_BUYER_LIMITS_EXCEEDED",
        )],
        body.as_bytes(),
    );
    let task = reply.answer().get("taskId").to_owned();
    let done = emulator.status_of(&task);
    assert_eq!(
        (done.get("type"), done.get("status")),
        ("GIVE_MONEY", "FINISHED_ERR_BUYER_LIMITS_EXCEEDED")
    );
    assert_eq!(
        emulator.history(&task),
        [
            "PREPARATION",
            "SEARCHING",
            "FINISHED_ERR_BUYER_LIMITS_EXCEEDED"
        ]
    );
    assert_eq!(
        emulator.node().world().users["alice"].balance("PLN").0,
        250_000,
        "a dictated outcome leaves the world alone"
    );

    let bad = http(
        emulator.addr(),
        "POST",
        "/",
        &[("X-Cnode-Outcome", "MAYBE")],
        body.as_bytes(),
    );
    assert_eq!(bad.status, 500);
    assert!(bad.fault().1.contains("MAYBE"));
}

#[test]
fn the_clock_can_be_frozen_advanced_and_resumed() {
    let mut settings = Settings::for_tests();
    settings.frozen_clock = false;
    settings.cnode.task_ttl = std::time::Duration::from_secs(90);
    let emulator = start_with(settings);
    let (_, frozen) = admin(&emulator, "POST", "/clock/freeze", None);
    assert_eq!(frozen["frozen"], true);
    let login = emulator.call(
        Style::B,
        "startLogin",
        &[
            ("billonUserName", "test_user"),
            ("billonUserPassword", "test_password"),
        ],
    );
    let (_, moved) = admin(
        &emulator,
        "POST",
        "/clock/advance",
        Some(json!({"by": "90s"})),
    );
    assert_eq!(
        moved["millis"].as_u64().unwrap() - frozen["millis"].as_u64().unwrap(),
        90_000
    );
    assert_eq!(
        emulator.engine().task_count(),
        0,
        "expired and swept before the answer"
    );
    assert_eq!(
        emulator.status_of(login.get("taskId")).get("requestStatus"),
        "ERR_TASK_DOES_NOT_EXIST"
    );
    let (_, resumed) = admin(&emulator, "POST", "/clock/resume", None);
    assert_eq!(resumed["frozen"], false);
    assert_eq!(
        admin(
            &emulator,
            "POST",
            "/clock/advance",
            Some(json!({"by": "soon"}))
        )
        .0,
        400
    );
}

#[test]
fn the_world_can_be_read_and_reset() {
    let emulator = start();
    emulator.log_in_as("shop");
    give(&emulator, "alice", "w-1");
    let (_, world) = admin(&emulator, "GET", "/world", None);
    assert_eq!(world["node"]["logged_in"], "shop");
    assert_eq!(world["users"]["alice"]["behaviour"], "accept");
    assert!(
        world["users"]["alice"]["wallets"]["PLN"]["coins"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
    assert_eq!(admin(&emulator, "POST", "/world/reset", None).0, 204);
    assert_eq!(
        emulator.node().world().users["alice"].balance("PLN").0,
        250_000
    );
    assert_eq!(emulator.node().world().node.logged_in, None);
}

#[test]
fn the_journal_records_filters_verifies_and_clears() {
    let emulator = start();
    emulator.call(Style::A, "hello", &[]);
    emulator.call(Style::B, "hello", &[]);
    emulator.call(Style::B, "getTaskStatus", &[("taskId", "X")]);
    emulator.post("not xml");
    let (_, hellos) = admin(&emulator, "GET", "/journal?operation=hello", None);
    let entries = hellos["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries[0]["request"]
        .as_str()
        .unwrap()
        .contains("soapenv:Envelope"));
    assert!(entries[1]["response"]
        .as_str()
        .unwrap()
        .contains("helloResponse"));
    assert_eq!(entries[0]["httpStatus"], 200);
    let (_, last) = admin(&emulator, "GET", "/journal?limit=1", None);
    assert_eq!(
        last["entries"][0]["httpStatus"], 500,
        "faults are journalled too"
    );
    let (_, verified) = admin(
        &emulator,
        "POST",
        "/journal/verify",
        Some(json!({"operation": "hello", "count": 2})),
    );
    assert_eq!(
        (verified["count"].as_u64(), verified["matches"].as_bool()),
        (Some(2), Some(true))
    );
    let (_, wrong) = admin(
        &emulator,
        "POST",
        "/journal/verify",
        Some(json!({"operation": "getTaskStatus", "count": 5})),
    );
    assert_eq!(wrong["matches"], false);
    assert_eq!(admin(&emulator, "DELETE", "/journal", None).0, 204);
    assert_eq!(
        admin(&emulator, "GET", "/journal", None).1["entries"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let mut settings = Settings::for_tests();
    settings.journal_size = 2;
    let small = start_with(settings);
    for _ in 0..5 {
        small.call(Style::B, "hello", &[]);
    }
    let (_, kept) = admin(&small, "GET", "/journal", None);
    assert_eq!(
        kept["entries"].as_array().unwrap().len(),
        2,
        "a bounded ring"
    );
    assert_eq!(kept["entries"][1]["seq"], 5);
}

#[test]
fn reset_puts_everything_back() {
    let emulator = start();
    emulator.log_in_as("shop");
    give(&emulator, "alice", "r-1");
    assert_eq!(admin(&emulator, "POST", "/reset", None).0, 204);
    assert_eq!(emulator.engine().task_count(), 0);
    assert_eq!(
        emulator.node().world().users["shop"].balance("PLN").0,
        5_000_000
    );
    assert_eq!(
        admin(&emulator, "GET", "/journal", None).1["entries"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    emulator.log_in_as("shop");
    assert!(
        !give(&emulator, "alice", "r-1").is_empty(),
        "the transfer id is free again"
    );
}

#[test]
fn the_admin_api_can_be_protected_or_switched_off() {
    let mut settings = Settings::for_tests();
    settings.admin_token = Some("s3cret".into());
    let protected = start_with(settings);
    assert_eq!(
        admin_raw(&protected, "GET", "/clock", None, None).status,
        401
    );
    assert_eq!(
        admin_raw(&protected, "GET", "/clock", None, Some("wrong")).status,
        401
    );
    assert_eq!(
        admin_raw(&protected, "GET", "/clock", None, Some("s3cret")).status,
        200
    );

    let mut settings = Settings::for_tests();
    settings.admin_listen = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    let apart = start_with(settings);
    assert_eq!(
        admin_raw(&apart, "GET", "/clock", None, None).status,
        404,
        "not beside the SOAP endpoint"
    );
    let admin_addr = apart.server.admin_addr().expect("an admin address");
    assert_eq!(
        http(admin_addr, "GET", "/__admin/clock", &[], b"").status,
        200
    );

    let mut settings = Settings::for_tests();
    settings.admin = false;
    let off = start_with(settings);
    assert_eq!(admin_raw(&off, "GET", "/clock", None, None).status, 404);
    assert_eq!(
        off.call(Style::B, "hello", &[]).get("requestStatus"),
        "SUCCESS"
    );
}

#[test]
fn the_openapi_document_describes_every_admin_path() {
    let emulator = start();
    let (status, doc) = admin(&emulator, "GET", "/openapi.json", None);
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    // Every route src/admin.rs serves, read from its source.
    let source = include_str!("../../src/admin.rs");
    let routes: Vec<&str> = source
        .split(".route(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(routes.len() > 20, "{routes:?}");
    for route in routes {
        // A trailing slash is the same page (`/ui/`).
        let path = format!("/__admin{}", route.trim_end_matches('/'));
        assert!(paths.contains_key(&path), "{path} is not described");
    }
}

#[test]
fn the_world_can_be_patched_all_or_nothing() {
    let emulator = start();
    emulator.log_in_as("shop");
    let patch = json!({
        "node": {"decision_timeout": "5s"},
        "users": {
            "alice": {"behaviour": "reject", "balances": {"PLN": {"free": 10, "vault": 20}}},
            "newcomer": {"password": "pw", "balances": {"EUR": {"free": 700}}}
        }
    });
    assert_eq!(admin(&emulator, "PATCH", "/world", Some(patch)).0, 204);
    {
        let world = emulator.node().world();
        assert_eq!(world.users["alice"].balance("PLN"), (10, 20, 0));
        assert_eq!(world.users["newcomer"].balance("EUR").0, 700);
        assert_eq!(world.node.decision_timeout_ms, 5000);
    }
    let args = "<type>NORMAL</type><amount><amount>5</amount></amount><requestData><username>alice</username><uniqueTransferId>pw-1</uniqueTransferId></requestData>";
    let task = emulator
        .call_xml("requestPaymentInitiation", args)
        .answer()
        .get("taskId")
        .to_owned();
    assert_eq!(
        emulator.status_of(&task).get("status"),
        "FINISHED_ERR_USER_REJECTED"
    );

    let bad = json!({"users": {"bob": {"behaviour": "accept"}, "alice": {"behavior": "accept"}}});
    let (status, error) = admin(&emulator, "PATCH", "/world", Some(bad));
    assert_eq!(status, 400);
    assert!(
        error["error"].as_str().unwrap().contains("behavior"),
        "{error}"
    );
    assert_eq!(
        emulator.node().world().users["bob"].behaviour,
        cnode_emulator::cnode::world::Behaviour::Reject
    );
    assert_eq!(
        admin(
            &emulator,
            "PATCH",
            "/world",
            Some(json!({"node": {"logged_in": "ghost"}}))
        )
        .0,
        400
    );
    assert_eq!(
        emulator.node().world().node.logged_in.as_deref(),
        Some("shop"),
        "nothing changed"
    );
}

#[test]
fn health_says_alive_version_uptime_tasks_and_doors_without_the_token() {
    let mut settings = Settings::for_tests();
    settings.admin_token = Some("s3cret".into());
    settings.doors.mobizon = false;
    let emulator = start_with(settings);
    let health = |emulator: &Emulator| {
        let reply = admin_raw(emulator, "GET", "/health", None, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        serde_json::from_str::<Value>(&reply.body).unwrap()
    };
    let before = health(&emulator);
    assert_eq!(before["status"], "alive");
    assert_eq!(before["version"], env!("CARGO_PKG_VERSION"));
    assert!(before["uptimeSeconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(
        before["frontDoors"],
        json!(["cnode", "bitrix24", "ricloud", "intellectmoney"])
    );
    let tasks = before["liveTasks"].as_u64().unwrap();
    emulator.log_in("test_user", "test_password");
    assert_eq!(health(&emulator)["liveTasks"], tasks + 1);
    let ready = admin_raw(&emulator, "GET", "/health/ready", None, None);
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (200, r#"{"ready":true}"#)
    );
    // The rest of the admin API still wants the token.
    assert_eq!(
        admin_raw(&emulator, "GET", "/tasks", None, None).status,
        401
    );
}
