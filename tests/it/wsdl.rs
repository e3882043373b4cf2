//! The WSDL is served at /?wsdl and /wsdl with the address the client actually used.

use cnode_emulator::ops::operation_names;

use crate::harness::{http, start};

#[test]
fn the_wsdl_carries_the_address_the_client_used() {
    let emulator = start();
    for path in ["/?wsdl", "/wsdl", "/?WSDL"] {
        let reply = http(emulator.addr(), "GET", path, &[], b"");
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(
            reply.header("content-type"),
            Some("text/xml; charset=utf-8")
        );
        let expected = format!(r#"location="http://{}/""#, emulator.addr());
        assert!(reply.body.contains(&expected), "{path}: no {expected}");
        assert!(!reply.body.contains("{{"), "{path}: a placeholder was left");
    }
    let raw = "GET /?wsdl HTTP/1.1\r\nHost: cnode.test:8080\r\nConnection: close\r\n\r\n";
    let reply = crate::harness::exchange(emulator.addr(), raw.as_bytes());
    assert!(reply.body.contains(r#"location="http://cnode.test:8080/""#));
}

#[test]
fn the_wsdl_describes_every_served_operation() {
    let emulator = start();
    let wsdl = http(emulator.addr(), "GET", "/?wsdl", &[], b"").body;
    for operation in operation_names() {
        let declared = wsdl
            .matches(&format!(r#"<operation name="{operation}""#))
            .count()
            + wsdl
                .matches(&format!(r#"<wsdl:operation name="{operation}""#))
                .count();
        assert_eq!(
            declared, 2,
            "{operation} must be in the portType and the binding"
        );
    }
    // Well-formed: quick-xml reads it to the end without error.
    let mut reader = quick_xml::Reader::from_str(&wsdl);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("the WSDL is not well-formed: {error}"),
        }
    }
}

#[test]
fn get_on_the_root_explains_itself_and_other_paths_are_not_found() {
    let emulator = start();
    let root = http(emulator.addr(), "GET", "/", &[], b"");
    assert_eq!(root.status, 200);
    assert!(root.body.contains("/?wsdl"));
    assert_eq!(
        http(emulator.addr(), "GET", "/nothing", &[], b"").status,
        404
    );
}
