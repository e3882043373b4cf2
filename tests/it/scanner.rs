//! The scanner (the fast path for plain envelopes, `src/cnode/soap/scan.rs`) reads every
//! golden request as the full parser does, and most of them are plain.

use cnode_emulator::cnode::soap::{parse_call_in_full, scan_call, ParseLimits};

/// Every CNode request of the golden exchanges, with `{{...}}` placeholders filled in with a
/// task id (read as bytes: some fixtures are not UTF-8).
fn golden_requests() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cnode/exchanges");
    let mut requests = Vec::new();
    for exchange in std::fs::read_dir(root).unwrap() {
        for file in std::fs::read_dir(exchange.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let name = path.display().to_string();
            if name.ends_with(".request.xml") {
                requests.push((name, fill_placeholders(&std::fs::read(&path).unwrap())));
            }
        }
    }
    requests.sort();
    requests
}

fn fill_placeholders(bytes: &[u8]) -> Vec<u8> {
    let mut filled = Vec::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(2).position(|pair| pair == b"{{") {
        filled.extend_from_slice(&rest[..at]);
        let end = rest[at..]
            .windows(2)
            .position(|pair| pair == b"}}")
            .map_or(rest.len(), |end| at + end + 2);
        filled.extend_from_slice(b"7W3A0N1N9I2E7N1TKLS54A9PTR");
        rest = &rest[end..];
    }
    filled.extend_from_slice(rest);
    filled
}

#[test]
fn every_golden_request_reads_the_same_through_the_scanner_and_the_full_parser() {
    let limits = ParseLimits::default();
    let requests = golden_requests();
    let mut plain = 0;
    for (name, body) in &requests {
        let full = parse_call_in_full(body, None, &limits);
        if let Some(call) = scan_call(body, None, &limits) {
            assert_eq!(
                Ok(call),
                full,
                "{name}: the scanner and the full parser disagree"
            );
            plain += 1;
        }
    }
    // Both the documentation's style (encodingStyle on the Body) and soapUI's (xsi:type on
    // every argument) are plain; other encodings, arrays and multi-references are not.
    assert!(
        plain >= requests.len() * 3 / 4,
        "only {plain} of {} golden requests were plain",
        requests.len()
    );
}
