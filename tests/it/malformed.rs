//! The malformed-input suite: every case of `fixtures/malformed.toml` gets exactly its
//! answer, and a valid call right after it still succeeds.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use serde::Deserialize;

use crate::harness::{start_with, Emulator, HttpReply, Style};
use cnode_emulator::units::{parse_duration, parse_size};
use cnode_emulator::Settings;

const SUITE: &str = include_str!("../../fixtures/malformed.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Suite {
    server: Server,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Server {
    max_body: String,
    request_timeout: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    call: Option<String>,
    body: Option<String>,
    #[serde(default)]
    repeat: Vec<Repeat>,
    method: Option<String>,
    path: Option<String>,
    content_type: Option<String>,
    /// More request headers (ricloud's `Authorization: Token ...`, IntellectMoney's
    /// Authorization and Sign).
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    declared_length: Option<usize>,
    #[serde(default)]
    delivery: Delivery,
    status: u16,
    fault: Option<String>,
    says: Option<String>,
    request_status: Option<String>,
    /// Fields the answer's JSON must hold (the other front doors' error formats).
    json: Option<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repeat {
    marker: String,
    text: Option<String>,
    hex: Option<String>,
    times: usize,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Debug)]
#[serde(rename_all = "snake_case")]
enum Delivery {
    #[default]
    Whole,
    HalfThenClose,
    HalfThenWait,
    Trickle,
    SlowHead,
}

#[test]
fn every_malformed_input_gets_its_answer_and_the_server_keeps_serving() {
    let suite: Suite = toml::from_str(SUITE).expect("fixtures/malformed.toml reads");
    assert!(suite.case.len() >= 40, "the suite keeps at least 40 cases");
    let mut settings = Settings::for_tests();
    settings.max_body = parse_size(&suite.server.max_body).unwrap();
    settings.request_timeout = parse_duration(&suite.server.request_timeout).unwrap();
    let emulator = start_with(settings);
    emulator.log_in_as("test_user");
    let tasks_before = emulator.engine().task_count();
    for case in &suite.case {
        let reply = send(&emulator, case);
        check(case, &reply);
        let next = emulator.call(Style::B, "hello", &[]);
        assert_eq!(
            next.get("requestStatus"),
            "SUCCESS",
            "the call after {}",
            case.name
        );
    }
    assert_eq!(
        emulator.engine().task_count(),
        tasks_before,
        "no malformed call started a task"
    );
}

fn check(case: &Case, reply: &HttpReply) {
    let name = &case.name;
    let excerpt = || reply.body.chars().take(300).collect::<String>();
    assert_eq!(reply.status, case.status, "{name}: {}", excerpt());
    if let Some(code) = &case.fault {
        assert_eq!(
            reply.header("content-type"),
            Some("text/xml; charset=utf-8"),
            "{name}"
        );
        let (faultcode, faultstring) = reply.fault();
        assert_eq!(&faultcode, code, "{name}: {faultstring}");
        if let Some(words) = &case.says {
            assert!(
                faultstring.contains(words.as_str()),
                "{name}: {faultstring:?} should say {words:?}"
            );
        }
    } else if let Some(words) = &case.says {
        assert!(reply.body.contains(words.as_str()), "{name}: {}", excerpt());
    }
    if let Some(code) = &case.request_status {
        assert_eq!(reply.answer().get("requestStatus"), code, "{name}");
    }
    if let Some(fields) = &case.json {
        let answer: serde_json::Value = serde_json::from_str(&reply.body)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", excerpt()));
        for (key, expected) in fields {
            let expected: serde_json::Value =
                serde_json::to_value(expected).expect("TOML values are JSON values");
            assert_eq!(
                answer[key.as_str()],
                expected,
                "{name}: {key} in {}",
                excerpt()
            );
        }
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{name}: JSON is declared"
        );
    }
}

/// The case's body, with every repeat marker expanded.
fn body(case: &Case) -> Vec<u8> {
    let mut body = match (&case.call, &case.body) {
        (Some(call), None) => format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="ns1"><soapenv:Body>{call}</soapenv:Body></soapenv:Envelope>"#
        )
        .into_bytes(),
        (None, Some(body)) => body.clone().into_bytes(),
        _ => panic!("{}: give exactly one of call and body", case.name),
    };
    for repeat in &case.repeat {
        let unit = match (&repeat.text, &repeat.hex) {
            (Some(text), None) => text.clone().into_bytes(),
            (None, Some(hex)) => (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect(),
            _ => panic!("{}: a repeat has text or hex", case.name),
        };
        body = replace(&body, repeat.marker.as_bytes(), &unit.repeat(repeat.times));
    }
    body
}

fn replace(haystack: &[u8], marker: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len() + with.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(marker.len()).position(|w| w == marker) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + marker.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn send(emulator: &Emulator, case: &Case) -> HttpReply {
    let body = body(case);
    let method = case.method.as_deref().unwrap_or("POST");
    let path = case.path.as_deref().unwrap_or("/");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        emulator.addr()
    );
    match case.content_type.as_deref() {
        Some("") => {}
        Some(declared) => head.push_str(&format!("Content-Type: {declared}\r\n")),
        None => head.push_str("Content-Type: text/xml; charset=utf-8\r\n"),
    }
    for (name, value) in &case.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let length = case.declared_length.unwrap_or(body.len());
    if method != "GET" {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("\r\n");

    let mut stream = TcpStream::connect(emulator.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let half = body.len() / 2;
    // Writes may fail once the server has answered early and closed (413, 408): fine.
    match case.delivery {
        Delivery::Whole => {
            let _ = stream.write_all(&[head.as_bytes(), &body].concat());
        }
        Delivery::HalfThenClose => {
            let _ = stream.write_all(&[head.as_bytes(), &body[..half]].concat());
            let _ = stream.shutdown(Shutdown::Write);
        }
        Delivery::HalfThenWait => {
            let _ = stream.write_all(&[head.as_bytes(), &body[..half]].concat());
        }
        Delivery::Trickle => {
            let _ = stream.write_all(head.as_bytes());
            let mut writer = stream.try_clone().unwrap();
            std::thread::spawn(move || {
                for byte in body {
                    if writer.write_all(&[byte]).is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
        Delivery::SlowHead => {
            let _ = stream.write_all(format!("{method} {path} HTTP/1.1\r\n").as_bytes());
        }
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    crate::harness::parse_http(&response)
}
