//! ricloud over HTTP: the integration test's journey (user → session → poll → results →
//! acknowledgement) on the virtual clock, suspension behind a session's init, every list
//! filter and the cursors, credentials, forced failures, retention, the admin API, and the
//! errors ricloud-py must be able to decode.

use std::time::Duration;

use cnode_emulator::Settings;
use serde_json::{json, Value};

use crate::harness::{admin, http, start_with, Emulator, HttpReply};

const TOKEN: &str = "Token sandbox-token";

/// A ricloud call as ricloud-py makes it: a JSON body without a Content-Type.
fn raw(
    emulator: &Emulator,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> HttpReply {
    let mut headers = Vec::new();
    if let Some(auth) = auth {
        headers.push(("Authorization", auth));
    }
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    http(emulator.addr(), method, path, &headers, body.as_bytes())
}

/// (HTTP status, JSON answer); every answer is JSON.
fn call(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let reply = raw(emulator, method, path, Some(TOKEN), body);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{method} {path}: {}",
        reply.body
    );
    let json = serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {}", reply.body));
    (reply.status, json)
}

fn get(emulator: &Emulator, path: &str) -> Value {
    let (status, json) = call(emulator, "GET", path, None);
    assert_eq!(status, 200, "GET {path}: {json}");
    json
}

fn post(emulator: &Emulator, path: &str, body: Value) -> (u16, Value) {
    call(emulator, "POST", path, Some(body))
}

fn paced() -> Settings {
    let mut settings = Settings::for_tests();
    settings.ricloud.pace = Duration::from_secs(1);
    settings
}

fn id(value: &Value) -> String {
    value["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {value}"))
        .to_owned()
}

/// A user and a session on a mock source; answers (user, session) ids.
fn open_session(emulator: &Emulator) -> (String, String) {
    let (status, user) = post(
        emulator,
        "/users",
        json!({"identifier": "john@example.com"}),
    );
    assert!(status == 201 || status == 200, "{user}");
    let (status, session) = post(
        emulator,
        "/sessions",
        json!({"source": {"user": id(&user), "type": "mocks.mock", "identifier": "john@icloud.com"},
               "payload": {"password": "secret"}}),
    );
    assert_eq!(status, 201, "{session}");
    (id(&user), id(&session))
}

fn poll_for(emulator: &Emulator, session: &str, payload: Value) -> Value {
    let (status, poll) = post(
        emulator,
        "/polls",
        json!({"session": session, "payload": payload}),
    );
    assert_eq!(status, 201, "{poll}");
    poll
}

fn ids_of(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(id)
        .collect()
}

#[test]
fn the_integration_journey_moves_on_the_clock_to_results_and_their_acknowledgement() {
    let emulator = start_with(paced());
    let (status, user) = post(
        &emulator,
        "/users",
        json!({"identifier": "john@example.com"}),
    );
    assert_eq!((status, user["resource"].clone()), (201, json!("user")));
    let (status, again) = post(
        &emulator,
        "/users",
        json!({"identifier": "john@example.com"}),
    );
    assert_eq!(
        (status, id(&again)),
        (200, id(&user)),
        "idempotent per identifier"
    );

    let (_, session) = post(
        &emulator,
        "/sessions",
        json!({"source": {"user": user.clone(), "type": "mocks.mock", "identifier": "john@icloud.com"},
               "payload": {"password": "secret"}}),
    );
    assert_eq!(session["state"], "pending");
    assert_eq!(session["source"]["resource"], "source");
    assert_eq!(session["source"]["type"], "mocks.mock");
    let session_id = id(&session);
    emulator.advance(Duration::from_secs(1));
    assert_eq!(
        get(&emulator, &format!("/sessions/{session_id}"))["state"],
        "pending"
    );
    emulator.advance(Duration::from_secs(1));
    let session = get(&emulator, &format!("/sessions/{session_id}"));
    assert_eq!(
        (session["state"].clone(), session["error"].clone()),
        (json!("active"), Value::Null)
    );
    let init = get(&emulator, &format!("/tasks?session={session_id}"));
    assert_eq!(init["data"][0]["type"], "session.init");
    assert_eq!(init["data"][0]["source_type"], "mocks.mock");
    assert_eq!(init["data"][0]["state"], "succeeded");

    let poll = poll_for(
        &emulator,
        &session_id,
        json!({"info_types": ["*"], "data_types": ["messages.sms"]}),
    );
    let poll_id = id(&poll);
    assert_eq!(poll["state"], "pending");
    assert_eq!(poll["tasks_pending"].as_array().unwrap().len(), 2);
    assert_eq!(poll["results"]["total_count"], 0);
    emulator.advance(Duration::from_secs(1));
    let poll = get(&emulator, &format!("/polls/{poll_id}"));
    assert_eq!(poll["state"], "processing");
    assert_eq!(poll["tasks_processing"].as_array().unwrap().len(), 2);
    assert!(poll["date_started"].is_string() && poll["date_completed"].is_null());
    emulator.advance(Duration::from_secs(1));
    let poll = get(&emulator, &format!("/polls/{poll_id}"));
    assert_eq!(poll["state"], "completed", "{poll}");
    assert_eq!(poll["tasks_succeeded"].as_array().unwrap().len(), 2);
    assert_eq!(poll["results"]["total_count"], 2);
    assert_eq!(poll["errors"]["total_count"], 0);

    let sms = get(
        &emulator,
        &format!("/tasks?poll={poll_id}&type=data&state=succeeded"),
    );
    assert_eq!(sms["total_count"], 1);
    let task = get(&emulator, &format!("/tasks/{}", id(&sms["data"][0])));
    assert_eq!(task["resource"], "task");
    assert_eq!(task["target"], "messages.sms");
    assert_eq!(task["poll"], poll_id.as_str());
    assert_eq!(task["session"], session_id.as_str());
    assert!(task["error"].is_null());
    let created =
        chrono::DateTime::parse_from_rfc3339(task["date_created"].as_str().unwrap()).unwrap();
    let started =
        chrono::DateTime::parse_from_rfc3339(task["date_started"].as_str().unwrap()).unwrap();
    let completed =
        chrono::DateTime::parse_from_rfc3339(task["date_completed"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            (started - created).num_seconds(),
            (completed - started).num_seconds()
        ),
        (1, 1)
    );
    assert!(task["date_created"].as_str().unwrap().ends_with('Z'));
    let result = &task["results"]["data"][0];
    assert_eq!(
        task["results"]["url"],
        format!("/results?task={}", id(&task))
    );
    assert_eq!(result["resource"], "result");
    assert_eq!(result["identifier"], "messages.sms");
    assert_eq!(result["type"], "json");
    assert_eq!(
        result["url"],
        format!("gs://ricloud-emulator/{poll_id}/messages.sms")
    );
    assert_eq!(result["state"], "available");

    // The signed URL serves the document the checksum and size describe.
    let signed = result["signed_url"]["url"].as_str().unwrap();
    let path = signed
        .split_once("/__storage")
        .map(|(_, p)| format!("/__storage{p}"))
        .unwrap();
    assert!(
        signed.starts_with(&format!("http://{}/", emulator.addr())),
        "{signed}"
    );
    let document = raw(&emulator, "GET", &path, None, None);
    assert_eq!(document.status, 200);
    assert_eq!(result["size"], document.body.len());
    assert_eq!(result["checksum"], md5_hex(document.body.as_bytes()));
    assert_eq!(get(&emulator, &format!("/results/{}", id(result))), *result);

    let results = get(&emulator, "/results");
    assert_eq!(results["total_count"], 2);
    let (first, second) = (id(&results["data"][0]), id(&results["data"][1]));
    let (status, acked) = post(&emulator, &format!("/results/{first}/ack"), json!({}));
    assert_eq!((status, acked["state"].clone()), (200, json!("consumed")));
    assert!(acked["date_consumed"].is_string());
    assert_eq!(
        ids_of(&get(&emulator, "/results")),
        [second.as_str()],
        "consumed: hidden"
    );
    assert_eq!(
        ids_of(&get(&emulator, "/results?state=consumed")),
        [first.as_str()]
    );
    let (status, many) = post(&emulator, "/results/ack", json!({"ids": [second]}));
    assert_eq!((status, many["resource"].clone()), (200, json!("list")));
    assert_eq!(get(&emulator, "/results")["total_count"], 0);
    assert_eq!(
        get(&emulator, &format!("/results/{first}/ack"))["state"],
        "consumed",
        "GET acks too"
    );
    let (status, unknown) = post(&emulator, "/results/ack", json!({"ids": ["nope"]}));
    assert_eq!(
        (status, unknown["error"].clone()),
        (400, json!("invalid-parameter"))
    );
}

fn md5_hex(bytes: &[u8]) -> String {
    // The checksum's check, written independently of the door: md5 via the same crate.
    use md5::{Digest, Md5};
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_polls_tasks_wait_suspended_for_the_sessions_init_and_fail_when_it_fails() {
    let emulator = start_with(paced());
    // The inits park in processing until forced.
    let (status, _) = admin(
        &emulator,
        "POST",
        "/rules",
        json!({"frontDoor": "ricloud", "type": "session.init", "path": ["processing"]}),
    );
    assert_eq!(status, 201);
    let (_, failing) = open_session(&emulator);
    let poll = poll_for(
        &emulator,
        &failing,
        json!({"data_types": ["messages.sms", "messages.whatsapp"]}),
    );
    emulator.advance(Duration::from_secs(1));
    let shown = get(&emulator, &format!("/polls/{}", id(&poll)));
    assert_eq!(shown["state"], "pending", "{shown}");
    assert_eq!(shown["tasks_suspended"].as_array().unwrap().len(), 2);
    let task = get(
        &emulator,
        &format!("/tasks?poll={}&state=suspended", id(&poll)),
    );
    assert_eq!(task["total_count"], 2);
    assert!(task["data"][0]["date_started"].is_null());

    let init = id(&get(
        &emulator,
        &format!("/tasks?session={failing}&type=session.init"),
    )["data"][0]);
    let (status, _) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{init}/force?frontDoor=ricloud"),
        json!({"path": ["failed"]}),
    );
    assert_eq!(status, 200);
    let session = get(&emulator, &format!("/sessions/{failing}"));
    assert_eq!(
        (session["state"].clone(), session["error"].clone()),
        (json!("failed"), json!("init_failed"))
    );
    emulator.advance(Duration::from_secs(4));
    let shown = get(&emulator, &format!("/polls/{}", id(&poll)));
    assert_eq!(shown["state"], "completed", "{shown}");
    assert_eq!(shown["errors"]["total_count"], 2);
    assert_eq!(shown["errors"]["data"][0]["error"], "session-expired");
    assert_eq!(shown["results"]["total_count"], 0);

    // A second session, whose init is forced to succeed: its waiting tasks go on.
    let (_, opening) = open_session(&emulator);
    let poll = poll_for(&emulator, &opening, json!({"files": ["file-1"]}));
    emulator.advance(Duration::from_secs(1));
    assert_eq!(
        get(&emulator, &format!("/polls/{}", id(&poll)))["tasks_suspended"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let init = id(&get(
        &emulator,
        &format!("/tasks?session={opening}&type=session.init"),
    )["data"][0]);
    admin(
        &emulator,
        "POST",
        &format!("/tasks/{init}/force?frontDoor=ricloud"),
        json!({"path": ["succeeded"]}),
    );
    // The dictated end steers the init's job: the session opens at once, unread, and the
    // waiting task (looking again in 2 s, 4 s, 8 s...) goes on by itself.
    emulator.advance(Duration::from_secs(10));
    let shown = get(&emulator, &format!("/polls/{}", id(&poll)));
    assert_eq!(shown["state"], "completed", "{shown}");
    assert_eq!(shown["results"]["data"][0]["identifier"], "file-1");
    assert_eq!(
        get(&emulator, &format!("/sessions/{opening}"))["state"],
        "active"
    );
}

#[test]
fn parked_tasks_wake_when_a_read_sees_their_session_end_under_immediate_progression() {
    let emulator = start_with(Settings::for_tests());
    let (status, set) = admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"frontDoor": "ricloud", "type": "*", "mode": "immediate"}),
    );
    assert_eq!(status, 200, "{set}");
    admin(
        &emulator,
        "POST",
        "/rules",
        json!({"frontDoor": "ricloud", "type": "session.init", "path": ["processing"], "times": 1}),
    );
    let (_, session) = open_session(&emulator);
    let poll = poll_for(&emulator, &session, json!({"info_types": ["account"]}));
    assert_eq!(
        poll["tasks_suspended"].as_array().unwrap().len(),
        1,
        "{poll}"
    );
    let init = id(&get(
        &emulator,
        &format!("/tasks?session={session}&type=session.init"),
    )["data"][0]);
    admin(
        &emulator,
        "POST",
        &format!("/tasks/{init}/force?frontDoor=ricloud"),
        json!({"path": ["succeeded"]}),
    );
    let shown = get(&emulator, &format!("/polls/{}", id(&poll)));
    let (_, detail) = admin(
        &emulator,
        "GET",
        &format!(
            "/tasks/{}?frontDoor=ricloud",
            shown["tasks_suspended"][0].as_str().unwrap_or("x")
        ),
        Value::Null,
    );
    assert_eq!(shown["state"], "completed", "{shown} {detail}");
}

#[test]
fn lists_filter_on_every_attribute_and_datetime_and_page_with_cursors() {
    let emulator = start_with(Settings::for_tests());
    let (user, session) = open_session(&emulator);
    emulator.advance(Duration::from_secs(10));
    let poll = poll_for(
        &emulator,
        &session,
        json!({"info_types": ["account"], "data_types": ["messages.sms", "messages.whatsapp", "photos"]}),
    );
    emulator.advance(Duration::from_secs(10));
    let (status, config_test) = post(&emulator, "/tasks", json!({"target": "webhook-1"}));
    assert_eq!(
        (status, config_test["type"].clone()),
        (201, json!("webhook_config.test"))
    );
    assert_eq!(config_test["state"], "succeeded", "pace 0: at once");

    let all = get(&emulator, "/tasks");
    assert_eq!(all["resource"], "list");
    assert_eq!(all["url"], "/tasks");
    assert_eq!(all["total_count"], 6);
    assert_eq!(id(&all["data"][0]), id(&config_test), "newest first");
    assert!(all["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["resource"] == "task"));
    let count = |query: &str| {
        get(&emulator, &format!("/tasks?{query}"))["total_count"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(count("type=data"), 3);
    assert_eq!(count(&format!("poll={}", id(&poll))), 4);
    assert_eq!(count(&format!("session={session}")), 5);
    assert_eq!(count(&format!("user={user}")), 5);
    assert_eq!(count("source_type=mocks.mock"), 5);
    assert_eq!(
        count(&format!("key={}", config_test["key"].as_str().unwrap())),
        6
    );
    assert_eq!(count("state=succeeded"), 6);
    assert_eq!(count("state=failed"), 0);
    assert_eq!(count("unknown_filter=1"), 6, "unknown filters are ignored");
    let init_source = get(&emulator, &format!("/sessions/{session}"))["source"]["id"].clone();
    assert_eq!(
        count(&format!("source={}", init_source.as_str().unwrap())),
        5
    );

    // Datetimes: the session's init, then the poll 10 s later, then the config test 10 s later.
    let poll_created = get(&emulator, &format!("/polls/{}", id(&poll)))["date_created"]
        .as_str()
        .unwrap()
        .to_owned();
    let at = chrono::DateTime::parse_from_rfc3339(&poll_created).unwrap();
    assert_eq!(count(&format!("date_created={poll_created}")), 4);
    assert_eq!(count(&format!("date_created__gte={poll_created}")), 5);
    assert_eq!(count(&format!("date_created[gt]={poll_created}")), 1);
    assert_eq!(count(&format!("date_created__lt={poll_created}")), 1);
    assert_eq!(count(&format!("date_created[lte]={poll_created}")), 5);
    let offset = (at + chrono::Duration::hours(2))
        .format("%Y-%m-%dT%H:%M:%S%%2B02:00")
        .to_string();
    assert_eq!(count(&format!("date_created={offset}")), 4, "an offset");
    let naive = at.format("%Y-%m-%dT%H:%M:%S").to_string();
    assert_eq!(count(&format!("date_started={naive}")), 4, "no zone: UTC");
    let second = at.format("%Y-%m-%dT%H:%M:%S").to_string();
    assert_eq!(
        count(&format!("date_completed__lte={second}.999Z")),
        5,
        "milliseconds compare finely"
    );
    assert_eq!(count(&format!("date_completed__lt={second}.000Z")), 1);
    let tomorrow = (at + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        count(&format!("date_created__lt={tomorrow}")),
        6,
        "a date alone"
    );
    let (status, bad) = call(&emulator, "GET", "/tasks?date_created__gte=soon", None);
    assert_eq!(
        (status, bad["error"].clone()),
        (400, json!("invalid-parameter"))
    );
    assert!(bad["params"]["date_created__gte"].is_string());

    // A date filter excludes what has no such date yet.
    let (_, parked) = admin(
        &emulator,
        "POST",
        "/tasks",
        json!({"frontDoor": "ricloud", "type": "data", "path": []}),
    );
    assert_eq!(count("date_started__gte=2000-01-01"), 6);
    assert_eq!(count("state=pending"), 1);
    assert_eq!(
        get(&emulator, "/tasks?state=pending")["data"][0]["id"],
        parked["id"]
    );

    // Pages: limit, has_more, after_id (older), before_id (newer), both.
    let page = get(&emulator, "/tasks?limit=3");
    assert_eq!(
        (
            page["data"].as_array().unwrap().len(),
            page["has_more"].clone()
        ),
        (3, json!(true))
    );
    assert_eq!(page["total_count"], 7);
    let everything = ids_of(&get(&emulator, "/tasks?limit=1000"));
    let next = get(
        &emulator,
        &format!("/tasks?limit=3&after_id={}", everything[2]),
    );
    assert_eq!(ids_of(&next), everything[3..6]);
    assert_eq!(next["has_more"], true);
    let last = get(
        &emulator,
        &format!("/tasks?limit=3&after_id={}", everything[5]),
    );
    assert_eq!(
        (ids_of(&last), last["has_more"].clone()),
        (everything[6..].to_vec(), json!(false))
    );
    let newer = get(&emulator, &format!("/tasks?before_id={}", everything[2]));
    assert_eq!(ids_of(&newer), everything[..2]);
    let between = get(
        &emulator,
        &format!(
            "/tasks?after_id={}&before_id={}",
            everything[1], everything[5]
        ),
    );
    assert_eq!(ids_of(&between), everything[2..5]);
    for bad in ["limit=0", "limit=1001", "limit=ten"] {
        let (status, error) = call(&emulator, "GET", &format!("/tasks?{bad}"), None);
        assert_eq!(
            (status, error["error"].clone()),
            (400, json!("invalid-parameter")),
            "{bad}"
        );
        assert!(error["params"]["limit"].is_string(), "{error}");
    }
    let (status, error) = call(
        &emulator,
        "GET",
        "/tasks?after_id=00000000-0000-4000-8000-000000000000",
        None,
    );
    assert_eq!(
        (status, error["params"]["after_id"].is_string()),
        (400, true)
    );
    let (status, _) = call(&emulator, "GET", "/tasks?state=finished", None);
    assert_eq!(status, 400);

    // The same machinery for the other lists.
    assert_eq!(get(&emulator, "/users")["data"][0]["resource"], "user");
    assert_eq!(get(&emulator, "/sources")["data"][0]["resource"], "source");
    assert_eq!(get(&emulator, "/sessions?state=active")["total_count"], 1);
    assert_eq!(get(&emulator, "/sessions?state=failed")["total_count"], 0);
    assert_eq!(
        get(
            &emulator,
            &format!("/polls?session={session}&state=completed")
        )["total_count"],
        1
    );
    assert_eq!(get(&emulator, "/results?limit=2")["has_more"], true);
    assert_eq!(
        get(&emulator, &format!("/results?task={}", everything[3]))["total_count"],
        1
    );
    assert_eq!(
        get(&emulator, "/events"),
        json!({"resource": "list", "data": [], "has_more": false, "total_count": 0, "url": "/events"})
    );
}

#[test]
fn credentials_are_refused_in_ricloud_s_own_error_format() {
    let mut settings = Settings::for_tests();
    settings.world.ricloud.tokens = vec!["good".into(), "narrow".into()];
    settings
        .world
        .ricloud
        .scopes
        .insert("narrow".into(), vec!["tasks".into()]);
    let emulator = start_with(settings);
    for auth in [
        None,
        Some("Bearer good"),
        Some("Token "),
        Some("Token bad"),
        Some("good"),
    ] {
        let reply = raw(&emulator, "GET", "/tasks", auth, None);
        assert_eq!(reply.status, 401, "{auth:?}");
        let error: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(error["error"], "unauthorized", "{auth:?}");
        assert!(error["message"].is_string());
    }
    assert_eq!(
        raw(&emulator, "GET", "/tasks", Some("Token good"), None).status,
        200
    );
    assert_eq!(
        raw(&emulator, "GET", "/tasks", Some("token narrow"), None).status,
        200
    );
    let refused = raw(&emulator, "GET", "/users", Some("Token narrow"), None);
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("missing-scope"), "{}", refused.body);
    // One key per token, the same each time.
    let (_, task) = {
        let reply = raw(
            &emulator,
            "POST",
            "/tasks",
            Some("Token good"),
            Some(json!({})),
        );
        (
            reply.status,
            serde_json::from_str::<Value>(&reply.body).unwrap(),
        )
    };
    let again = raw(
        &emulator,
        "POST",
        "/tasks",
        Some("Token good"),
        Some(json!({})),
    );
    let again: Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!(task["key"], again["key"]);
    assert_eq!(task["organisation"], cnode_emulator::ricloud::ORGANISATION);
}

#[test]
fn a_forced_failure_shows_its_error_and_admin_tasks_are_listed() {
    let emulator = start_with(paced());
    let (status, created) = admin(
        &emulator,
        "POST",
        "/tasks",
        json!({"frontDoor": "ricloud", "type": "data", "path": ["processing", "failed"],
               "detail": {"target": "messages.sms"}}),
    );
    assert_eq!(status, 201, "{created}");
    let task_id = created["id"].as_str().unwrap().to_owned();
    let listed = get(&emulator, "/tasks?type=data");
    assert_eq!(ids_of(&listed), [task_id.as_str()]);
    assert_eq!(listed["data"][0]["target"], "messages.sms");
    emulator.advance(Duration::from_secs(1));
    assert_eq!(
        get(&emulator, &format!("/tasks/{task_id}"))["state"],
        "processing"
    );
    emulator.advance(Duration::from_secs(1));
    let failed = get(&emulator, &format!("/tasks/{task_id}"));
    assert_eq!(
        (failed["state"].clone(), failed["error"].clone()),
        (json!("failed"), json!("internal-error"))
    );
    assert!(failed["date_completed"].is_string());
    let (_, listed) = admin(
        &emulator,
        "GET",
        "/tasks?frontDoor=ricloud&status=failed",
        Value::Null,
    );
    assert_eq!(listed["total"], 1);

    // A test's own error code, and a force in ricloud's names.
    let (_, task) = post(
        &emulator,
        "/tasks",
        json!({"type": "storage_config.test", "target": "s3"}),
    );
    let (status, _) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{}/force?frontDoor=ricloud", id(&task)),
        json!({"path": ["failed"], "additionalInfo": {"error": "storage-unreachable"}}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        get(&emulator, &format!("/tasks/{}", id(&task)))["error"],
        "storage-unreachable"
    );
    let (status, refused) = post(&emulator, "/tasks", json!({"type": "data"}));
    assert_eq!((status, refused["params"]["type"].is_string()), (400, true));

    let (_, world) = admin(&emulator, "GET", "/world", Value::Null);
    assert_eq!(
        world["ricloud"]["organisation"],
        cnode_emulator::ricloud::ORGANISATION
    );
    let (status, _) = admin(&emulator, "POST", "/world/reset", Value::Null);
    assert_eq!(status, 204);
}

#[test]
fn finished_tasks_polls_and_results_are_gone_seven_days_after_they_end() {
    let emulator = start_with(Settings::for_tests());
    let (_, session) = open_session(&emulator);
    let poll = poll_for(&emulator, &session, json!({"data_types": ["messages.sms"]}));
    let task = poll["tasks_succeeded"][0].as_str().unwrap().to_owned();
    let result = id(&get(&emulator, "/results")["data"][0]);
    emulator.advance(Duration::from_secs(7 * 24 * 3600 - 1));
    assert_eq!(
        get(&emulator, &format!("/tasks/{task}"))["state"],
        "succeeded"
    );
    emulator.advance(Duration::from_secs(2));
    for path in [
        format!("/tasks/{task}"),
        format!("/polls/{}", id(&poll)),
        format!("/results/{result}"),
    ] {
        let (status, error) = call(&emulator, "GET", &path, None);
        assert_eq!(
            (status, error["error"].clone()),
            (404, json!("not-found")),
            "{path}"
        );
    }
    assert_eq!(get(&emulator, "/tasks")["total_count"], 0);
    assert_eq!(
        raw(
            &emulator,
            "GET",
            &format!("/__storage/results/{result}"),
            None,
            None
        )
        .status,
        404
    );
}

#[test]
fn bad_requests_unknown_paths_and_faults_answer_json_errors() {
    let emulator = start_with(Settings::for_tests());
    let cases: [(&str, &str, Option<&str>, u16, &str); 9] = [
        (
            "GET",
            "/tasks/00000000-0000-4000-8000-000000000000",
            None,
            404,
            "not-found",
        ),
        (
            "GET",
            "/tasks/not-a-uuid-and-much-longer-than-any-id-could-ever-be",
            None,
            404,
            "not-found",
        ),
        ("GET", "/sessions/x", None, 404, "not-found"),
        ("DELETE", "/tasks", None, 405, "method-not-allowed"),
        ("GET", "/tasks/a/b", None, 404, "not-found"),
        ("POST", "/users", Some("{not json"), 400, "invalid-body"),
        ("POST", "/users", Some("[1, 2]"), 400, "invalid-body"),
        ("POST", "/users", Some("{}"), 400, "invalid-parameter"),
        (
            "POST",
            "/polls",
            Some(r#"{"session": "nope"}"#),
            400,
            "invalid-parameter",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let mut headers = vec![("Authorization", TOKEN)];
        if method == "POST" {
            headers.push(("Content-Type", "text/plain"));
        }
        let reply = http(
            emulator.addr(),
            method,
            path,
            &headers,
            body.unwrap_or("").as_bytes(),
        );
        assert_eq!(reply.status, status, "{method} {path}: {}", reply.body);
        let error: Value = serde_json::from_str(&reply.body).expect("a JSON error");
        assert_eq!(error["error"], code, "{method} {path}");
    }
    admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "tasks.list", "faultRate": 1.0}),
    );
    let (status, error) = call(&emulator, "GET", "/tasks", None);
    assert_eq!(
        (status, error["error"].clone()),
        (500, json!("internal-error"))
    );
    let (_, journal) = admin(&emulator, "GET", "/journal", Value::Null);
    assert!(
        journal.to_string().contains("tasks.list"),
        "exchanges are journalled"
    );
    assert_eq!(get(&emulator, "/users")["total_count"], 0, "no fault there");
}

#[test]
fn ricloud_await_holds_a_creation_until_the_work_is_done_on_a_running_clock() {
    let mut settings = Settings::for_tests();
    settings.frozen_clock = false;
    settings.ricloud.pace = Duration::from_millis(100);
    let emulator = start_with(settings);
    let (_, user) = post(&emulator, "/users", json!({"identifier": "a"}));
    let reply = http(
        emulator.addr(),
        "POST",
        "/sessions",
        &[("Authorization", TOKEN), ("Ricloud-Await", "5")],
        json!({"source": {"user": id(&user), "type": "icloud.account", "identifier": "a@icloud.com"}})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(reply.status, 201, "a create keeps its status");
    let session: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(session["state"], "active", "{session}");
    // Without the header the answer comes at once.
    let (_, task) = post(&emulator, "/tasks", json!({}));
    assert_eq!(task["state"], "pending");
}

#[test]
fn a_frozen_clock_answers_an_await_at_once_and_a_door_switched_off_owns_its_paths() {
    let emulator = start_with(paced());
    let reply = http(
        emulator.addr(),
        "POST",
        "/tasks",
        &[("Authorization", TOKEN), ("Ricloud-Await", "10")],
        b"{}",
    );
    assert!(reply.body.contains("\"pending\""), "{}", reply.body);

    let mut settings = Settings::for_tests();
    settings.doors.ricloud = false;
    let off = start_with(settings);
    for path in ["/tasks", "/results/x/ack", "/__storage/results/x"] {
        let reply = raw(&off, "GET", path, Some(TOKEN), None);
        assert_eq!((reply.status, reply.body.as_str()), (404, ""), "{path}");
    }
}
