//! What is not a valid call gets a SOAP 1.1 Fault (HTTP 500) that says what is wrong, an
//! oversized body gets 413, and the server answers the next valid call normally.

use crate::harness::{exchange, http, start_with, Style};
use cnode_emulator::Settings;

const ENV_OPEN: &str = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="ns1">"#;

fn envelope(body: &str) -> String {
    format!("{ENV_OPEN}<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>")
}

#[test]
fn each_invalid_call_gets_its_fault_and_the_server_keeps_serving() {
    let mut settings = Settings::for_tests();
    settings.max_body = 4096;
    let emulator = start_with(settings);
    let cases: Vec<(&str, Vec<u8>, u16, &str, &str)> = vec![
        ("empty body", vec![], 500, "Client", "empty"),
        ("not XML", b"this is not XML".to_vec(), 500, "Client", "not XML"),
        ("XML but not SOAP", b"<order><id>1</id></order>".to_vec(), 500, "Client", "not a SOAP Envelope"),
        (
            "SOAP 1.2",
            br#"<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><hello/></env:Body></env:Envelope>"#.to_vec(),
            500,
            "VersionMismatch",
            "SOAP 1.2",
        ),
        (
            "Envelope in no namespace",
            b"<Envelope><Body><hello/></Body></Envelope>".to_vec(),
            500,
            "VersionMismatch",
            "namespace",
        ),
        ("no Body", format!("{ENV_OPEN}<soapenv:Header/></soapenv:Envelope>").into_bytes(), 500, "Client", "no Body"),
        ("empty Body", envelope("").into_bytes(), 500, "Client", "Body is empty"),
        ("unknown operation", envelope("<ns1:transferEverything/>").into_bytes(), 500, "Client", "transferEverything"),
        (
            "DOCTYPE",
            format!("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>{}", envelope("<ns1:hello/>")).into_bytes(),
            500,
            "Client",
            "DOCTYPE",
        ),
        (
            "boolean that is not one",
            envelope("<ns1:getTaskStatus><taskId>ABC</taskId><callback>maybe</callback></ns1:getTaskStatus>").into_bytes(),
            500,
            "Client",
            "callback",
        ),
        (
            "structure where text is expected",
            envelope("<ns1:startLogin><billonUserName><first>a</first></billonUserName></ns1:startLogin>").into_bytes(),
            500,
            "Client",
            "billonUserName",
        ),
        ("XML that stops after the operation", format!("{ENV_OPEN}<soapenv:Body><ns1:hello/>").into_bytes(), 500, "Client", "ends before"),
        ("XML cut inside a tag", envelope("<ns1:hello/>").as_bytes()[..60].to_vec(), 500, "Client", "not well-formed"),
        ("invalid UTF-8", [envelope("<ns1:hello>").as_bytes(), b"\xff\xfe", b"</ns1:hello>"].concat(), 500, "Client", "UTF-8"),
        ("over the body limit", envelope(&format!("<ns1:hello>{}</ns1:hello>", "x".repeat(5000))).into_bytes(), 413, "Client", "limit"),
    ];
    for (name, body, status, code, words) in cases {
        let reply = emulator.post(&body);
        assert_eq!(reply.status, status, "{name}: {}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("text/xml; charset=utf-8"),
            "{name}"
        );
        let (faultcode, faultstring) = reply.fault();
        assert_eq!(faultcode, code, "{name}: {faultstring}");
        assert!(
            faultstring.contains(words),
            "{name}: {faultstring:?} should mention {words:?}"
        );

        let next = emulator.call(Style::B, "hello", &[]);
        assert_eq!(
            next.get("requestStatus"),
            "SUCCESS",
            "the call after {name}"
        );
    }
}

#[test]
fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let mut settings = Settings::for_tests();
    settings.max_body = 1024;
    let emulator = start_with(settings);
    let raw = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n<soapenv:Envelope";
    let reply = exchange(emulator.addr(), raw.as_bytes());
    assert_eq!(reply.status, 413);
    assert_eq!(
        emulator.call(Style::A, "hello", &[]).get("requestStatus"),
        "SUCCESS"
    );
}

#[test]
fn business_errors_are_not_faults() {
    let emulator = crate::harness::start();
    let reply = emulator.post(Style::B.envelope("getTaskStatus", &[("taskId", "!!")]));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.answer().get("requestStatus"), "ERR_INVALID_TASK_ID");
}

#[test]
fn any_path_takes_soap_and_soapaction_is_not_needed() {
    let emulator = crate::harness::start();
    let body = Style::A.envelope("hello", &[]);
    let reply = http(
        emulator.addr(),
        "POST",
        "/some/path",
        &[("SOAPAction", "\"whatever\"")],
        body.as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.answer().operation, "helloResponse");
}
