//! The request's character encoding, decoded to UTF-8 before parsing. SOAP stacks send what
//! their users configure (PHP SoapClient's `encoding` option: ISO-8859-2, windows-1250;
//! .NET and Java: UTF-16 with a byte order mark), so every encoding XML allows and the
//! Encoding Standard knows is read, by `encoding_rs`. UTF-8 costs nothing extra.
//!
//! Which encoding: a byte order mark, else the XML declaration's `encoding`, else the
//! HTTP `charset`, else UTF-8. The declaration goes before the header because stacks that
//! change the document's encoding often leave their transport's `charset=utf-8` as it was.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::message::Fault;

/// The body as text: borrowed when it is UTF-8 already.
pub fn decode<'b>(body: &'b [u8], http_charset: Option<&str>) -> Result<Cow<'b, str>, Fault> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(body) {
        return decode_as(encoding, &body[bom_length..]);
    }
    // UTF-16 without a byte order mark still starts with `<` and `?` (or `<` and `s`...).
    match body {
        [b'<', 0, c, 0, ..] if *c != 0 => return decode_as(UTF_16LE, body),
        [0, b'<', 0, c, ..] if *c != 0 => return decode_as(UTF_16BE, body),
        _ => {}
    }
    let label = declared_encoding(body).or(http_charset.map(str::as_bytes));
    let encoding = match label {
        None => UTF_8,
        Some(label) if label.eq_ignore_ascii_case(b"utf-8") => UTF_8,
        Some(label) => Encoding::for_label(label).ok_or_else(|| {
            Fault::client(format!(
                "encoding \"{}\" is not supported: send UTF-8, UTF-16, ISO-8859-x or windows-125x",
                String::from_utf8_lossy(label).to_ascii_lowercase()
            ))
        })?,
    };
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return Err(Fault::client(
            "the document says it is UTF-16, but it has no byte order mark and reads as an 8-bit encoding",
        ));
    }
    decode_as(encoding, body)
}

fn decode_as<'b>(encoding: &'static Encoding, bytes: &'b [u8]) -> Result<Cow<'b, str>, Fault> {
    if encoding == UTF_8 {
        return std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            Fault::client(format!(
                "the request is not UTF-8: invalid byte at offset {}",
                e.valid_up_to()
            ))
        });
    }
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            Fault::client(format!(
                "the request is not valid {}: it has bytes that encoding cannot hold",
                encoding.name()
            ))
        })
}

/// The `encoding` of a leading `<?xml ... ?>` declaration, as written.
fn declared_encoding(body: &[u8]) -> Option<&[u8]> {
    let declaration = body.strip_prefix(b"<?xml")?;
    let head = &declaration[..declaration.len().min(512)];
    static END: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"?>"));
    static ENCODING: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"encoding"));
    let declaration = &head[..END.find(head)?];
    let at = ENCODING.find(declaration)?;
    let rest = declaration[at + 8..]
        .trim_ascii_start()
        .strip_prefix(b"=")?;
    let rest = rest.trim_ascii_start();
    let quote = *rest.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &rest[1..];
    let close = value.iter().position(|&b| b == quote)?;
    Some(&value[..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed() {
        let body = br#"<?xml version="1.0" encoding="UTF-8"?><a/>"#;
        assert!(matches!(decode(body, None).unwrap(), Cow::Borrowed(_)));
        assert!(matches!(
            decode(b"<a/>", Some("utf-8")).unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn the_declaration_then_the_header_name_the_encoding() {
        let mut body = br#"<?xml version='1.0' encoding = 'ISO-8859-2'?><a>"#.to_vec();
        body.extend([0xBF, 0xF3, 0xB3, 0xE6]); // żółć
        body.extend(b"</a>");
        assert!(decode(&body, Some("utf-8")).unwrap().contains("żółć"));
        let mut bare = b"<a>".to_vec();
        bare.extend([0x9F, 0xB9]); // windows-1250: źą
        assert!(decode(&bare, Some("windows-1250")).unwrap().contains("źą"));
    }

    #[test]
    fn utf16_with_and_without_a_byte_order_mark() {
        let text = "<a>zażółć</a>";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let with_bom = [&[0xFF, 0xFE][..], &le].concat();
        assert_eq!(decode(&with_bom, None).unwrap(), text);
        assert_eq!(decode(&be, None).unwrap(), text);
        assert_eq!(decode(&le, None).unwrap(), text);
    }

    #[test]
    fn unknown_or_impossible_encodings_are_refused() {
        let ebcdic = br#"<?xml version="1.0" encoding="IBM037"?><a/>"#;
        assert!(decode(ebcdic, None).unwrap_err().message.contains("ibm037"));
        let fake16 = br#"<?xml version="1.0" encoding="UTF-16"?><a/>"#;
        assert!(decode(fake16, None)
            .unwrap_err()
            .message
            .contains("byte order mark"));
        assert!(decode(&[b'<', 0xFF, b'>'], None)
            .unwrap_err()
            .message
            .contains("UTF-8"));
    }
}
