//! The WSDL is served at /?wsdl and /wsdl with the address the client actually used.

use cnode_emulator::cnode::ops::operation_names;

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
    for path in ["/?wsdl", "/?wsdl=rpc", "/?wsdl=encoded"] {
        describes_every_operation(&http(emulator.addr(), "GET", path, &[], b"").body);
    }
    let unknown = http(emulator.addr(), "GET", "/?wsdl=soap12", &[], b"");
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("?wsdl=rpc"), "{}", unknown.body);
}

fn describes_every_operation(wsdl: &str) {
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
    let mut reader = quick_xml::Reader::from_str(wsdl);
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

/// `wsdl/` holds each flavour as served (before the address is filled in), for reading and
/// diffing in review; they are generated from `src/ops/schema.rs`, never edited by hand.
/// `CNODE_UPDATE_WSDL=1 cargo test wsdl` rewrites them.
#[test]
fn the_wsdl_files_in_the_repository_are_what_is_served() {
    use cnode_emulator::cnode::wsdl::{template, Flavour};
    for flavour in Flavour::ALL {
        let file = match flavour {
            Flavour::Document => "cnode.wsdl",
            Flavour::Rpc => "cnode-rpc.wsdl",
            Flavour::Encoded => "cnode-encoded.wsdl",
        };
        let path = format!("{}/wsdl/{file}", env!("CARGO_MANIFEST_DIR"));
        let generated = template(flavour);
        if std::env::var_os("CNODE_UPDATE_WSDL").is_some() {
            std::fs::write(&path, generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{path} is not what is served: run CNODE_UPDATE_WSDL=1 cargo test wsdl"
        );
    }
}

/// The encoded flavour imports the SOAP encoding schema from the emulator itself, so a stub
/// generator that fetches imports needs no network.
#[test]
fn the_encoded_flavour_imports_the_soap_encoding_schema_from_here() {
    let emulator = start();
    let wsdl = http(emulator.addr(), "GET", "/?wsdl=encoded", &[], b"").body;
    let location = format!("http://{}/?xsd=soap-encoding", emulator.addr());
    assert!(
        wsdl.contains(&format!(r#"schemaLocation="{location}""#)),
        "{wsdl}"
    );
    let schema = http(emulator.addr(), "GET", "/?xsd=soap-encoding", &[], b"");
    assert_eq!(schema.status, 200);
    assert!(schema
        .body
        .contains(r#"targetNamespace="http://schemas.xmlsoap.org/soap/encoding/""#));
    assert!(schema.body.contains(r#"<xsd:complexType name="Array">"#));
}
