//! Golden exchanges of the front doors that speak HTTP forms and JSON:
//! `fixtures/<door>/exchanges/<scenario>/NN-<name>.request.http` is sent in order to a fresh
//! emulator (default world, tasks moving one status per poll, frozen clock) and the answer
//! must equal `NN-<name>.response.http`: the status, the Content-Type, and the body (JSON
//! compared as values, with every `time` and `result_time` block masked as `{{time}}`:
//! their durations are measured; datetimes as `{{datetime}}`, the emulator's address as
//! `{{address}}`). ricloud's and IntellectMoney's GUIDs come from the fixed seed tests run with, so a later request
//! can name an id an earlier answer gave.
//!
//! A request file is `METHOD PATH`, header lines, a blank line, then the body; a response
//! file is the status, `Content-Type: ...`, a blank line, then the body.
//! `BLESS=1 cargo test door_exchanges` rewrites the responses from what the emulator answers.

use std::fs;
use std::path::{Path, PathBuf};

use cnode_emulator::engine::task::Progression;
use cnode_emulator::Settings;
use serde_json::Value;

use crate::harness::{http, start_with, HttpReply};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
const DOORS: &[&str] = &["mobizon", "bitrix24", "ricloud", "intellectmoney"];

#[test]
fn every_door_exchange_replays() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for door in DOORS {
        let dir = Path::new(FIXTURES).join(door).join("exchanges");
        let mut scenarios: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        scenarios.sort();
        assert!(scenarios.len() >= 2, "{door}: the exchanges are missing");
        for scenario in &scenarios {
            failures.extend(replay(scenario, bless));
        }
    }
    assert!(
        failures.is_empty(),
        "{} exchange(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn replay(scenario: &Path, bless: bool) -> Vec<String> {
    let emulator = start_with(Settings::for_tests());
    emulator
        .engine()
        .set_progression("*", Progression::PerPoll { polls: 1 });
    let mut requests: Vec<PathBuf> = fs::read_dir(scenario)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".request.http"))
        .collect();
    requests.sort();
    let mut failures = Vec::new();
    for request in requests {
        let text = fs::read_to_string(&request).unwrap();
        let (method, path, headers, body) = parse_request(&text);
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let reply = http(
            emulator.addr(),
            &method,
            &path,
            &header_refs,
            body.as_bytes(),
        );
        let expected_path = PathBuf::from(
            request
                .to_string_lossy()
                .replace(".request.http", ".response.http"),
        );
        // The emulator's address (in ricloud's signed URLs) changes from run to run.
        let reply = HttpReply {
            body: reply
                .body
                .replace(&emulator.addr().to_string(), "{{address}}"),
            ..reply
        };
        let written = write_response(&reply);
        if bless {
            fs::write(&expected_path, &written).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if normalize(&expected) != normalize(&written) {
            failures.push(format!(
                "{}:\nexpected:\n{expected}\ngot:\n{written}",
                expected_path.display()
            ));
        }
    }
    failures
}

/// (method, path, headers, body) of a request file.
fn parse_request(text: &str) -> (String, String, Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let first = lines.next().expect("a request line");
    let (method, path) = first.split_once(' ').expect("METHOD PATH");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let body = body.strip_suffix('\n').unwrap_or(body);
    (method.to_owned(), path.to_owned(), headers, body.to_owned())
}

/// A response as its fixture is written: JSON bodies pretty-printed, times masked.
fn write_response(reply: &HttpReply) -> String {
    let content_type = reply.header("content-type").unwrap_or("");
    let body = match serde_json::from_str::<Value>(&reply.body) {
        Ok(mut json) => {
            mask(&mut json);
            serde_json::to_string_pretty(&json).unwrap()
        }
        Err(_) => mask_xml_time(&reply.body),
    };
    format!("{}\nContent-Type: {content_type}\n\n{body}\n", reply.status)
}

/// Masks what differs from run to run: measured `time` blocks, and the admin API's
/// datetimes and clock readings (the frozen clock starts at the real time).
fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "time" || key == "result_time" {
                    if !value.is_array() {
                        *value = Value::String("{{time}}".into());
                    }
                } else if key == "millis" {
                    *value = Value::String("{{millis}}".into());
                } else {
                    mask(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        Value::String(text) if chrono::DateTime::parse_from_rfc3339(text).is_ok() => {
            *value = Value::String("{{datetime}}".into());
        }
        _ => {}
    }
}

/// An XML answer's `<time>...</time>`, masked as in JSON.
fn mask_xml_time(body: &str) -> String {
    match (body.find("<time>"), body.find("</time>")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}<time>{{{{time}}}}{}", &body[..start], &body[end..])
        }
        _ => body.to_owned(),
    }
}

fn normalize(text: &str) -> String {
    text.trim().replace("\r\n", "\n")
}
