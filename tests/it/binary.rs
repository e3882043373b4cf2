//! The binary itself, as a newcomer runs it: flags, environment twins, start-up log.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStderr, Command, Stdio};

use crate::harness::http;

const BINARY: &str = env!("CARGO_BIN_EXE_cnode-emulator");

type Log = std::io::Lines<BufReader<ChildStderr>>;

/// The binary started with these flags and environment: the process, the address it logs
/// that it bound, and the rest of its log.
fn spawn(args: &[&str], env: &[(&str, &str)]) -> (Child, SocketAddr, Log) {
    let mut child = Command::new(BINARY)
        .args(args)
        .envs(env.iter().copied())
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let rest = line.split("listening on http://").nth(1)?;
            rest.split('/').next()?.parse().ok()
        })
        .expect("the bound address is logged");
    (child, addr, lines)
}

#[test]
fn help_lists_every_flag_with_its_environment_twin() {
    let out = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for (flag, env) in [
        ("--listen", "CNODE_LISTEN"),
        ("--task-ttl", "CNODE_TASK_TTL"),
        ("--world", "CNODE_WORLD"),
        ("--pace", "CNODE_PACE"),
        ("--not-found-spelling", "CNODE_NOT_FOUND_SPELLING"),
        ("--max-body", "CNODE_MAX_BODY"),
        ("--max-depth", "CNODE_MAX_DEPTH"),
        ("--max-elements", "CNODE_MAX_ELEMENTS"),
        ("--request-timeout", "CNODE_REQUEST_TIMEOUT"),
        ("--max-connections", "CNODE_MAX_CONNECTIONS"),
        ("--max-tasks", "CNODE_MAX_TASKS"),
        ("--log-format", "CNODE_LOG_FORMAT"),
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
        assert!(help.contains(env), "{env} missing from --help");
    }
}

#[test]
fn it_logs_the_bound_address_and_answers_the_documented_example() {
    let (mut child, addr, _log) = spawn(&["--listen", "127.0.0.1:0"], &[("CNODE_PACE", "0")]);
    let seed = include_str!(
        "../../fixtures/cnode/exchanges/get-task-status-seed-example/01-getTaskStatus.request.xml"
    );
    let reply = http(
        addr,
        "POST",
        "/",
        &[("Content-Type", "text/xml")],
        seed.as_bytes(),
    );
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.answer().get("requestStatus"),
        "ERR_TASK_DOES_NOT_EXIST"
    );
}

#[test]
fn a_bad_world_file_is_refused_with_the_reason() {
    let path = std::env::temp_dir().join(format!("bad-world-{}.toml", std::process::id()));
    std::fs::write(&path, "[node]\nlogged_in = \"ghost\"\n").unwrap();
    let out = Command::new(BINARY)
        .arg("--world")
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ghost"));
}

/// SIGTERM and SIGINT stop the binary gracefully: a call in flight still gets its answer,
/// the ticker stops, and the exit code is 0.
#[test]
fn a_signal_lets_the_call_in_flight_finish_and_exits_0() {
    for signal in ["TERM", "INT"] {
        let (mut child, addr, lines) = spawn(&["--listen", "127.0.0.1:0", "--workers", "1"], &[]);
        // The call in flight: hello held back for a second by an injected latency.
        let plan = r#"{"operation": "hello", "latency": "1s"}"#;
        let set = http(
            addr,
            "PUT",
            "/__admin/faults",
            &[("Content-Type", "application/json")],
            plan.as_bytes(),
        );
        assert_eq!(set.status, 200, "{}", set.body);
        let in_flight = std::thread::spawn(move || {
            http(
                addr,
                "POST",
                "/",
                &[("Content-Type", "text/xml")],
                crate::harness::Style::B.envelope("hello", &[]).as_bytes(),
            )
        });
        // A real wait: the signal must arrive while the call is being served.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let reply = in_flight.join().unwrap();
        assert_eq!(reply.status, 200, "SIG{signal}: {}", reply.body);
        assert_eq!(reply.answer().get("requestStatus"), "SUCCESS");
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "SIG{signal}");
        let log: Vec<String> = lines.map_while(Result::ok).collect();
        assert!(
            log.iter()
                .any(|line| line.contains("cnode-emulator stopped")),
            "SIG{signal}: {log:?}"
        );
    }
}

#[test]
fn every_call_has_a_request_id_echoed_journalled_and_logged_as_json() {
    let (mut child, addr, log) = spawn(
        &["--listen", "127.0.0.1:0", "--log-format", "json"],
        &[("CNODE_PACE", "0")],
    );
    let login = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:startLogin><billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword></ns:startLogin></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    let headers = [("Content-Type", "text/xml"), ("X-Request-Id", "it-42")];
    let reply = http(addr, "POST", "/", &headers, login.as_bytes());
    assert_eq!(reply.header("x-request-id"), Some("it-42"));
    let task_id = reply.answer().get("taskId").to_owned();
    // Without one, the emulator makes one up.
    let other = http(
        addr,
        "POST",
        "/",
        &[("Content-Type", "text/xml")],
        login.as_bytes(),
    );
    let made_up = other.header("x-request-id").unwrap_or_default().to_owned();
    assert_eq!(made_up.len(), 16, "{made_up:?}");
    let journal = http(addr, "GET", "/__admin/journal?limit=5", &[], b"");
    let journal: serde_json::Value = serde_json::from_str(&journal.body).unwrap();
    let ids: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["requestId"].as_str())
        .collect();
    assert!(
        ids.contains(&"it-42") && ids.contains(&made_up.as_str()),
        "{ids:?}"
    );
    child.kill().unwrap();
    let _ = child.wait();
    let line = log
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(&line).ok())
        .find(|line| line["target"] == "call" && line["request_id"] == "it-42")
        .expect("a JSON log line for the call");
    assert_eq!(line["door"], "cnode");
    assert_eq!(line["operation"], "startLogin");
    assert_eq!(line["status"], 200);
    assert_eq!(line["outcome"], "SUCCESS");
    assert_eq!(line["task_id"], task_id.as_str());
    assert!(line["duration_us"].as_u64().is_some(), "{line}");
}
