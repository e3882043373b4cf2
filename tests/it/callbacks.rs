//! Status callbacks: getTaskStatus with `callback=true` has each later status change of the
//! task POSTed to the callback URL, retried with backoff, journalled, never holding up a call.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{admin, eventually, paced, start_with, Emulator, Style};

/// One POST a receiver got.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    content_type: String,
    attempt: u32,
    body: Value,
}

/// A tiny HTTP receiver on a free loopback port: it records every request and answers each
/// with the next status of its script (200 once the script is spent).
struct Receiver {
    addr: SocketAddr,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(script: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let (recorded, mut script) = (got.clone(), script.to_vec());
        script.reverse();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let status = script.pop().unwrap_or(200);
                if let Some(received) = serve(stream, status) {
                    recorded.lock().unwrap().push(received);
                }
            }
        });
        Receiver { addr, got }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Reads one request and answers it with `status`, closing the connection.
fn serve(mut stream: TcpStream, status: u16) -> Option<Received> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let (head, body) = loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = header(head, "content-length")
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                break (head.to_owned(), body[..length].to_owned());
            }
        }
    };
    let answer =
        format!("HTTP/1.1 {status} Whatever\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let _ = stream.write_all(answer.as_bytes());
    Some(Received {
        path: head.split(' ').nth(1).unwrap_or_default().to_owned(),
        content_type: header(&head, "content-type").unwrap_or_default(),
        attempt: header(&head, "x-cnode-callback-attempt")
            .and_then(|a| a.parse().ok())
            .unwrap_or(0),
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
    })
}

fn header(head: &str, name: &str) -> Option<String> {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
}

/// A paced emulator (a status step per second) that POSTs to `url`, retrying quickly.
fn emulator(url: &str, attempts: u32) -> Emulator {
    let mut settings = paced(Duration::from_secs(1));
    settings.callbacks.url = Some(url.to_owned());
    settings.callbacks.attempts = attempts;
    settings.callbacks.backoff = Duration::from_millis(20);
    settings.callbacks.timeout = Duration::from_millis(500);
    start_with(settings)
}

fn start_login(emulator: &Emulator) -> String {
    emulator
        .call(
            Style::B,
            "startLogin",
            &[
                ("billonUserName", "test_user"),
                ("billonUserPassword", "test_password"),
            ],
        )
        .get("taskId")
        .to_owned()
}

fn get_task_status(emulator: &Emulator, task_id: &str, callback: bool) -> String {
    let answer = emulator.call(
        Style::B,
        "getTaskStatus",
        &[
            ("taskId", task_id),
            ("uniqueTransferId", ""),
            ("callback", if callback { "true" } else { "false" }),
        ],
    );
    assert_eq!(answer.get("requestStatus"), "SUCCESS", "{answer:?}");
    answer.get("status").to_owned()
}

/// Moves the clock a step at a time until the task is final.
fn run_to_the_end(emulator: &Emulator, task_id: &str) {
    emulator.advance_until(30, |emulator| {
        get_task_status(emulator, task_id, false).starts_with("FINISHED")
    });
}

fn callback_journal(emulator: &Emulator) -> Vec<Value> {
    let (status, journal) = admin(emulator, "GET", "/journal?operation=callback", Value::Null);
    assert_eq!(status, 200);
    journal["entries"].as_array().cloned().unwrap_or_default()
}

#[test]
fn each_later_status_change_of_a_watched_task_is_posted_once() {
    let receiver = Receiver::start(&[]);
    let emulator = emulator(&receiver.url(), 5);
    let task_id = start_login(&emulator);
    let first = get_task_status(&emulator, &task_id, true);
    // Polled from now on without the flag: it stays watched.
    run_to_the_end(&emulator, &task_id);
    let history = emulator.history(&task_id);
    assert_eq!(history[0], first);
    let later = &history[1..];
    assert!(!later.is_empty(), "{history:?}");
    eventually("a POST per later status change", || {
        receiver.got().len() >= later.len()
    });
    std::thread::sleep(Duration::from_millis(100));
    let mut got = receiver.got();
    assert_eq!(got.len(), later.len(), "{got:?}");
    got.sort_by_key(|r| r.body["seq"].as_u64());
    let statuses: Vec<&str> = got
        .iter()
        .map(|r| r.body["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, later);
    let detail = emulator.server.task(&task_id).expect("the task");
    for (received, seq) in got.iter().zip(1..) {
        assert_eq!(received.path, "/hook");
        assert_eq!(received.content_type, "application/json");
        assert_eq!(received.attempt, 1);
        let body = &received.body;
        assert_eq!(body["seq"], seq, "{body}");
        assert_eq!(body["taskId"], task_id.as_str());
        assert_eq!(body["frontDoor"], "cnode");
        assert_eq!(body["type"], detail.type_name);
        assert!(body["progressPercent"].is_u64(), "{body}");
        assert!(body["additionalInfo"].is_object(), "{body}");
        let at: chrono::DateTime<chrono::Utc> = body["at"].as_str().unwrap().parse().unwrap();
        let entered = &detail.history[seq as usize];
        assert_eq!(
            (entered.status, entered.at),
            (statuses[seq as usize - 1], at)
        );
    }
    let last = &got.last().unwrap().body;
    assert_eq!(last["progressPercent"], 100);
    assert_eq!(
        serde_json::to_string(&last["additionalInfo"]).unwrap(),
        serde_json::to_string(&detail.additional_info).unwrap()
    );

    // Every attempt is journalled, and counted.
    let journal = callback_journal(&emulator);
    assert_eq!(journal.len(), later.len());
    assert!(
        journal.iter().all(|e| e["httpStatus"] == 200),
        "{journal:?}"
    );
    let counts = emulator.server.callback_counts();
    assert_eq!(
        (
            counts.delivered,
            counts.failed,
            counts.retried,
            counts.dropped
        ),
        (later.len() as u64, 0, 0, 0)
    );

    // A task never asked about with the flag sends nothing.
    let unwatched = start_login(&emulator);
    get_task_status(&emulator, &unwatched, false);
    run_to_the_end(&emulator, &unwatched);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(receiver.got().len(), later.len());
}

#[test]
fn a_failed_delivery_is_tried_again_until_the_receiver_takes_it() {
    let receiver = Receiver::start(&[500, 500]);
    let emulator = emulator(&receiver.url(), 5);
    let task_id = start_login(&emulator);
    get_task_status(&emulator, &task_id, true);
    // One step: one status change.
    emulator.advance(Duration::from_secs(1));
    emulator.engine().catch_up();
    eventually("the third attempt", || receiver.got().len() >= 3);
    std::thread::sleep(Duration::from_millis(200));
    let got = receiver.got();
    let attempts: Vec<u32> = got.iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2, 3]);
    assert!(got
        .iter()
        .all(|r| r.body == got[0].body && r.body["seq"] == 1));
    let statuses: Vec<Value> = callback_journal(&emulator)
        .iter()
        .map(|e| e["httpStatus"].clone())
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
    let counts = emulator.server.callback_counts();
    assert_eq!((counts.delivered, counts.failed, counts.retried), (1, 0, 2));
}

#[test]
fn a_receiver_that_is_down_holds_up_no_call_and_its_failures_are_journalled() {
    // Refused: a port nobody listens on any more.
    let refused = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", refused.local_addr().unwrap());
    drop(refused);
    let emulator = emulator(&url, 2);
    let task_id = start_login(&emulator);
    get_task_status(&emulator, &task_id, true);
    run_to_the_end(&emulator, &task_id);
    let changes = emulator.history(&task_id).len() - 1;
    eventually("every attempt failed", || {
        emulator.server.callback_counts().failed == changes as u64
    });
    let journal = callback_journal(&emulator);
    assert_eq!(journal.len(), 2 * changes);
    assert!(journal.iter().all(|e| e["httpStatus"] == 0), "{journal:?}");
    assert!(journal[0]["response"].as_str().unwrap().contains("error"));
}

#[test]
fn a_receiver_that_never_answers_holds_up_no_call() {
    // Accepts connections (the kernel's backlog) and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", silent.local_addr().unwrap());
    let mut settings = paced(Duration::from_secs(1));
    settings.callbacks.url = Some(url);
    settings.callbacks.attempts = 3;
    settings.callbacks.backoff = Duration::from_millis(50);
    settings.callbacks.timeout = Duration::from_secs(2);
    let emulator = start_with(settings);
    let task_id = start_login(&emulator);
    get_task_status(&emulator, &task_id, true);
    for _ in 0..5 {
        emulator.advance(Duration::from_secs(1));
        let asked = Instant::now();
        get_task_status(&emulator, &task_id, true);
        assert!(
            asked.elapsed() < Duration::from_millis(500),
            "getTaskStatus took {:?}",
            asked.elapsed()
        );
    }
    eventually("a timed-out attempt in the journal", || {
        !callback_journal(&emulator).is_empty()
    });
    let journal = callback_journal(&emulator);
    assert_eq!(journal[0]["httpStatus"], 0);
    drop(silent);
}

#[test]
fn without_a_callback_url_the_flag_changes_nothing() {
    let emulator = start_with(paced(Duration::from_secs(1)));
    let task_id = start_login(&emulator);
    get_task_status(&emulator, &task_id, true);
    run_to_the_end(&emulator, &task_id);
    assert_eq!(emulator.engine().status_changes_waiting(), 0);
    assert!(callback_journal(&emulator).is_empty());
    assert_eq!(emulator.server.callback_counts(), Default::default());
}

#[test]
fn the_world_files_url_serves_and_forced_statuses_are_sent_too() {
    let receiver = Receiver::start(&[]);
    let mut settings = paced(Duration::from_secs(1));
    settings.world.node.callback_url = Some(receiver.url());
    let emulator = start_with(settings);
    emulator.log_in_as("shop");
    let task_id = crate::harness::give(&emulator, "alice", "cb-1");
    // Watched by its uniqueTransferId.
    let answer = emulator.call(
        Style::B,
        "getTaskStatus",
        &[
            ("taskId", ""),
            ("uniqueTransferId", "cb-1"),
            ("callback", "1"),
        ],
    );
    assert_eq!(answer.get("taskId"), task_id);
    let (status, _) = admin(
        &emulator,
        "POST",
        &format!("/tasks/{task_id}/force"),
        serde_json::json!({"path": ["TRANSFERRING", "FINISHED_ERR"]}),
    );
    assert_eq!(status, 200);
    emulator.advance(Duration::from_secs(1));
    emulator.engine().catch_up();
    eventually("both forced statuses", || receiver.got().len() >= 2);
    let mut got = receiver.got();
    got.sort_by_key(|r| r.body["seq"].as_u64());
    let statuses: Vec<&str> = got
        .iter()
        .map(|r| r.body["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["TRANSFERRING", "FINISHED_ERR"]);
    assert_eq!(got[1].body["additionalInfo"]["error_name"], "ERR");
}
