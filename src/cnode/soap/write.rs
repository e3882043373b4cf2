//! Writes responses and faults as SOAP 1.1 envelopes (cnode-api.md §1.2, §11.1).

use super::message::{Fault, Reply, Value};

const ENVELOPE_OPEN: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/""#,
    r#" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/""#,
    r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#,
    r#" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:ns1="ns1">"#,
);
const ENVELOPE_CLOSE: &str = "</SOAP-ENV:Envelope>";

/// `<ns1:{operation}Response><return>…</return></ns1:{operation}Response>` in an envelope.
pub fn write_reply(operation: &str, reply: &Reply) -> Vec<u8> {
    // Room for a typical answer (the envelope alone is some 330 bytes), so it rarely grows.
    let mut out = String::with_capacity(1024);
    out.push_str(ENVELOPE_OPEN);
    // A literal reply carries no encodingStyle (WS-I BP R1005); an encoded one says so.
    out.push_str(if reply.encoded {
        r#"<SOAP-ENV:Body SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">"#
    } else {
        "<SOAP-ENV:Body>"
    });
    out.push_str("<ns1:");
    out.push_str(operation);
    out.push_str("Response><return");
    if let Some(xsi_type) = reply.xsi_type {
        out.push_str(r#" xsi:type="ns1:"#);
        out.push_str(xsi_type);
        out.push('"');
    }
    out.push('>');
    write_fields(&mut out, &reply.fields);
    out.push_str("</return></ns1:");
    out.push_str(operation);
    out.push_str("Response></SOAP-ENV:Body>");
    out.push_str(ENVELOPE_CLOSE);
    out.into_bytes()
}

pub fn write_fault(fault: &Fault) -> Vec<u8> {
    let mut out = String::with_capacity(512);
    out.push_str(ENVELOPE_OPEN);
    out.push_str("<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:");
    out.push_str(fault.code.as_str());
    out.push_str("</faultcode><faultstring>");
    escape_text(&mut out, &fault.message);
    out.push_str("</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body>");
    out.push_str(ENVELOPE_CLOSE);
    out.into_bytes()
}

fn write_fields(out: &mut String, fields: &[(&str, Value)]) {
    for (name, value) in fields {
        write_element(out, name, value);
    }
}

fn write_element(out: &mut String, name: &str, value: &Value) {
    out.push('<');
    out.push_str(name);
    if let Value::Array { item_type, items } = value {
        use std::fmt::Write;
        let _ = write!(
            out,
            r#" xsi:type="SOAP-ENC:Array" SOAP-ENC:arrayType="ns1:{item_type}[{}]""#,
            items.len()
        );
    }
    out.push('>');
    match value {
        Value::Text(text) => escape_text(out, text),
        Value::Number(n) => write_number(out, *n),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Struct(fields) => write_fields(out, fields),
        Value::List(items) | Value::Array { items, .. } => {
            for item in items {
                write_element(out, "item", item);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// A number in decimal, without the formatting machinery (a reply writes several).
fn write_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// Escapes text for element content. Characters XML 1.0 cannot carry at all (most control
/// characters) become U+FFFD, so the output always parses. Quotes stay as they are, so the
/// JSON in additionalInfo reads as JSON.
pub fn escape_text(out: &mut String, text: &str) {
    // Nearly every value is printable ASCII with nothing to escape: copied whole, after one
    // pass over its bytes.
    let plain = |b: u8| (b' '..0x7f).contains(&b) && !matches!(b, b'&' | b'<' | b'>');
    // Looked at 16 bytes at a time, each chunk whole (no early exit): the compiler checks a
    // chunk in a few vector instructions, where `all` over bytes costs several per byte.
    let plain_chunk = |chunk: &[u8]| chunk.iter().fold(true, |all, &b| all & plain(b));
    if text.as_bytes().chunks(16).all(plain_chunk) {
        out.push_str(text);
        return;
    }
    // Runs of ordinary characters are copied whole; only the rare special one is replaced.
    let mut plain_from = 0;
    for (at, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\r' => "&#13;",
            '\t' | '\n' => continue,
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => "\u{fffd}",
            _ => continue,
        };
        out.push_str(&text[plain_from..at]);
        out.push_str(replacement);
        plain_from = at + c.len_utf8();
    }
    out.push_str(&text[plain_from..]);
}

/// Escapes text for a double-quoted attribute value.
pub fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c => escape_text(out, c.encode_utf8(&mut [0; 4])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnode::soap::{parse_call, ParseLimits};

    #[test]
    fn a_reply_is_a_well_formed_envelope() {
        let reply = Reply::typed("vuiSoapTaskIdResponse")
            .field("requestStatus", "SUCCESS")
            .field(
                "list",
                Value::List(vec![Value::Number(1), Value::Bool(true)]),
            );
        let xml = String::from_utf8(write_reply("startLogin", &reply)).unwrap();
        assert!(xml.contains(r#"<ns1:startLoginResponse><return xsi:type="ns1:vuiSoapTaskIdResponse"><requestStatus>SUCCESS</requestStatus><list><item>1</item><item>true</item></list></return></ns1:startLoginResponse>"#), "{xml}");
        // The writer's output reads back through the request parser.
        let call = parse_call(xml.as_bytes(), &ParseLimits::default()).unwrap();
        assert_eq!(call.operation, "startLoginResponse");
    }

    #[test]
    fn text_round_trips_through_escaping() {
        let long = "plain for more than sixteen bytes, then <one> & more";
        for text in [
            "a<b>&c\"d'e",
            "line\r\nbreak\ttab",
            "zażółć 🙂",
            "]]>",
            long,
        ] {
            let reply = Reply::new().field("x", text);
            let xml = write_reply("op", &reply);
            let call = parse_call(&xml, &ParseLimits::default()).unwrap();
            let got = &call.body.child("return").unwrap().child("x").unwrap().text;
            assert_eq!(got, text);
        }
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced() {
        let mut out = String::new();
        escape_text(&mut out, "a\u{0}b\u{1b}c");
        assert_eq!(out, "a\u{fffd}b\u{fffd}c");
        let mut attribute = String::new();
        escape_attribute(&mut attribute, "say \"<hi>\"\n");
        assert_eq!(attribute, "say &quot;&lt;hi&gt;&quot;&#10;");
    }
}
