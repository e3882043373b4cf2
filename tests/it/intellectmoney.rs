//! IntellectMoney's scheduled operations over HTTP: the seed's own request, Bearer, Sign
//! and UserToken refusals in the service's `OperationState`, and operations whose runs fire
//! on the virtual clock per RepeatPlan, retry per RetryOnFailPlan, skip or catch up per
//! FireOnSkip, wait per IsSingle, and stop when disabled or deactivated.

use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use cnode_emulator::Settings;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::harness::{admin, http, start_with, Emulator};

const BEARER: &str = "9d97820c61424eb6ac0db414ccb7ac60";
const SECRET: &str = "mySignSecretKey";
/// The seed's own UserToken, valid in the default world.
const USER_TOKEN: &str = "YdUlqkFcVo62XmY6B9VLJXCoAeA/0fJPxD4/kUUGmwHf5kgBa12MrKUyJd8uO0za";
const GET: &str = "scheduler/getScheduledOperationData";
const SET: &str = "scheduler/setScheduledOperationData";
/// The published signatures (dialects.md 3.2): "" is a slot the method leaves empty.
const GET_SIGNATURE: [&str; 16] = [
    "UserToken",
    "Skip",
    "Take",
    "Operation",
    "ObjectId",
    "ObjectTypeVal",
    "ParamsJson",
    "RepeatPlan",
    "RetryOnFailPlan",
    "RetryOnFailCount",
    "IsSingle",
    "FireOnSkip",
    "State",
    "DateFrom",
    "DateTo",
    "",
];
const SET_SIGNATURE: [&str; 16] = [
    "UserToken",
    "",
    "",
    "Operation",
    "ObjectId",
    "ObjectTypeVal",
    "ParamsJson",
    "RepeatPlan",
    "RetryOnFailPlan",
    "RetryOnFailCount",
    "IsSingle",
    "FireOnSkip",
    "State",
    "",
    "",
    "EndExecDate",
];
const INVOICE: &str = "3496318551";

fn sign(signature: &[&str], fields: &[(&str, &str)]) -> String {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| !name.is_empty() && field.eq_ignore_ascii_case(name))
            .map_or("", |(_, value)| value)
    };
    let mut text: Vec<&str> = signature.iter().map(|name| value(name)).collect();
    text.push(SECRET);
    let digest = Sha256::digest(text.join("::").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{name}={}", value.replace('+', "%2B").replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&")
}

/// A method called the way the seed's examples call it: a form body under a JSON
/// Content-Type, `Accept: application/json`, the Bearer token and a Sign.
fn call(emulator: &Emulator, method: &str, fields: &[(&str, &str)], signature: &[&str]) -> Value {
    let sign = sign(signature, fields);
    call_with(
        emulator,
        method,
        fields,
        &[
            ("Authorization", &format!("Bearer {BEARER}")),
            ("Sign", &sign),
        ],
    )
}

fn call_with(
    emulator: &Emulator,
    method: &str,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Value {
    let mut all = vec![
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
    ];
    all.extend_from_slice(headers);
    let reply = http(
        emulator.addr(),
        "POST",
        &format!("/personal/{method}"),
        &all,
        form(fields).as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_str(&reply.body).expect("a JSON answer")
}

fn get_operation(emulator: &Emulator, id: &str) -> Value {
    let answer = call(
        emulator,
        GET,
        &[("UserToken", USER_TOKEN), ("Take", "10"), ("Operation", id)],
        &GET_SIGNATURE,
    );
    assert_eq!(answer["OperationState"]["Code"], 0, "{answer}");
    answer["Result"]["ScheduledOperationList"][0].clone()
}

/// Creates an operation; answers its CronOperationId.
fn create(emulator: &Emulator, extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("UserToken", USER_TOKEN),
        ("ObjectId", INVOICE),
        ("ObjectTypeVal", "1"),
        ("ParamsJson", r#"{"Amount":10}"#),
        ("RepeatPlan", "0 0/15 * * * ? *"),
    ];
    fields.extend_from_slice(extra);
    let answer = call(emulator, SET, &fields, &SET_SIGNATURE);
    assert_eq!(answer["OperationState"]["Code"], 0, "{answer}");
    let listed = &answer["Result"]["ScheduledOperationList"][0];
    assert_eq!(listed["CronOperationState"], "Enable", "{answer}");
    listed["CronOperationId"].as_str().unwrap().to_owned()
}

/// The operation's runs, oldest first: (status, detail).
fn runs(emulator: &Emulator, operation: &str) -> Vec<(String, Value)> {
    let (status, listed) = admin(
        emulator,
        "GET",
        &format!("/tasks?frontDoor=intellectmoney&operation={operation}"),
        Value::Null,
    );
    assert_eq!(status, 200, "{listed}");
    let mut runs: Vec<(String, String, Value)> = listed["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|task| {
            (
                task["created"].as_str().unwrap().to_owned(),
                task["status"].as_str().unwrap().to_owned(),
                task.clone(),
            )
        })
        .collect();
    runs.sort_by(|a, b| a.0.cmp(&b.0));
    runs.into_iter()
        .map(|(_, status, task)| (status, task))
        .collect()
}

fn statuses(emulator: &Emulator, operation: &str) -> Vec<String> {
    runs(emulator, operation)
        .into_iter()
        .map(|(status, _)| status)
        .collect()
}

/// Moves the clock to the next quarter hour (where `0 0/15 * * * ? *` fires).
fn to_next_quarter(emulator: &Emulator) {
    let now: DateTime<Utc> = emulator.engine().wall_now();
    let into = u64::from(now.minute() % 15) * 60_000
        + u64::from(now.second()) * 1000
        + u64::from(now.nanosecond() / 1_000_000);
    // A millisecond more: the engine counts whole milliseconds from a wall time that need
    // not be a whole one, and a run never fires before its time.
    emulator.advance(Duration::from_millis(15 * 60_000 - into + 1));
}

fn emulator() -> Emulator {
    start_with(Settings::for_tests())
}

#[test]
fn the_seeds_request_is_answered_and_bad_credentials_in_the_services_own_words() {
    let emulator = emulator();
    let seed = [
        ("UserToken", USER_TOKEN),
        ("Skip", "10"),
        ("Take", "5"),
        ("Operation", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"),
    ];
    let answer = call(&emulator, GET, &seed, &GET_SIGNATURE);
    assert_eq!(
        answer["OperationState"],
        json!({"Code": 0, "Desc": "Успешно обработан"})
    );
    assert_eq!(answer["Result"]["State"]["Code"], 0);
    assert_eq!(answer["Result"]["ScheduledOperationList"], json!([]));
    assert_eq!(answer["EshopId"], 450000);
    assert_eq!(answer["OperationId"].as_str().unwrap().len(), 36);

    // The seed's own Sign is the SHA-256 of nothing: a placeholder, refused.
    let placeholder = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let bearer = format!("Bearer {BEARER}");
    let refused = call_with(
        &emulator,
        GET,
        &seed,
        &[("Authorization", &bearer), ("Sign", placeholder)],
    );
    assert_eq!(refused["OperationState"]["Code"], 2);
    assert_eq!(
        refused["OperationState"]["Desc"],
        "Ошибка авторизации: неверная подпись (Sign)"
    );
    assert_eq!(refused["Result"], Value::Null);
    let sign = sign(&GET_SIGNATURE, &seed);
    let no_bearer = call_with(&emulator, GET, &seed, &[("Sign", &sign)]);
    assert_eq!(
        no_bearer["OperationState"]["Desc"],
        "Ошибка авторизации: неверный токен"
    );
    // Hex is compared without regard to case.
    let upper = call_with(
        &emulator,
        GET,
        &seed,
        &[("Authorization", &bearer), ("Sign", &sign.to_uppercase())],
    );
    assert_eq!(upper["OperationState"]["Code"], 0);

    let stranger = [("UserToken", "not-a-token"), ("Take", "5")];
    let answer = call(&emulator, GET, &stranger, &GET_SIGNATURE);
    assert_eq!(answer["OperationState"]["Code"], 0);
    assert_eq!(
        answer["Result"]["State"],
        json!({"Code": 2, "Desc": "Пользователь не авторизован"})
    );
    let no_take = call(&emulator, GET, &[("UserToken", USER_TOKEN)], &GET_SIGNATURE);
    assert_eq!(
        no_take["OperationState"]["Desc"],
        "Неверное значение параметра Take"
    );

    // getUserToken issues a token that works, for a day of virtual time.
    let login = [("Login", "demo"), ("Password", "demo")];
    let issued = call(
        &emulator,
        "user/getUserToken",
        &login,
        &["Login", "Password"],
    );
    let token = issued["Result"]["UserToken"].as_str().unwrap().to_owned();
    let mine = [("UserToken", token.as_str()), ("Take", "5")];
    assert_eq!(
        call(&emulator, GET, &mine, &GET_SIGNATURE)["Result"]["State"]["Code"],
        0
    );
    emulator.advance(Duration::from_secs(24 * 3600));
    assert_eq!(
        call(&emulator, GET, &mine, &GET_SIGNATURE)["Result"]["State"]["Code"],
        2
    );
}

#[test]
fn an_operation_fires_on_its_plan_and_a_disabled_one_never_does() {
    let emulator = emulator();
    let other = create(&emulator, &[("RepeatPlan", "0 0 12 1/4 * ? *")]);
    let id = create(&emulator, &[("State", "1"), ("FireOnSkip", "1")]);
    assert_eq!(
        statuses(&emulator, &other),
        ["Planned"],
        "each operation's own runs"
    );
    assert_eq!(get_operation(&emulator, &id)["LastExecDate"], Value::Null);
    assert_eq!(statuses(&emulator, &id), ["Planned"]);

    to_next_quarter(&emulator);
    let fired_at = emulator.engine().wall_now();
    assert_eq!(statuses(&emulator, &id), ["Succeeded", "Planned"]);
    let listed = get_operation(&emulator, &id);
    let last = DateTime::parse_from_rfc3339(listed["LastExecDate"].as_str().unwrap()).unwrap();
    let late = fired_at.signed_duration_since(last);
    assert!(
        (0..=1).contains(&late.num_milliseconds()),
        "LastExecDate {last} is the planned time"
    );
    assert_eq!(last.minute() % 15, 0);
    assert!(listed["LastExecDate"].as_str().unwrap().ends_with("+03:00"));

    // An hour later, FireOnSkip: every missed quarter got its run.
    emulator.advance(Duration::from_secs(3600));
    assert_eq!(
        statuses(&emulator, &id)
            .iter()
            .filter(|s| *s == "Succeeded")
            .count(),
        5
    );

    // Disabled: the planned run is cancelled and nothing fires any more.
    let disable = [
        ("UserToken", USER_TOKEN),
        ("Operation", id.as_str()),
        ("State", "0"),
    ];
    let answer = call(&emulator, SET, &disable, &SET_SIGNATURE);
    assert_eq!(
        answer["Result"]["ScheduledOperationList"][0]["CronOperationState"],
        "Disable"
    );
    emulator.advance(Duration::from_secs(3600));
    let after = statuses(&emulator, &id);
    assert_eq!(
        after.iter().filter(|s| *s == "Succeeded").count(),
        5,
        "{after:?}"
    );
    assert_eq!(after.last().unwrap(), "Cancelled");
    assert!(!after.contains(&"Planned".to_owned()));

    // Enabled again: planned again.
    let enable = [
        ("UserToken", USER_TOKEN),
        ("Operation", id.as_str()),
        ("State", "1"),
    ];
    call(&emulator, SET, &enable, &SET_SIGNATURE);
    assert_eq!(statuses(&emulator, &id).last().unwrap(), "Planned");
}

#[test]
fn without_fire_on_skip_only_the_latest_missed_time_runs() {
    let emulator = emulator();
    let id = create(&emulator, &[("FireOnSkip", "0")]);
    to_next_quarter(&emulator);
    emulator.advance(Duration::from_secs(3600 + 60));
    let after = statuses(&emulator, &id);
    // The first quarter ran; of the four missed in the jump, one is recorded as skipped
    // and only the latest ran.
    assert_eq!(
        after,
        ["Succeeded", "Skipped", "Succeeded", "Planned"],
        "{:#?}",
        runs(&emulator, &id)
    );
    // The world counts the two quarters between, which got no run at all, as skipped too.
    let (_, world) = admin(&emulator, "GET", "/world", Value::Null);
    let operation = &world["intellectmoney"]["operations"][0];
    assert_eq!(operation["id"], id.as_str(), "{world}");
    assert_eq!(
        (operation["runs"].clone(), operation["skipped"].clone()),
        (json!(2), json!(3))
    );
}

#[test]
fn a_failed_run_is_retried_per_its_plan_until_the_count_is_used() {
    let emulator = emulator();
    admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "*", "frontDoor": "intellectmoney", "mode": "manual"}),
    );
    let id = create(
        &emulator,
        &[
            (
                "RetryOnFailPlan",
                r#"{"PeriodLength": 5, "PeriodType": "Minute"}"#,
            ),
            ("RetryOnFailCount", "2"),
        ],
    );
    to_next_quarter(&emulator);
    let runs_now = runs(&emulator, &id);
    assert_eq!(
        runs_now[0].0, "Executing",
        "fired on time even under manual progression"
    );
    let run = runs_now[0].1["taskId"].as_str().unwrap().to_owned();
    let force = |path: &str| {
        let (status, task) = admin(
            &emulator,
            "POST",
            &format!("/tasks/{run}/force?frontDoor=intellectmoney"),
            json!({"path": [path]}),
        );
        assert_eq!(status, 200, "{task}");
    };
    let status_of_run = || {
        let (_, task) = admin(
            &emulator,
            "GET",
            &format!("/tasks/{run}?frontDoor=intellectmoney"),
            Value::Null,
        );
        task["status"].as_str().unwrap().to_owned()
    };
    force("Failed");
    assert_eq!(status_of_run(), "RetryPlanned");
    emulator.advance(Duration::from_secs(5 * 60));
    assert_eq!(status_of_run(), "Executing", "retry 1");
    force("Failed");
    emulator.advance(Duration::from_secs(5 * 60));
    assert_eq!(status_of_run(), "Executing", "retry 2");
    force("Failed");
    assert_eq!(status_of_run(), "Exhausted");
    let (_, task) = admin(
        &emulator,
        "GET",
        &format!("/tasks/{run}?frontDoor=intellectmoney"),
        Value::Null,
    );
    let walked: Vec<&str> = task["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        walked,
        [
            "Planned",
            "Executing",
            "Failed",
            "RetryPlanned",
            "Executing",
            "Failed",
            "RetryPlanned",
            "Executing",
            "Failed",
            "Exhausted"
        ]
    );
}

#[test]
fn a_declined_card_fails_every_run_and_single_runs_never_overlap() {
    let mut settings = Settings::for_tests();
    settings.world.intellectmoney.declined = vec![INVOICE.parse().unwrap()];
    settings.intellectmoney.pace = Duration::from_secs(20 * 60);
    let emulator = start_with(settings);
    let id = create(
        &emulator,
        &[
            ("IsSingle", "1"),
            ("FireOnSkip", "1"),
            ("RetryOnFailPlan", "0 0/5 * * * ? *"),
            ("RetryOnFailCount", "1"),
        ],
    );
    to_next_quarter(&emulator);
    assert_eq!(statuses(&emulator, &id), ["Executing", "Planned"]);
    // The next quarter comes while the first run still executes (a run takes 20 minutes
    // here): the second waits.
    emulator.advance(Duration::from_secs(15 * 60));
    let waiting = runs(&emulator, &id);
    assert_eq!(waiting[1].0, "Planned", "{waiting:?}");
    assert_eq!(
        waiting[1].1["additionalInfo"]["waiting"],
        "another run of the operation is executing"
    );
    // The first fails (the card declines), which lets the second start.
    emulator.advance(Duration::from_secs(6 * 60));
    let after = runs(&emulator, &id);
    assert_eq!(after[0].0, "RetryPlanned", "{after:?}");
    assert_eq!(
        after[0].1["additionalInfo"]["error"],
        "the card declined the charge"
    );
    assert_eq!(after[1].0, "Executing", "{after:?}");
}

#[test]
fn deactivating_an_invoice_stops_its_operations_and_xml_is_answered_on_request() {
    let emulator = emulator();
    let id = create(&emulator, &[]);
    let fields = [("UserToken", USER_TOKEN), ("SourceInvoiceId", INVOICE)];
    let answer = call(
        &emulator,
        "recurring/deactivate",
        &fields,
        &["UserToken", "SourceInvoiceId"],
    );
    assert_eq!(answer["Result"], true, "{answer}");
    assert_eq!(
        get_operation(&emulator, &id)["CronOperationState"],
        "Disable"
    );
    assert_eq!(statuses(&emulator, &id), ["Cancelled"]);

    let seed = [("UserToken", USER_TOKEN), ("Take", "5")];
    let sign = sign(&GET_SIGNATURE, &seed);
    let bearer = format!("Bearer {BEARER}");
    let reply = http(
        emulator.addr(),
        "POST",
        &format!("/personal/{GET}"),
        &[
            ("Accept", "application/xml"),
            ("Authorization", &bearer),
            ("Sign", &sign),
        ],
        form(&seed).as_bytes(),
    );
    assert!(reply.body.starts_with("<?xml"), "{}", reply.body);
    assert!(
        reply
            .body
            .contains("<CronOperationState>Disable</CronOperationState>"),
        "{}",
        reply.body
    );

    // Deleted through the admin API: gone from every answer, its planned run cancelled.
    let other = create(&emulator, &[]);
    let delete = format!("/tasks/{other}?frontDoor=intellectmoney");
    assert_eq!(admin(&emulator, "DELETE", &delete, Value::Null).0, 204);
    assert_eq!(get_operation(&emulator, &other), Value::Null);
    assert_eq!(statuses(&emulator, &other), ["Cancelled"]);
    assert_eq!(admin(&emulator, "DELETE", &delete, Value::Null).0, 404);

    let unknown = [
        ("UserToken", USER_TOKEN),
        ("Operation", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"),
        ("State", "1"),
    ];
    let answer = call(&emulator, SET, &unknown, &SET_SIGNATURE);
    assert_eq!(
        answer["OperationState"]["Desc"],
        "Операция по расписанию не найдена"
    );
}

#[test]
fn what_a_jump_skips_does_not_depend_on_anybody_reading_between_two_advances() {
    let outcome = |read_between: bool| {
        let emulator = emulator();
        let id = create(&emulator, &[("FireOnSkip", "0")]);
        to_next_quarter(&emulator);
        if read_between {
            statuses(&emulator, &id);
        }
        emulator.advance(Duration::from_secs(3600 + 60));
        statuses(&emulator, &id)
    };
    assert_eq!(outcome(false), outcome(true));
}

#[test]
fn a_run_forced_back_to_planned_or_cancelled_does_not_stop_its_operation() {
    let emulator = emulator();
    admin(
        &emulator,
        "PUT",
        "/progression",
        json!({"type": "*", "frontDoor": "intellectmoney", "mode": "manual"}),
    );
    let id = create(&emulator, &[("IsSingle", "1")]);
    to_next_quarter(&emulator);
    let run = runs(&emulator, &id)[0].1["taskId"]
        .as_str()
        .unwrap()
        .to_owned();
    let force = |run: &str, status: &str| {
        let path = format!("/tasks/{run}/force?frontDoor=intellectmoney");
        assert_eq!(
            admin(&emulator, "POST", &path, json!({"path": [status]})).0,
            200
        );
    };
    // Back to Planned while executing: it no longer counts as executing, so the next
    // quarter's run is not kept waiting for ever.
    force(&run, "Planned");
    emulator.advance(Duration::from_secs(15 * 60));
    let after = statuses(&emulator, &id);
    assert!(after.contains(&"Executing".to_owned()), "{after:?}");

    // The waiting run forced to Cancelled: the operation's next read plans another.
    let planned: Vec<String> = runs(&emulator, &id)
        .into_iter()
        .filter(|(status, _)| status == "Planned")
        .map(|(_, task)| task["taskId"].as_str().unwrap().to_owned())
        .collect();
    for run in &planned {
        force(run, "Cancelled");
    }
    assert_eq!(
        get_operation(&emulator, &id)["CronOperationState"],
        "Enable"
    );
    assert_eq!(statuses(&emulator, &id).last().unwrap(), "Planned");
}

#[test]
fn an_outcome_rule_on_runs_still_starts_them_and_retries_follow() {
    let emulator = emulator();
    let (status, rule) = admin(
        &emulator,
        "POST",
        "/rules",
        json!({"frontDoor": "intellectmoney", "type": "scheduler.run", "path": ["Failed"], "times": 1}),
    );
    assert_eq!(status, 201, "{rule}");
    let id = create(
        &emulator,
        &[
            (
                "RetryOnFailPlan",
                r#"{"PeriodLength": 1, "PeriodType": "Minute"}"#,
            ),
            ("RetryOnFailCount", "1"),
        ],
    );
    to_next_quarter(&emulator);
    assert_ne!(get_operation(&emulator, &id)["LastExecDate"], Value::Null);
    assert_eq!(runs(&emulator, &id)[0].0, "RetryPlanned");
    emulator.advance(Duration::from_secs(60));
    assert_eq!(runs(&emulator, &id)[0].0, "Succeeded", "the retry succeeds");
}

#[test]
fn a_new_plan_replans_and_end_exec_date_ends_the_operation() {
    let emulator = emulator();
    let tomorrow = (emulator.engine().wall_now() + chrono::Duration::days(1))
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .format("%d.%m.%Y")
        .to_string();
    let id = create(
        &emulator,
        &[("EndExecDate", tomorrow.as_str()), ("FireOnSkip", "1")],
    );
    // A JSON plan: every 6 hours from now on.
    let edit = [
        ("UserToken", USER_TOKEN),
        ("Operation", id.as_str()),
        ("RepeatPlan", r#"{"PeriodLength": 6, "PeriodType": "Hour"}"#),
    ];
    let answer = call(&emulator, SET, &edit, &SET_SIGNATURE);
    assert_eq!(answer["OperationState"]["Code"], 0, "{answer}");
    assert_eq!(statuses(&emulator, &id), ["Cancelled", "Planned"]);
    emulator.advance(Duration::from_secs(3 * 24 * 3600));
    let after = statuses(&emulator, &id);
    let ran = after.iter().filter(|s| *s == "Succeeded").count();
    // From now to the end of tomorrow (+03:00): between 4 and 8 six-hourly runs, then none.
    assert!((4..=8).contains(&ran), "{after:?}");
    assert!(!after.contains(&"Planned".to_owned()), "{after:?}");
    assert_eq!(
        get_operation(&emulator, &id)["CronOperationState"],
        "Disable"
    );
}

#[test]
fn operations_are_paged_oldest_first_and_selected_by_creation_date() {
    let emulator = emulator();
    let first = create(&emulator, &[]);
    emulator.advance(Duration::from_secs(3600));
    let local = |at: DateTime<Utc>| {
        at.with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let between = local(emulator.engine().wall_now() - chrono::Duration::seconds(1));
    let second = create(&emulator, &[]);
    let third = create(&emulator, &[]);
    let ids = |fields: &[(&str, &str)]| -> Vec<String> {
        let answer = call(&emulator, GET, fields, &GET_SIGNATURE);
        assert_eq!(answer["OperationState"]["Code"], 0, "{answer}");
        answer["Result"]["ScheduledOperationList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["CronOperationId"].as_str().unwrap().to_owned())
            .collect()
    };
    let token = ("UserToken", USER_TOKEN);
    assert_eq!(
        ids(&[token, ("Take", "10")]),
        [first.clone(), second.clone(), third.clone()]
    );
    assert_eq!(
        ids(&[token, ("Skip", "1"), ("Take", "1")]),
        std::slice::from_ref(&second)
    );
    assert_eq!(
        ids(&[token, ("Take", "10"), ("DateFrom", &between)]),
        [second.clone(), third]
    );
    assert_eq!(ids(&[token, ("Take", "10"), ("DateTo", &between)]), [first]);
    assert_eq!(ids(&[token, ("Take", "0")]), Vec::<String>::new());
}
