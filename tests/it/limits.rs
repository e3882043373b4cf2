//! The configurable limits, and what a client sees at each: live tasks, connections, XML
//! depth and size. (Body size and request timeouts: `malformed.rs`.)

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::{start_with, Emulator, Style};
use cnode_emulator::Settings;

fn to_vault(emulator: &Emulator) -> crate::harness::Answer {
    emulator
        .call_xml(
            "sendMoneyToVault",
            "<amount><amount>1</amount><currency>PLN</currency></amount>",
        )
        .answer()
}

#[test]
fn at_the_live_task_cap_new_tasks_are_refused_until_some_expire() {
    let mut settings = Settings::for_tests();
    settings.engine.max_tasks = 3;
    let emulator = start_with(settings);
    emulator.log_in_as("test_user");
    let first = to_vault(&emulator);
    assert_eq!(first.get("requestStatus"), "SUCCESS");
    assert_eq!(to_vault(&emulator).get("requestStatus"), "SUCCESS");

    let refused = to_vault(&emulator);
    assert_eq!(refused.get("requestStatus"), "ERR_TECHNICAL_PROBLEM");
    assert!(refused
        .get("requestStatusDescription")
        .contains("--max-tasks"));
    assert_eq!(refused.get("taskId"), "");
    assert_eq!(emulator.engine().task_count(), 3);
    // The tasks already there are served as before.
    assert_eq!(
        emulator.status_of(first.get("taskId")).get("status"),
        "FINISHED_OK"
    );

    // Once tasks expire they make room, without waiting for the sweeper.
    emulator.advance(emulator.node().config().task_ttl);
    assert_eq!(to_vault(&emulator).get("requestStatus"), "SUCCESS");
    assert_eq!(emulator.engine().task_count(), 1);
}

#[test]
fn past_the_connection_limit_a_client_waits_for_a_free_connection() {
    let mut settings = Settings::for_tests();
    settings.max_connections = 2;
    let emulator = start_with(settings);
    let hello = Style::B.envelope("hello", &[]);
    let request = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{hello}",
        hello.len()
    );
    let answered = |stream: &mut TcpStream| -> bool {
        stream.write_all(request.as_bytes()).unwrap();
        let mut buffer = [0u8; 4096];
        match stream.read(&mut buffer) {
            Ok(n) => n > 0 && buffer.starts_with(b"HTTP/1.1 200"),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
            Err(e) => panic!("{e}"),
        }
    };
    let open = || {
        let stream = TcpStream::connect(emulator.addr()).unwrap();
        // A real wait: whether an answer comes at all is the point here.
        stream
            .set_read_timeout(Some(Duration::from_millis(400)))
            .unwrap();
        stream
    };
    let mut first = open();
    let mut second = open();
    assert!(answered(&mut first));
    assert!(answered(&mut second));
    let mut third = open();
    assert!(
        !answered(&mut third),
        "a third connection is not served while two are open"
    );
    drop(first);
    third
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buffer = [0u8; 4096];
    let n = third.read(&mut buffer).unwrap();
    assert!(
        buffer[..n].starts_with(b"HTTP/1.1 200"),
        "once one closes, the waiting call is served"
    );
}

#[test]
fn xml_depth_and_size_limits_are_configurable() {
    let mut settings = Settings::for_tests();
    settings.parse_limits.max_depth = 3;
    settings.parse_limits.max_elements = 5;
    let emulator = start_with(settings);
    let deep = emulator.call_xml("hello", "<a><b><c/></b></a>");
    assert_eq!(deep.status, 500);
    assert!(deep.fault().1.contains("deeper than 3"), "{}", deep.body);
    let wide = emulator.call_xml("hello", "<a/><b/><c/><d/><e/>");
    assert_eq!(wide.status, 500);
    assert!(wide.fault().1.contains("more than 5"), "{}", wide.body);
    let fits = emulator.call_xml("hello", "<a><b/></a>");
    assert_eq!(fits.answer().get("requestStatus"), "SUCCESS");
}
