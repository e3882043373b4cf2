//! Metrics over HTTP: after calls to two doors, a forced failure, an expiry and an injected
//! fault, `/__admin/metrics` (and `/metrics`) show them in the Prometheus text format.

use std::collections::HashMap;
use std::time::Duration;

use cnode_emulator::Settings;
use serde_json::json;

use crate::harness::{admin, eventually, http, start_with, Emulator, Style};

/// Every sample of the text format: `name{labels}` (labels as written) → value.
fn scrape(emulator: &Emulator, path: &str) -> (u16, String, HashMap<String, f64>) {
    let reply = http(emulator.addr(), "GET", path, &[], b"");
    let content_type = reply.header("content-type").unwrap_or_default().to_owned();
    let samples = reply
        .body
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            Some((canonical(series), value.parse().ok()?))
        })
        .collect();
    (reply.status, content_type, samples)
}

/// A series with its labels sorted (the encoder writes them in its own order).
fn canonical(series: &str) -> String {
    let Some((name, labels)) = series.split_once('{') else {
        return series.to_owned();
    };
    let mut labels: Vec<&str> = labels.trim_end_matches('}').split("\",").collect();
    labels.sort_unstable();
    let labels: Vec<String> = labels
        .iter()
        .map(|label| format!("{}\"", label.trim_end_matches('"')))
        .collect();
    format!("{name}{{{}}}", labels.join(","))
}

fn sample(samples: &HashMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(&canonical(series))
        .unwrap_or_else(|| panic!("no {series} in {samples:#?}"))
}

fn settings() -> Settings {
    let mut settings = Settings::for_tests();
    settings.cnode.task_ttl = Duration::from_secs(60);
    settings
}

#[test]
fn the_scrape_counts_calls_tasks_expiries_faults_and_the_journal() {
    let emulator = start_with(settings());
    let id = emulator.start_login();
    emulator.status_of(&id);
    emulator.status_of("NOSUCHTASKNOSUCHTASKNOSUCH");
    // A second door: Bitrix24 registers an import.
    let (status, created) = admin(
        &emulator,
        "POST",
        "/tasks",
        json!({"frontDoor": "bitrix24", "type": "configuration.import", "path": ["P"]}),
    );
    assert_eq!(status, 201, "{created}");
    let process = created["id"].as_str().expect("an id").to_owned();
    let reply = http(
        emulator.addr(),
        "POST",
        "/rest/1/abc123/configuration.import.get",
        &[("Content-Type", "application/json")],
        format!("{{\"processId\": {process}}}").as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // A forced failure.
    let (status, forced) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{process}/force?frontDoor=bitrix24"),
        json!({"path": ["E"]}),
    );
    assert_eq!(status, 200, "{forced}");
    // An injected fault.
    let (status, _) = admin(
        &emulator,
        "PUT",
        "/faults",
        json!({"operation": "hello", "errorRate": 1.0}),
    );
    assert_eq!(status, 200);
    let hello = emulator.call(Style::B, "hello", &[]);
    assert_eq!(hello.get("requestStatus"), "ERR_TECHNICAL_PROBLEM");

    let (status, content_type, samples) = scrape(&emulator, "/__admin/metrics");
    assert_eq!(status, 200);
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let requests = |door: &str, operation: &str, outcome: &str| {
        sample(
            &samples,
            &format!(
                "emulator_requests_total{{door=\"{door}\",operation=\"{operation}\",outcome=\"{outcome}\"}}"
            ),
        )
    };
    assert_eq!(requests("cnode", "startLogin", "SUCCESS"), 1.0);
    assert_eq!(requests("cnode", "getTaskStatus", "SUCCESS"), 1.0);
    assert_eq!(
        requests("cnode", "getTaskStatus", "ERR_TASK_DOES_NOT_EXIST"),
        1.0
    );
    assert_eq!(requests("cnode", "hello", "ERR_TECHNICAL_PROBLEM"), 1.0);
    assert_eq!(requests("bitrix24", "configuration.import.get", "200"), 1.0);
    assert_eq!(
        sample(
            &samples,
            "emulator_request_duration_seconds_count{door=\"cnode\",operation=\"getTaskStatus\"}"
        ),
        2.0
    );
    assert_eq!(
        sample(
            &samples,
            "emulator_request_duration_seconds_bucket{door=\"cnode\",operation=\"getTaskStatus\",le=\"+Inf\"}"
        ),
        2.0
    );
    assert_eq!(
        sample(
            &samples,
            "emulator_injected_faults_total{door=\"cnode\",operation=\"hello\",kind=\"error\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &samples,
            "emulator_tasks_finished_total{door=\"bitrix24\",type=\"configuration.import\",status=\"E\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &samples,
            "emulator_tasks_live{door=\"bitrix24\",type=\"configuration.import\",status=\"E\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &samples,
            "emulator_tasks_created_total{door=\"bitrix24\",type=\"configuration.import\"}"
        ),
        1.0
    );
    assert_eq!(sample(&samples, "emulator_journal_exchanges"), 5.0);
    let login_type = "door=\"cnode\",type=\"LOGIN\"";
    assert_eq!(
        sample(
            &samples,
            &format!("emulator_tasks_created_total{{{login_type}}}")
        ),
        1.0
    );

    // The login's task expires with the clock and is swept.
    emulator.advance(Duration::from_secs(61));
    eventually("the sweeper frees the login", || {
        emulator.engine().task_count() == 1
    });
    let (_, _, samples) = scrape(&emulator, "/metrics");
    assert_eq!(
        sample(
            &samples,
            &format!("emulator_tasks_swept_total{{{login_type}}}")
        ),
        1.0
    );
    assert!(!samples
        .keys()
        .any(|series| series.starts_with("emulator_tasks_live{door=\"cnode\"")));
}

#[test]
fn metrics_off_leaves_the_root_to_cnode() {
    let mut settings = settings();
    settings.metrics_at_root = false;
    let emulator = start_with(settings);
    let reply = http(emulator.addr(), "GET", "/metrics", &[], b"");
    assert_eq!(reply.status, 404);
    let (status, _, samples) = scrape(&emulator, "/__admin/metrics");
    assert_eq!(status, 200);
    assert_eq!(sample(&samples, "emulator_journal_exchanges"), 0.0);
}
