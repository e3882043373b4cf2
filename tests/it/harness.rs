//! The shared harness: an emulator on a free loopback port, a plain HTTP/1.1 client that can
//! send anything (including what no SOAP library would), envelopes in both documented
//! styles, and readers for the answers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use cnode_emulator::cnode::soap::{parse_call, Element, ParseLimits};
use cnode_emulator::engine::Engine;
use cnode_emulator::{Settings, TestServer};

pub struct Emulator {
    pub server: TestServer,
}

/// An emulator on the default world with tasks that finish at once and a frozen clock.
pub fn start() -> Emulator {
    start_with(Settings::for_tests())
}

pub fn start_with(settings: Settings) -> Emulator {
    Emulator {
        server: TestServer::start(settings).expect("the emulator starts"),
    }
}

/// Settings with a pace: each status step takes `step` of (frozen) emulator time.
pub fn paced(step: Duration) -> Settings {
    let mut settings = Settings::for_tests();
    settings.cnode.step = step;
    settings
}

impl Emulator {
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn engine(&self) -> &Engine {
        self.server.engine()
    }

    /// The CNode front door: its world and its view of tasks.
    pub fn node(&self) -> &cnode_emulator::cnode::Node {
        self.server.node()
    }

    pub fn advance(&self, by: Duration) {
        self.engine().clock().advance(by);
    }

    pub fn post(&self, body: impl AsRef<[u8]>) -> HttpReply {
        http(
            self.addr(),
            "POST",
            "/",
            &[("Content-Type", "text/xml; charset=utf-8")],
            body.as_ref(),
        )
    }

    /// Calls an operation with flat string arguments in the given style.
    pub fn call(&self, style: Style, operation: &str, args: &[(&str, &str)]) -> Answer {
        let reply = self.post(style.envelope(operation, args));
        assert_eq!(reply.status, 200, "{operation}: {}", reply.body);
        reply.answer()
    }

    /// Polls getTaskStatus until the task is final (at most 100 polls; with pace 0 the first).
    pub fn wait_final(&self, style: Style, task_id: &str) -> Answer {
        for _ in 0..100 {
            let status = self.call(
                style,
                "getTaskStatus",
                &[
                    ("taskId", task_id),
                    ("uniqueTransferId", ""),
                    ("callback", "false"),
                ],
            );
            assert_eq!(status.get("requestStatus"), "SUCCESS", "{status:?}");
            if status.get("status").starts_with("FINISHED") {
                return status;
            }
            self.advance(Duration::from_millis(100));
        }
        panic!("task {task_id} did not finish");
    }

    pub fn status_of(&self, task_id: &str) -> Answer {
        self.call(Style::B, "getTaskStatus", &[("taskId", task_id)])
    }

    /// `startLogin` as the documentation's own user: the id of the task it started.
    pub fn start_login(&self) -> String {
        let started = self.call(
            Style::B,
            "startLogin",
            &[
                ("billonUserName", "test_user"),
                ("billonUserPassword", "test_password"),
            ],
        );
        started.get("taskId").to_owned()
    }

    /// A user of the default world logged in, ready for calls that need one.
    pub fn log_in(&self, user: &str, password: &str) {
        let started = self.call(
            Style::B,
            "startLogin",
            &[("billonUserName", user), ("billonUserPassword", password)],
        );
        let done = self.wait_final(Style::B, started.get("taskId"));
        assert_eq!(done.get("status"), "FINISHED_OK", "{done:?}");
    }
}

/// The two request styles of cnode-api.md §1.1.
#[derive(Clone, Copy, Debug)]
pub enum Style {
    /// soapUI: `soapenv:`/`ns1:`, an empty Header, encodingStyle on the operation, xsi:types.
    A,
    /// Newer pages: XML declaration, `SOAP-ENV:`/`ns:`, encodingStyle on Body, no types.
    B,
}

pub const BOTH_STYLES: [Style; 2] = [Style::A, Style::B];

impl Style {
    pub fn envelope(self, operation: &str, args: &[(&str, &str)]) -> String {
        let mut xml = String::new();
        match self {
            Style::A => {
                xml.push_str(r#"<soapenv:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="ns1">"#);
                xml.push_str("\n   <soapenv:Header/>\n   <soapenv:Body>\n      ");
                xml.push_str(&format!(r#"<ns1:{operation} soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"#));
                for (name, value) in args {
                    let xsd_type = if *name == "callback" {
                        "xsd:boolean"
                    } else {
                        "xsd:string"
                    };
                    xml.push_str(&format!(
                        "\n         <{name} xsi:type=\"{xsd_type}\">{}</{name}>",
                        escape(value)
                    ));
                }
                xml.push_str(&format!(
                    "\n      </ns1:{operation}>\n   </soapenv:Body>\n</soapenv:Envelope>"
                ));
            }
            Style::B => {
                xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                xml.push_str(r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ns="ns1">"#);
                xml.push_str("\n <SOAP-ENV:Body SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\n ");
                xml.push_str(&format!("<ns:{operation}>"));
                for (name, value) in args {
                    xml.push_str(&format!("\n  <{name}>{}</{name}>", escape(value)));
                }
                xml.push_str(&format!(
                    "\n </ns:{operation}>\n </SOAP-ENV:Body>\n</SOAP-ENV:Envelope>\n"
                ));
            }
        }
        xml
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `<return>` of a SOAP response.
    pub fn answer(&self) -> Answer {
        let envelope = parse_call(self.body.as_bytes(), &ParseLimits::default())
            .unwrap_or_else(|fault| panic!("not a SOAP response ({fault}): {}", self.body));
        let operation = envelope.operation.clone();
        let ret = envelope
            .body
            .child("return")
            .unwrap_or_else(|| panic!("no <return>: {}", self.body))
            .clone();
        Answer { operation, ret }
    }

    /// (faultcode without prefix, faultstring) of a SOAP Fault.
    pub fn fault(&self) -> (String, String) {
        let envelope = parse_call(self.body.as_bytes(), &ParseLimits::default())
            .unwrap_or_else(|fault| panic!("not a SOAP response ({fault}): {}", self.body));
        assert_eq!(envelope.operation, "Fault", "{}", self.body);
        let code = &envelope.body.child("faultcode").expect("faultcode").text;
        let code = code.rsplit(':').next().unwrap_or_default().to_owned();
        let string = envelope
            .body
            .child("faultstring")
            .expect("faultstring")
            .text
            .clone();
        (code, string)
    }
}

/// The `<return>` element of a response, read by field name.
#[derive(Debug, Clone)]
pub struct Answer {
    pub operation: String,
    pub ret: Element,
}

impl Answer {
    pub fn get(&self, field: &str) -> &str {
        &self
            .ret
            .child(field)
            .unwrap_or_else(|| panic!("no <{field}> in {:?}", self.ret))
            .text
    }

    pub fn field_names(&self) -> Vec<&str> {
        self.ret.children.iter().map(|c| c.name.as_str()).collect()
    }

    pub fn info(&self) -> serde_json::Value {
        serde_json::from_str(self.get("additionalInfo")).expect("additionalInfo is JSON")
    }
}

/// One HTTP/1.1 exchange on a fresh connection, with whatever method, headers and body.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpReply {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    exchange(addr, &[request.as_bytes(), body].concat())
}

/// Sends raw bytes and reads the reply until the server closes the connection.
pub fn exchange(addr: SocketAddr, raw: &[u8]) -> HttpReply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The server may answer (413) and close before it has read everything: that is fine.
    let _ = stream.write_all(raw);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    parse_http(&response)
}

pub fn parse_http(response: &[u8]) -> HttpReply {
    let text = String::from_utf8_lossy(response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {text:?}"));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    HttpReply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// Waits (in real time, briefly) for background work such as the sweeper; panics after 5 s.
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

impl Emulator {
    /// Calls an operation whose arguments are given as XML (nested structures, lists).
    pub fn call_xml(&self, operation: &str, arguments: &str) -> HttpReply {
        let body = format!(
            r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:{operation}>{arguments}</ns:{operation}></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
        );
        self.post(body)
    }

    /// Logs in a user of the world by name (the password comes from the world).
    pub fn log_in_as(&self, user: &str) {
        let password = self.node().world().users[user].password.clone();
        self.log_in(user, &password);
    }

    /// Moves the clock a second at a time until `done` holds (at most `limit` seconds),
    /// letting every due step happen; panics if it never does.
    pub fn advance_until(&self, limit_seconds: u64, mut done: impl FnMut(&Emulator) -> bool) {
        for _ in 0..=limit_seconds {
            self.engine().catch_up();
            if done(self) {
                return;
            }
            self.advance(Duration::from_secs(1));
        }
        panic!("not reached within {limit_seconds} s of emulator time");
    }

    /// The statuses a task has passed through, oldest first.
    pub fn history(&self, task_id: &str) -> Vec<String> {
        let id = cnode_emulator::cnode::task::parse_task_id(task_id).expect("a task id");
        self.node()
            .task_history(id)
            .unwrap_or_default()
            .into_iter()
            .map(|(status, _)| status.as_str().to_owned())
            .collect()
    }
}

/// A TOML table of arguments as nested XML elements (`<item>` for array entries).
pub fn xml_arguments(value: &toml::Value, substitute: &dyn Fn(&str) -> String) -> String {
    let mut xml = String::new();
    if let toml::Value::Table(table) = value {
        for (name, value) in table {
            let inner = match value {
                toml::Value::Table(_) => xml_arguments(value, substitute),
                toml::Value::Array(items) => items
                    .iter()
                    .map(|item| format!("<item>{}</item>", xml_arguments(item, substitute)))
                    .collect(),
                toml::Value::String(text) => escape(&substitute(text)),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Datetime(d) => d.to_string(),
            };
            xml.push_str(&format!("<{name}>{inner}</{name}>"));
        }
    }
    xml
}

/// An admin API call with a JSON body (`Value::Null` for none): (HTTP status, JSON answer).
pub fn admin(
    emulator: &Emulator,
    method: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let reply = http(
        emulator.addr(),
        method,
        &format!("/__admin{path}"),
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
    (
        reply.status,
        serde_json::from_str(&reply.body).unwrap_or(serde_json::Value::Null),
    )
}

/// giveMoneyRequest of 1.000 PLN from the logged-in user; answers the taskId.
pub fn give(emulator: &Emulator, to: &str, uid: &str) -> String {
    let args = format!("<username>{to}</username><uniqueTransferId>{uid}</uniqueTransferId><type>GIVE_MONEY</type><amount><amount>1000</amount></amount>");
    emulator
        .call_xml("giveMoneyRequest", &args)
        .answer()
        .get("taskId")
        .to_owned()
}
