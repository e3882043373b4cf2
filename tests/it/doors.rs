//! Mobizon and Bitrix24 through their own wire and the shared control plane: their paces and
//! retention on the virtual clock, outcome rules, progressions and listings per door, strict
//! rate modes, credentials listed in the world, and a door switched off.

use std::time::Duration;

use cnode_emulator::bitrix24::{Token, Webhook};
use cnode_emulator::Settings;
use serde_json::{json, Value};

use crate::harness::{admin, http, start_with, Emulator, Style};

const KEY: &str = "KKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK";
const HOOK: &str = "/rest/1/abc123";

/// A Mobizon call with a form body: the envelope.
fn mobizon(emulator: &Emulator, call: &str, key: &str, form: &str) -> Value {
    let path = format!("/service/{call}?output=json&api=v1&apiKey={key}");
    let reply = http(
        emulator.addr(),
        "POST",
        &path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("a JSON envelope")
}

/// A Bitrix24 call with a JSON body: (HTTP status, answer).
fn bitrix24(emulator: &Emulator, path: &str, body: Value) -> (u16, Value) {
    let reply = http(
        emulator.addr(),
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    (
        reply.status,
        serde_json::from_str(&reply.body).expect("JSON"),
    )
}

fn start_upload(emulator: &Emulator) -> u64 {
    let campaign = mobizon(emulator, "campaign/create", KEY, "data[text]=hi")["data"].clone();
    let started = mobizon(
        emulator,
        "campaign/addRecipients",
        KEY,
        &format!("id={campaign}&recipientGroups[0]=1"),
    );
    assert_eq!(started["code"], 100, "{started}");
    started["data"].as_u64().expect("a numeric task id")
}

fn get_status(emulator: &Emulator, id: u64) -> Value {
    mobizon(emulator, "taskqueue/getStatus", KEY, &format!("id={id}"))
}

fn paced_doors() -> Settings {
    let mut settings = Settings::for_tests();
    settings.mobizon.pace = Duration::from_secs(1);
    settings.bitrix24.pace = Duration::from_secs(60);
    settings
}

#[test]
fn a_mobizon_upload_moves_on_the_clock_and_is_kept_a_day_after_it_ends() {
    let emulator = start_with(paced_doors());
    let id = start_upload(&emulator);
    assert_eq!(
        get_status(&emulator, id)["data"],
        json!({"progress": 0, "status": 0})
    );
    emulator.advance(Duration::from_secs(2));
    assert_eq!(
        get_status(&emulator, id)["data"],
        json!({"progress": 40, "status": 1})
    );
    emulator.advance(Duration::from_secs(3));
    assert_eq!(
        get_status(&emulator, id)["data"],
        json!({"progress": 100, "status": 2})
    );
    emulator.advance(Duration::from_secs(24 * 3600 - 60));
    assert_eq!(
        get_status(&emulator, id)["code"],
        0,
        "kept for a day after it ended"
    );
    emulator.advance(Duration::from_secs(120));
    let gone = get_status(&emulator, id);
    assert_eq!(
        (gone["code"].clone(), gone["data"].clone()),
        (json!(2), Value::Null)
    );
}

#[test]
fn a_bitrix24_import_runs_one_step_a_minute_and_is_purged_three_days_after() {
    let emulator = start_with(paced_doors());
    let (_, registered) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.register"),
        json!({}),
    );
    let id = registered["result"]["processId"].as_u64().unwrap();
    let get = |emulator: &Emulator| {
        bitrix24(
            emulator,
            &format!("{HOOK}/configuration.import.get"),
            json!({"processId": id}),
        )
        .1["result"]
            .clone()
    };
    assert_eq!(get(&emulator), json!({"status": "S"}));
    emulator.advance(Duration::from_secs(59));
    assert_eq!(get(&emulator)["status"], "S", "the agent has not run yet");
    emulator.advance(Duration::from_secs(1));
    assert_eq!(get(&emulator)["progress"]["section"], "REST_APPLICATION");
    emulator.advance(Duration::from_secs(180));
    assert_eq!(get(&emulator)["status"], "F");
    emulator.advance(Duration::from_secs(3 * 24 * 3600 - 1));
    assert_eq!(get(&emulator)["status"], "F");
    emulator.advance(Duration::from_secs(1));
    assert_eq!(get(&emulator), json!({"status": "U"}));
}

#[test]
fn rules_progressions_and_listings_work_per_door_in_its_own_status_names() {
    let emulator = start_with(Settings::for_tests());
    let (status, _) = admin(
        &emulator,
        "POST",
        "/rules",
        json!({"frontDoor": "mobizon", "path": ["1", "3"], "times": 1}),
    );
    assert_eq!(status, 201);
    let (status, body) = admin(
        &emulator,
        "POST",
        "/rules",
        json!({"frontDoor": "bitrix24", "path": ["FINISHED_OK"]}),
    );
    assert_eq!(status, 400, "CNode's names are not Bitrix24's: {body}");
    let (status, _) = admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "*", "frontDoor": "bitrix24", "mode": "manual"}),
    );
    assert_eq!(status, 200);

    let rejected = start_upload(&emulator);
    assert_eq!(
        get_status(&emulator, rejected)["data"]["status"],
        3,
        "the rule applies once"
    );
    let done = start_upload(&emulator);
    assert_eq!(
        get_status(&emulator, done)["data"]["status"],
        2,
        "then the job's own story"
    );

    let (_, registered) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.register"),
        json!({}),
    );
    let process = registered["result"]["processId"].as_u64().unwrap();
    let get = || {
        bitrix24(
            &emulator,
            &format!("{HOOK}/configuration.import.get"),
            json!({"processId": process}),
        )
        .1
    };
    assert_eq!(
        get()["result"]["status"],
        "S",
        "manual: only the admin API moves it"
    );
    let (status, stepped) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{process}/step?frontDoor=bitrix24"),
        Value::Null,
    );
    assert_eq!((status, stepped["status"].clone()), (200, json!("P")));
    let (status, _) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{process}/force?frontDoor=bitrix24"),
        json!({"status": "E"}),
    );
    assert_eq!(status, 200);
    assert_eq!(get()["result"]["status"], "E");

    let (_, listed) = admin(
        &emulator,
        "GET",
        "/tasks?frontDoor=bitrix24&status=E",
        Value::Null,
    );
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["tasks"][0]["taskId"], process.to_string());
    let (_, listed) = admin(
        &emulator,
        "GET",
        "/tasks?frontDoor=mobizon&status=3",
        Value::Null,
    );
    assert_eq!(listed["total"], 1);
    let (status, _) = admin(
        &emulator,
        "GET",
        "/tasks?frontDoor=mobizon&status=E",
        Value::Null,
    );
    assert_eq!(status, 400, "E is not a Mobizon status");
    // One id, two doors: the admin API tells them apart.
    let (_, cnode_style) = admin(&emulator, "GET", &format!("/tasks/{rejected}"), Value::Null);
    assert_eq!(cnode_style["error"], "no such task");
}

#[test]
fn strict_rate_answers_too_fast_polls_in_each_service_s_own_way() {
    let mut settings = Settings::for_tests();
    settings.mobizon.strict_rate = true;
    settings.bitrix24.strict_rate = true;
    let emulator = start_with(settings);
    let id = start_upload(&emulator);
    assert_eq!(get_status(&emulator, id)["code"], 0);
    let too_fast = get_status(&emulator, id);
    assert_eq!(too_fast["code"], 30, "{too_fast}");
    emulator.advance(Duration::from_secs(1));
    assert_eq!(get_status(&emulator, id)["code"], 0);

    let (_, registered) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.register"),
        json!({}),
    );
    let process = registered["result"]["processId"].clone();
    let get = |emulator: &Emulator| {
        bitrix24(
            emulator,
            &format!("{HOOK}/configuration.import.get"),
            json!({"processId": process}),
        )
    };
    assert_eq!(get(&emulator).0, 200);
    let (status, refused) = get(&emulator);
    assert_eq!(
        (status, refused["error"].clone()),
        (503, json!("QUERY_LIMIT_EXCEEDED"))
    );
    let (_, batch) = bitrix24(
        &emulator,
        &format!("{HOOK}/batch"),
        json!({"cmd": {"a": format!("configuration.import.get?processId={process}")}}),
    );
    assert_eq!(
        batch["result"]["result_error"]["a"]["error"],
        "QUERY_LIMIT_EXCEEDED"
    );
    emulator.advance(Duration::from_secs(60));
    assert_eq!(get(&emulator).0, 200);
}

#[test]
fn credentials_listed_in_the_world_make_a_door_strict() {
    let mut settings = Settings::for_tests();
    settings.world.mobizon.keys = vec![KEY.into(), "B".repeat(40)];
    settings.world.mobizon.blocked = vec!["B".repeat(40)];
    settings.world.mobizon.lang = cnode_emulator::mobizon::Lang::En;
    settings.world.mobizon.numbers_as_strings = true;
    settings.world.bitrix24.webhooks = vec![
        Webhook {
            user_id: 1,
            code: "abc123".into(),
            scopes: vec!["configuration.import".into()],
        },
        Webhook {
            user_id: 2,
            code: "crmonly".into(),
            scopes: vec!["crm".into()],
        },
    ];
    settings.world.bitrix24.tokens = vec![Token {
        token: "tok".into(),
        expires_at: Some(chrono::Utc::now() + chrono::Duration::hours(1)),
    }];
    let emulator = start_with(settings);

    let other = "C".repeat(40);
    let refused = mobizon(&emulator, "taskqueue/getStatus", &other, "id=1");
    assert_eq!(refused["code"], 8);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .starts_with("Login error"),
        "{refused}"
    );
    assert_eq!(
        mobizon(&emulator, "taskqueue/getStatus", &"B".repeat(40), "id=1")["code"],
        14
    );
    let id = start_upload_as_text(&emulator);
    assert_eq!(
        get_status_text(&emulator, &id)["data"]["status"],
        "2",
        "numbers as strings"
    );

    let call = |path: &str| bitrix24(&emulator, path, json!({"processId": 1}));
    assert_eq!(call(&format!("{HOOK}/configuration.import.get")).0, 200);
    assert_eq!(
        call("/rest/1/other/configuration.import.get").1["error"],
        "NO_AUTH_FOUND"
    );
    assert_eq!(
        call("/rest/2/crmonly/configuration.import.get").1["error"],
        "insufficient_scope"
    );
    assert_eq!(call("/rest/configuration.import.get?auth=tok").0, 200);
    assert_eq!(
        call("/rest/configuration.import.get?auth=nope").1["error"],
        "NO_AUTH_FOUND"
    );
    emulator.advance(Duration::from_secs(2 * 3600));
    let (status, expired) = call("/rest/configuration.import.get?auth=tok");
    assert_eq!(
        (status, expired["error"].clone()),
        (401, json!("expired_token"))
    );
}

fn start_upload_as_text(emulator: &Emulator) -> String {
    let campaign = mobizon(emulator, "campaign/create", KEY, "data[text]=hi")["data"].clone();
    let campaign = campaign.as_str().expect("ids as strings").to_owned();
    let started = mobizon(
        emulator,
        "campaign/addRecipients",
        KEY,
        &format!("id={campaign}&recipientGroups[0]=1"),
    );
    started["data"]
        .as_str()
        .expect("the task id as a string")
        .to_owned()
}

fn get_status_text(emulator: &Emulator, id: &str) -> Value {
    mobizon(emulator, "taskqueue/getStatus", KEY, &format!("id={id}"))
}

#[test]
fn a_door_switched_off_answers_its_paths_as_unknown() {
    let mut settings = Settings::for_tests();
    settings.doors.mobizon = false;
    let emulator = start_with(settings);
    let reply = http(
        emulator.addr(),
        "POST",
        &format!("/service/taskqueue/getStatus?apiKey={KEY}"),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"id=1",
    );
    assert_eq!(reply.status, 404, "{}", reply.body);
    assert!(reply.body.is_empty(), "{}", reply.body);
    let (status, _) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.get"),
        json!({"processId": 1}),
    );
    assert_eq!(status, 200, "the other doors serve on");
    assert_eq!(
        emulator.call(Style::B, "hello", &[]).get("requestStatus"),
        "SUCCESS"
    );
}

#[test]
fn a_full_reset_restarts_every_door_s_ids() {
    let emulator = start_with(Settings::for_tests());
    let first = start_upload(&emulator);
    let (status, _) = admin(&emulator, "POST", "/reset", Value::Null);
    assert_eq!(status, 204);
    assert_eq!(get_status(&emulator, first)["code"], 2, "forgotten");
    assert_eq!(start_upload(&emulator), first, "numbered from 1000 again");
}

#[test]
fn a_rule_s_detail_shows_in_the_task_it_dictates() {
    let emulator = start_with(Settings::for_tests());
    let rule = json!({
        "frontDoor": "bitrix24",
        "path": ["P", "F"],
        "detail": {"notice": ["a field was renamed"], "additional": {"APP": 7}},
    });
    assert_eq!(admin(&emulator, "POST", "/rules", rule).0, 201);
    let (_, registered) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.register"),
        json!({}),
    );
    let process = registered["result"]["processId"].clone();
    let (_, got) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.get"),
        json!({"processId": process}),
    );
    assert_eq!(
        got["result"],
        json!({"status": "F", "notice": ["a field was renamed"], "additional": {"APP": 7}})
    );
}

#[test]
fn the_leaky_bucket_refuses_requests_over_its_size_and_drains_on_the_clock() {
    let mut settings = Settings::for_tests();
    settings.world.bitrix24.leaky_bucket =
        Some(cnode_emulator::bitrix24::LeakyBucket { x: 3.0, y: 1.0 });
    let emulator = start_with(settings);
    let get = || {
        bitrix24(
            &emulator,
            &format!("{HOOK}/configuration.import.get"),
            json!({"processId": 1}),
        )
    };
    for _ in 0..3 {
        assert_eq!(get().0, 200);
    }
    let (status, refused) = get();
    assert_eq!(
        (status, refused["error"].clone()),
        (503, json!("QUERY_LIMIT_EXCEEDED"))
    );
    emulator.advance(Duration::from_secs(1));
    assert_eq!(get().0, 200, "one second drains one request");
    assert_eq!(get().0, 503);
}

#[test]
fn a_bitrix24_exception_is_shown_with_p_and_the_next_step_is_e() {
    let emulator = start_with(Settings::for_tests());
    let (status, _) = admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "*", "frontDoor": "bitrix24", "mode": "manual"}),
    );
    assert_eq!(status, 200);
    let (_, registered) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.register"),
        json!({}),
    );
    let process = registered["result"]["processId"].as_u64().unwrap();
    let force =
        json!({"path": ["P", "P", "F"], "additionalInfo": {"exception": "the manifest is broken"}});
    let (status, forced) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{process}/force?frontDoor=bitrix24"),
        force,
    );
    assert_eq!(status, 200, "{forced}");
    let get = || {
        bitrix24(
            &emulator,
            &format!("{HOOK}/configuration.import.get"),
            json!({"processId": process}),
        )
        .1["result"]
            .clone()
    };
    let shown = get();
    assert_eq!(shown["status"], "P");
    assert_eq!(shown["exception"], "the manifest is broken");
    admin(
        &emulator,
        "POST",
        &format!("/tasks/{process}/step?frontDoor=bitrix24"),
        Value::Null,
    );
    let stopped = get();
    assert_eq!(
        stopped["status"], "E",
        "an exception stops the import at the next step: {stopped}"
    );
    assert_eq!(stopped["errors"], json!(["the manifest is broken"]));
}

#[test]
fn a_mobizon_world_can_forbid_a_module_or_send_the_account_elsewhere() {
    let mut settings = Settings::for_tests();
    settings
        .world
        .mobizon
        .forbidden
        .insert(KEY.into(), vec!["Campaign".into()]);
    let emulator = start_with(settings);
    let refused = mobizon(&emulator, "campaign/create", KEY, "data[text]=hi");
    assert_eq!(
        (refused["code"].clone(), refused["data"].clone()),
        (json!(9), Value::Null)
    );
    assert_eq!(
        get_status(&emulator, 1)["code"],
        2,
        "other modules are served"
    );

    let mut settings = Settings::for_tests();
    settings.world.mobizon.right_server = Some("api.mobizon.kz".into());
    let emulator = start_with(settings);
    let elsewhere = get_status(&emulator, 1000);
    assert_eq!(
        (elsewhere["code"].clone(), elsewhere["data"].clone()),
        (json!(13), json!("api.mobizon.kz"))
    );
}

#[test]
fn the_admin_api_shows_every_door_s_world_counts_too_fast_polls_and_resets_worlds() {
    let emulator = start_with(paced_doors());
    let id = start_upload(&emulator);
    get_status(&emulator, id);
    get_status(&emulator, id);
    let (_, journal) = admin(&emulator, "GET", "/journal", Value::Null);
    assert_eq!(
        journal["tooFastPolls"],
        json!({"mobizon": 1, "bitrix24": 0}),
        "served, and counted"
    );

    let (_, world) = admin(&emulator, "GET", "/world", Value::Null);
    assert!(
        world["users"]["alice"].is_object(),
        "CNode's world at the top"
    );
    assert_eq!(world["mobizon"]["campaigns"], 1);
    assert_eq!(world["bitrix24"]["zone"], "+02:00");

    assert_eq!(admin(&emulator, "POST", "/world/reset", Value::Null).0, 204);
    let ended = get_status(&emulator, id);
    assert_eq!(
        ended["data"]["status"], 3,
        "a running upload ends rejected: {ended}"
    );
    let (_, world) = admin(&emulator, "GET", "/world", Value::Null);
    assert_eq!(world["mobizon"]["campaigns"], 0);
}

#[test]
fn a_progression_names_a_type_of_its_door() {
    let emulator = start_with(Settings::for_tests());
    let wrong = json!({"type": "configuration.import", "frontDoor": "mobizon", "mode": "manual"});
    assert_eq!(admin(&emulator, "PUT", "/progression", wrong).0, 400);
    let unknown = json!({"type": "NO_SUCH_TYPE", "mode": "manual"});
    assert_eq!(admin(&emulator, "PUT", "/progression", unknown).0, 400);
    let right = json!({"type": "configuration.import", "frontDoor": "bitrix24", "mode": "manual"});
    assert_eq!(admin(&emulator, "PUT", "/progression", right).0, 200);
}

#[test]
fn fault_plans_apply_to_one_door_or_one_operation_of_any() {
    let emulator = start_with(Settings::for_tests());
    let plan = json!({"operation": "*", "frontDoor": "mobizon", "errorRate": 1.0});
    assert_eq!(admin(&emulator, "PUT", "/faults", plan).0, 200);
    let failed = get_status(&emulator, 1000);
    assert_eq!(
        failed["code"], 3,
        "an injected error is Mobizon's application error: {failed}"
    );
    let (status, answer) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.get"),
        json!({"processId": 1}),
    );
    assert_eq!(
        (status, answer["result"]["status"].clone()),
        (200, json!("U")),
        "other doors untouched"
    );
    assert_eq!(
        emulator.call(Style::B, "hello", &[]).get("requestStatus"),
        "SUCCESS"
    );

    let plan = json!({"operation": "configuration.import.get", "faultRate": 1.0});
    assert_eq!(admin(&emulator, "PUT", "/faults", plan).0, 200);
    let (status, answer) = bitrix24(
        &emulator,
        &format!("{HOOK}/configuration.import.get"),
        json!({"processId": 1}),
    );
    assert_eq!(
        (status, answer["error"].clone()),
        (500, json!("ERROR_UNEXPECTED_ANSWER"))
    );
    let plan = json!({"operation": "*", "frontDoor": "nowhere", "errorRate": 1.0});
    assert_eq!(admin(&emulator, "PUT", "/faults", plan).0, 400);
}
