//! An IntellectMoney request body, read once into named fields (dialects.md §3.5 "Bodies").
//!
//! The body is sniffed by content, not by `Content-Type`: the seed's own C# and PHP examples
//! declare `application/json` and send a form, the official SDK sends JSON, the old wiki
//! speaks of XML. Each field keeps what the `Sign` header needs — the value as it was sent
//! (a JSON number's digits, an object's key order) — beside what the methods read.

use std::cell::Cell;
use std::fmt;

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::http::params::{decode_component, ParamsError, MAX_JSON_NODES};

/// Fields a body may carry: the widest method (set) has 16, so 200 is generous and still
/// keeps a hostile body from becoming a long list.
pub const MAX_FIELDS: usize = 200;
/// Bytes of a field name: the longest real one (`RetryOnFailCount`) has 16.
pub const MAX_NAME: usize = 100;
/// Bytes of a field value (decoded text, or compact JSON text).
pub const MAX_VALUE: usize = 64 * 1024;
/// Element nesting in an XML body: the root, then the fields; a field has no children.
const MAX_XML_DEPTH: usize = 2;

/// The body's fields in the order they came, looked up case-insensitively.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    items: Vec<(String, Field)>,
}

/// One field's value: the JSON value when the body was JSON, else the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Field(Repr);

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    /// A form or XML value, decoded (`%XX`, `+`, entities), otherwise as received.
    Text(String),
    /// A JSON value, and its compact text as received (number digits and key order kept).
    Json { value: Value, compact: String },
}

/// Why a body could not be read as fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// The body (a form or XML) is not UTF-8 text.
    NotUtf8,
    /// Not well-formed JSON, XML or form, or a field over a size limit; the text says what.
    Malformed(String),
    /// More than [`MAX_FIELDS`] fields.
    TooMany,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::NotUtf8 => f.write_str("the body is not UTF-8 text"),
            BodyError::Malformed(why) => write!(f, "the body is malformed: {why}"),
            BodyError::TooMany => write!(f, "the body has more than {MAX_FIELDS} fields"),
        }
    }
}

impl std::error::Error for BodyError {}

impl Field {
    /// A field sent as text (a form or XML value).
    pub fn text_value(text: impl Into<String>) -> Field {
        Field(Repr::Text(text.into()))
    }

    /// The value as text; `None` for a JSON `null` (sent, but with no value).
    pub fn text(&self) -> Option<String> {
        match &self.0 {
            Repr::Text(text) => Some(text.clone()),
            Repr::Json { value, compact } => match value {
                Value::Null => None,
                Value::String(text) => Some(text.clone()),
                Value::Bool(b) => Some(b.to_string()),
                Value::Number(_) | Value::Array(_) | Value::Object(_) => Some(compact.clone()),
            },
        }
    }

    /// The value as it enters the `Sign` string (dialects.md §3.5 "Sign value of each
    /// field"): what a client hashes is the text it sent, so numbers keep their digits and
    /// objects their key order; booleans are `1`/`0` as .NET and PHP clients print them.
    pub fn sign_text(&self) -> String {
        match &self.0 {
            Repr::Json {
                value: Value::Bool(b),
                ..
            } => if *b { "1" } else { "0" }.to_owned(),
            _ => self.text().unwrap_or_default(),
        }
    }

    /// The JSON value, when the body was JSON (a form or XML value is text only).
    pub fn json(&self) -> Option<&Value> {
        match &self.0 {
            Repr::Json { value, .. } => Some(value),
            Repr::Text(_) => None,
        }
    }
}

impl Fields {
    /// Sniffed by content, whatever Content-Type says: first non-space byte `{` → JSON
    /// object, `<` → XML (root element any name, its child elements are the fields, their
    /// text the values), else application/x-www-form-urlencoded (UTF-8, `+` = space, %XX).
    /// Empty body → no fields. At most [`MAX_FIELDS`] fields; names at most [`MAX_NAME`]
    /// bytes; values at most [`MAX_VALUE`] bytes.
    pub fn parse(body: &[u8]) -> Result<Fields, BodyError> {
        // .NET writers often start a UTF-8 body with a byte order mark.
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            None => Ok(Fields::default()),
            Some(b'{') => parse_json(utf8(body)?),
            Some(b'[') => Err(malformed("a JSON body must be an object, not an array")),
            Some(b'<') => parse_xml(utf8(body)?),
            Some(_) => parse_form(utf8(body)?),
        }
    }

    /// A field by name, case-insensitively; the first one when repeated.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.items
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, field)| field)
    }

    /// The value as text: a JSON string's content, a number's decimal text as sent,
    /// `true`/`false`, an object or array as compact JSON; `None` when absent or `null`.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)?.text()
    }

    /// The value as it enters the `Sign` string; absent is empty ([`Field::sign_text`]).
    pub fn sign_text(&self, name: &str) -> String {
        self.get(name).map(Field::sign_text).unwrap_or_default()
    }

    /// The JSON value, when the body was JSON.
    pub fn json(&self, name: &str) -> Option<&Value> {
        self.get(name)?.json()
    }

    /// Whether a field of this name was sent (even empty or `null`).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The fields in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.items
            .iter()
            .map(|(name, field)| (name.as_str(), field))
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a field, within the limits every body format shares.
    fn push(&mut self, name: String, field: Field, value_len: usize) -> Result<(), BodyError> {
        if self.items.len() >= MAX_FIELDS {
            return Err(BodyError::TooMany);
        }
        if name.len() > MAX_NAME {
            return Err(malformed(format!(
                "a field name is longer than {MAX_NAME} bytes"
            )));
        }
        if value_len > MAX_VALUE {
            return Err(malformed(format!(
                "the value of {name} is longer than {MAX_VALUE} bytes"
            )));
        }
        self.items.push((name, field));
        Ok(())
    }
}

/// Fields are built from (name, value) pairs in tests and by callers that read elsewhere.
impl FromIterator<(String, Field)> for Fields {
    fn from_iter<I: IntoIterator<Item = (String, Field)>>(iter: I) -> Fields {
        Fields {
            items: iter.into_iter().collect(),
        }
    }
}

fn malformed(why: impl Into<String>) -> BodyError {
    BodyError::Malformed(why.into())
}

fn utf8(body: &[u8]) -> Result<&str, BodyError> {
    std::str::from_utf8(body).map_err(|_| BodyError::NotUtf8)
}

// ---------------------------------------------------------------------------------------
// Form

/// `a=1&b=2`. Only `%XX` and `+` are decoded: a base64 `UserToken` keeps its `/` (the seed
/// sends it unescaped), but a `+` in a token sent unescaped arrives as a space — as it
/// would at the real service; a client must send `%2B`.
fn parse_form(body: &str) -> Result<Fields, BodyError> {
    let mut fields = Fields::default();
    let pairs = body.trim().split('&').filter(|pair| !pair.is_empty());
    for pair in pairs {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(name)?;
        // A pair without a name cannot be asked for; the service ignores it too.
        if name.is_empty() {
            continue;
        }
        let value = decode(value)?;
        let len = value.len();
        fields.push(name, Field::text_value(value), len)?;
    }
    Ok(fields)
}

fn decode(component: &str) -> Result<String, BodyError> {
    decode_component(component.as_bytes()).map_err(
        |(ParamsError::BadForm(why) | ParamsError::BadJson(why))| malformed(format!("form: {why}")),
    )
}

// ---------------------------------------------------------------------------------------
// JSON

/// A JSON object whose top-level values are kept as the text they were sent as.
fn parse_json(body: &str) -> Result<Fields, BodyError> {
    let too_many = Cell::new(false);
    let mut reader = serde_json::Deserializer::from_str(body);
    let pairs = reader
        .deserialize_map(TopLevel {
            too_many: &too_many,
        })
        .and_then(|pairs| reader.end().map(|()| pairs));
    let pairs = match pairs {
        Ok(pairs) => pairs,
        Err(_) if too_many.get() => return Err(BodyError::TooMany),
        Err(error) => return Err(malformed(format!("JSON: {error}"))),
    };
    let mut fields = Fields::default();
    let mut budget = MAX_JSON_NODES;
    for (name, raw) in pairs {
        let compact = compact(raw.get());
        budget = budget
            .checked_sub(values_in(&compact))
            .ok_or_else(|| malformed(format!("JSON: more than {MAX_JSON_NODES} values")))?;
        let len = compact.len();
        if len > MAX_VALUE {
            return Err(malformed(format!(
                "the value of {name} is longer than {MAX_VALUE} bytes"
            )));
        }
        let value: Value =
            serde_json::from_str(&compact).map_err(|e| malformed(format!("JSON: {e}")))?;
        fields.push(name, Field(Repr::Json { value, compact }), len)?;
    }
    Ok(fields)
}

/// Reads the top-level object's pairs, duplicates included, refusing more than
/// [`MAX_FIELDS`] before they are all held.
struct TopLevel<'c> {
    too_many: &'c Cell<bool>,
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Vec<(String, Box<RawValue>)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if pairs.len() >= MAX_FIELDS {
                self.too_many.set(true);
                return Err(de::Error::custom("too many fields"));
            }
            pairs.push((key, map.next_value::<Box<RawValue>>()?));
        }
        Ok(pairs)
    }
}

/// Valid JSON text without the whitespace between tokens; strings, numbers and key order
/// stay exactly as they were.
fn compact(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
        } else if c.is_ascii_whitespace() {
            continue;
        } else {
            in_string = c == '"';
        }
        out.push(c);
    }
    out
}

/// A bound on how many values compact JSON text holds: one, plus one per `,` and per opened
/// object or array outside strings (never fewer than there are; an empty `{}` or `[]`
/// counts one more), to keep memory in proportion to the body.
fn values_in(compact: &str) -> usize {
    let mut count = 1;
    let mut in_string = false;
    let mut escaped = false;
    for b in compact.bytes() {
        if in_string {
            in_string = escaped || b != b'"';
            escaped = !escaped && b == b'\\';
        } else {
            in_string = b == b'"';
            count += usize::from(matches!(b, b',' | b'[' | b'{'));
        }
    }
    count
}

// ---------------------------------------------------------------------------------------
// XML

/// `<Request><UserToken>...</UserToken><Skip>10</Skip></Request>`: any root name, its
/// child elements the fields (local names, attributes ignored), their text the values.
/// No DOCTYPE (no entity expansion of any kind), only the five predefined entities and
/// character references, and a field may not hold elements.
fn parse_xml(body: &str) -> Result<Fields, BodyError> {
    let mut reader = Reader::from_str(body);
    let mut fields = Fields::default();
    let mut depth = 0usize;
    let mut seen_root = false;
    // The field being read: its name and the text so far.
    let mut open: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(format!("XML at byte {}: {e}", reader.error_position())))?;
        match event {
            Event::Start(start) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(malformed("XML: a field holds elements"));
                }
                let name = element_name(start.local_name().as_ref())?;
                if depth == 1 {
                    if seen_root {
                        return Err(malformed("XML: more than one root element"));
                    }
                    seen_root = true;
                } else {
                    open = Some((name, String::new()));
                }
            }
            Event::Empty(start) => match depth {
                0 if seen_root => return Err(malformed("XML: more than one root element")),
                0 => seen_root = true,
                1 => {
                    let name = element_name(start.local_name().as_ref())?;
                    fields.push(name, Field::text_value(""), 0)?;
                }
                _ => return Err(malformed("XML: a field holds elements")),
            },
            Event::End(_) => {
                if depth == 2 {
                    if let Some((name, text)) = open.take() {
                        let len = text.len();
                        fields.push(name, Field::text_value(text), len)?;
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) => {
                let text = text
                    .xml_content()
                    .map_err(|e| malformed(format!("XML: {e}")))?;
                add_text(&mut open, &text, depth)?;
            }
            Event::CData(data) => {
                let text = data
                    .xml_content()
                    .map_err(|e| malformed(format!("XML: {e}")))?;
                add_text(&mut open, &text, depth)?;
            }
            Event::GeneralRef(reference) => {
                let text = resolve_reference(&reference)?;
                add_text(&mut open, &text, depth)?;
            }
            Event::DocType(_) => return Err(malformed("XML: a DOCTYPE is not allowed")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof if depth > 0 => {
                return Err(malformed("XML: the body ends inside an element"))
            }
            Event::Eof => return Ok(fields),
        }
    }
}

fn element_name(raw: &[u8]) -> Result<String, BodyError> {
    std::str::from_utf8(raw)
        .map(str::to_owned)
        .map_err(|_| BodyError::NotUtf8)
}

/// Text goes to the open field; outside one, only whitespace may stand.
fn add_text(
    open: &mut Option<(String, String)>,
    text: &str,
    depth: usize,
) -> Result<(), BodyError> {
    if let (2, Some((name, value))) = (depth, open.as_mut()) {
        if value.len() + text.len() > MAX_VALUE {
            return Err(malformed(format!(
                "the value of {name} is longer than {MAX_VALUE} bytes"
            )));
        }
        value.push_str(text);
        return Ok(());
    }
    if text.trim().is_empty() {
        return Ok(());
    }
    Err(malformed("XML: text outside a field"))
}

/// `&lt;` and the other four predefined entities, and character references; nothing else.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, BodyError> {
    let bad = || {
        malformed(format!(
            "XML: unknown reference &{};",
            String::from_utf8_lossy(reference)
        ))
    };
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            _ => Err(bad()),
        };
    }
    let name: &[u8] = reference;
    let c = match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"apos" => '\'',
        b"quot" => '"',
        _ => return Err(bad()),
    };
    Ok(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TOKEN: &str = "YdUlqkFcVo62XmY6B9VLJXCoAeA/0fJPxD4/kUUGmwHf5kgBa12MrKUyJd8uO0za";

    fn parse(body: &str) -> Fields {
        Fields::parse(body.as_bytes()).unwrap()
    }

    fn refused(body: &[u8]) -> BodyError {
        Fields::parse(body).unwrap_err()
    }

    #[test]
    fn the_seed_form_body_keeps_its_slashes() {
        let fields = parse(&format!(
            "UserToken={TOKEN}&Skip=10&Take=5&Operation=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        ));
        assert_eq!(fields.len(), 4);
        assert_eq!(fields.text("UserToken").as_deref(), Some(TOKEN));
        assert_eq!(fields.sign_text("Skip"), "10");
        assert_eq!(fields.text("take").as_deref(), Some("5"));
        assert_eq!(
            fields.text("OPERATION").as_deref(),
            Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
        );
        assert_eq!(fields.json("Skip"), None);
        assert_eq!(fields.sign_text("DateFrom"), "");
        assert_eq!(fields.text("DateFrom"), None);
    }

    #[test]
    fn forms_decode_plus_and_escapes() {
        let fields = parse("a=x+y%2Bz&b=%D0%BF%D1%80&c&=lost&&d=");
        assert_eq!(fields.text("a").as_deref(), Some("x y+z"));
        assert_eq!(fields.text("b").as_deref(), Some("пр"));
        assert_eq!(fields.text("c").as_deref(), Some(""));
        assert_eq!(fields.text("d").as_deref(), Some(""));
        assert_eq!(fields.len(), 4);
        let params = parse("ParamsJson=%7B%22Amount%22%3A10%7D");
        assert_eq!(params.sign_text("ParamsJson"), r#"{"Amount":10}"#);
    }

    #[test]
    fn repeated_names_answer_the_first() {
        let fields = parse("Take=1&take=2");
        assert_eq!(fields.text("TAKE").as_deref(), Some("1"));
        let json = parse(r#"{"Take": 1, "TAKE": 2}"#);
        assert_eq!(json.text("take").as_deref(), Some("1"));
        assert_eq!(json.len(), 2);
    }

    #[test]
    fn json_with_params_as_an_object_keeps_what_was_sent() {
        let fields = parse(
            r#" {"UserToken": "t", "Take": 5, "Amount": 10.50, "Big": 123456789012345678901234567890,
                 "ParamsJson": { "b": 1, "a": [1, 2.0, "x y"] }, "IsSingle": false,
                 "FireOnSkip": true, "Operation": null, "Text": "a\"b\\"} "#,
        );
        assert_eq!(fields.sign_text("take"), "5");
        assert_eq!(fields.text("Take").as_deref(), Some("5"));
        assert_eq!(fields.sign_text("Amount"), "10.50");
        assert_eq!(fields.sign_text("Big"), "123456789012345678901234567890");
        assert_eq!(
            fields.sign_text("ParamsJson"),
            r#"{"b":1,"a":[1,2.0,"x y"]}"#
        );
        assert_eq!(
            fields.json("ParamsJson"),
            Some(&json!({"a": [1, 2.0, "x y"], "b": 1}))
        );
        assert_eq!(fields.sign_text("IsSingle"), "0");
        assert_eq!(fields.text("IsSingle").as_deref(), Some("false"));
        assert_eq!(fields.sign_text("FireOnSkip"), "1");
        assert_eq!(fields.sign_text("Operation"), "");
        assert_eq!(fields.text("Operation"), None);
        assert!(fields.contains("operation"));
        assert_eq!(fields.json("Operation"), Some(&Value::Null));
        assert_eq!(fields.sign_text("Text"), "a\"b\\");
    }

    #[test]
    fn json_with_params_as_a_string() {
        let fields = parse(r#"{"ParamsJson": "{ \"Amount\": 10 }"}"#);
        assert_eq!(fields.sign_text("paramsjson"), r#"{ "Amount": 10 }"#);
        assert_eq!(
            fields.json("ParamsJson"),
            Some(&json!(r#"{ "Amount": 10 }"#))
        );
    }

    #[test]
    fn xml_children_are_the_fields() {
        let fields = parse(
            "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- a request -->\n\
             <Request xmlns=\"urn:x\">\n  <UserToken>a/b+c</UserToken>\n  <Skip a=\"1\">10</Skip>\n\
             <Take/>\n  <ParamsJson>{\"Amount\":10}</ParamsJson>\n\
             <p:Op xmlns:p=\"urn:p\">x &amp; &#x44;<![CDATA[<y>]]></p:Op>\n</Request>\n",
        );
        assert_eq!(fields.text("usertoken").as_deref(), Some("a/b+c"));
        assert_eq!(fields.text("Skip").as_deref(), Some("10"));
        assert_eq!(fields.text("Take").as_deref(), Some(""));
        assert_eq!(fields.sign_text("ParamsJson"), r#"{"Amount":10}"#);
        assert_eq!(fields.text("Op").as_deref(), Some("x & D<y>"));
        assert_eq!(fields.len(), 5);
        assert_eq!(parse("<Request/>").len(), 0);
    }

    #[test]
    fn empty_bodies_have_no_fields() {
        assert!(parse("").is_empty());
        assert!(parse(" \r\n").is_empty());
    }

    #[test]
    fn malformed_bodies_are_refused_not_panicked_on() {
        let malformed = |body: &[u8]| matches!(refused(body), BodyError::Malformed(_));
        for body in [
            &b"{"[..],
            b"{\"a\":1,}",
            b"{\"a\":1} x",
            b"[1, 2]",
            b"{\"a\": 01}",
            b"<a><b>1</b>",
            b"<a><b><c>1</c></b></a>",
            b"<a>text</a>",
            b"<a/><b/>",
            b"<a><b>&foo;</b></a>",
            b"<a><b>&#0;</b></a>",
            b"<a></b>",
            b"<!DOCTYPE a [<!ENTITY x \"y\">]><a><b>&x;</b></a>",
            b"a=%zz",
            b"a=%",
            b"a=%ff",
        ] {
            assert!(malformed(body), "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(refused(b"a=\xff"), BodyError::NotUtf8);
        assert_eq!(refused(b"<a>\xff</a>"), BodyError::NotUtf8);
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(malformed(deep.as_bytes()));
    }

    #[test]
    fn limits_are_kept() {
        let many = |n: usize| {
            (0..n)
                .map(|i| format!("f{i}=1"))
                .collect::<Vec<_>>()
                .join("&")
        };
        assert_eq!(parse(&many(MAX_FIELDS)).len(), MAX_FIELDS);
        assert_eq!(refused(many(MAX_FIELDS + 1).as_bytes()), BodyError::TooMany);
        let json = |n: usize| {
            let pairs: Vec<_> = (0..n).map(|i| format!("\"f{i}\":1")).collect();
            format!("{{{}}}", pairs.join(","))
        };
        assert_eq!(parse(&json(MAX_FIELDS)).len(), MAX_FIELDS);
        assert_eq!(refused(json(MAX_FIELDS + 1).as_bytes()), BodyError::TooMany);
        let xml = format!("<r>{}</r>", "<f>1</f>".repeat(MAX_FIELDS + 1));
        assert_eq!(refused(xml.as_bytes()), BodyError::TooMany);

        let long_name = "n".repeat(MAX_NAME + 1);
        assert!(parse(&format!("{}=1", &long_name[1..])).contains(&long_name[1..]));
        for body in [
            format!("{long_name}=1"),
            format!("{{\"{long_name}\":1}}"),
            format!("<r><{long_name}>1</{long_name}></r>"),
        ] {
            assert!(matches!(refused(body.as_bytes()), BodyError::Malformed(_)));
        }
        let value = "v".repeat(MAX_VALUE);
        assert_eq!(parse(&format!("a={value}")).sign_text("a").len(), MAX_VALUE);
        for body in [
            format!("a={value}v"),
            format!("{{\"a\":\"{value}\"}}"),
            format!("<r><a>{value}v</a></r>"),
            format!("<r><a>{value}<![CDATA[v]]></a></r>"),
        ] {
            assert!(matches!(refused(body.as_bytes()), BodyError::Malformed(_)));
        }
        let values = format!("{{\"a\":[{}0]}}", "0,".repeat(MAX_JSON_NODES));
        assert!(matches!(
            refused(values.as_bytes()),
            BodyError::Malformed(_)
        ));
    }

    #[test]
    fn compacting_leaves_strings_alone() {
        assert_eq!(
            compact(r#" { "a b" : [ 1 , "\" x" ] } "#),
            r#"{"a b":[1,"\" x"]}"#
        );
        assert_eq!(compact(r#"["\\", " "]"#), r#"["\\"," "]"#);
        assert_eq!(values_in(r#"{"a,{":[1,2],"b":{}}"#), 6);
    }
}
