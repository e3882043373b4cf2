//! What every front door's HTTP edge needs alike: the body limit and timeout, parameters
//! read as PHP services read them, the journal record, a dropped connection. (Which door
//! serves which path is wiring: `startup::routes`.)

use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

pub mod params;
pub mod request_id;

use crate::journal::Exchange;
use crate::state::AppState;

/// Why a body could not be read; each door answers it in its own format.
#[derive(Debug)]
pub enum BodyError {
    TooLarge,
    Timeout,
    Broken(String),
}

impl BodyError {
    /// Why, in words each door puts into its own error format.
    pub fn why(&self, state: &AppState) -> String {
        match self {
            BodyError::TooLarge => format!(
                "the request body is over the limit of {} bytes",
                state.max_body
            ),
            BodyError::Timeout => format!(
                "the request body did not arrive within {:?}",
                state.request_timeout
            ),
            BodyError::Broken(error) => format!("the request body could not be read: {error}"),
        }
    }
}

/// The whole body, within the size limit and the request timeout.
pub async fn read_body(payload: web::Payload, state: &AppState) -> Result<web::Bytes, BodyError> {
    use std::future::Future;
    use std::task::Poll;
    let mut arrival = std::pin::pin!(collect(payload, state.max_body));
    // actix calls a handler before it hands over the body that came with the headers: a first
    // look finds nothing yet, a second one just after (asked for at once) finds most bodies
    // whole. A timer, which costs more than the rest of the reading, is armed only for a body
    // still missing then.
    let mut looks = 0;
    let early = std::future::poll_fn(|cx| {
        looks += 1;
        match arrival.as_mut().poll(cx) {
            Poll::Ready(arrived) => Poll::Ready(Some(arrived)),
            Poll::Pending if looks == 1 => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Poll::Pending => Poll::Ready(None),
        }
    })
    .await;
    let arrived = match early {
        Some(arrived) => arrived,
        None => actix_web::rt::time::timeout(state.request_timeout, arrival)
            .await
            .map_err(|_| BodyError::Timeout)?,
    };
    match arrived {
        Err(TooLarge) => Err(BodyError::TooLarge),
        Ok(Err(error)) => Err(BodyError::Broken(error.to_string())),
        Ok(Ok(body)) => Ok(body),
    }
}

/// A body over the size limit.
struct TooLarge;

/// The body's chunks joined, as actix's `to_bytes_limited` does, except that a body that
/// comes in one chunk (most do) is kept as it came rather than copied into a new buffer.
async fn collect(
    payload: web::Payload,
    limit: usize,
) -> Result<Result<web::Bytes, PayloadError>, TooLarge> {
    use actix_web::body::{BodyStream, MessageBody};
    let mut chunks = std::pin::pin!(BodyStream::new(payload));
    let mut body = web::Bytes::new();
    // Only for a body of several chunks; at most one of `body` and `joined` holds anything.
    let mut joined = web::BytesMut::new();
    while let Some(chunk) = std::future::poll_fn(|cx| chunks.as_mut().poll_next(cx)).await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => return Ok(Err(error)),
        };
        if body.len() + joined.len() + chunk.len() > limit {
            return Err(TooLarge);
        }
        if body.is_empty() && joined.is_empty() {
            body = chunk;
        } else {
            joined.extend_from_slice(&std::mem::take(&mut body));
            joined.extend_from_slice(&chunk);
        }
    }
    Ok(Ok(if joined.is_empty() {
        body
    } else {
        joined.freeze()
    }))
}

/// A parameter of a Content-Type (`charset`, `boundary`), its name matched in any case, its
/// value unquoted. Cut at bytes: `str`'s searches for a `char` cost more than all the rest on
/// a header this short, read on every call.
pub fn content_type_parameter<'a>(content_type: &'a str, name: &str) -> Option<&'a str> {
    pieces(content_type, b';').skip(1).find_map(|parameter| {
        let (key, value) = cut(parameter, b'=')?;
        key.trim_ascii()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim_ascii().trim_matches('"'))
    })
}

/// `text` cut at the first `separator` (an ASCII byte, so both sides are whole text).
pub fn cut(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator)?;
    Some((&text[..at], &text[at + 1..]))
}

/// `text`'s pieces between `separator`s (an ASCII byte), as `str::split` gives them.
fn pieces(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        let (piece, after) = cut(text, separator).map_or((text, None), |(p, a)| (p, Some(a)));
        rest = after;
        Some(piece)
    })
}

pub fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The fate the fault plans give one call of `operation` at the front door named `door`,
/// after its delay: a timer, not a sleeping thread, so the worker keeps serving meanwhile.
pub async fn injected(
    state: &AppState,
    door: &'static str,
    operation: &str,
) -> crate::faults::Injected {
    let (delay, injected) = state.faults.decide(door, operation);
    state
        .metrics
        .injected(door, operation, injected, !delay.is_zero());
    if !delay.is_zero() {
        actix_web::rt::time::sleep(delay).await;
    }
    injected
}

/// A JSON value as XML, the way PHP services write their XML answers: an element per key,
/// `item` for array items and for keys that are not XML names; text escaped.
pub fn write_xml(xml: &mut String, name: &str, value: &serde_json::Value) {
    XmlNode::from(value).write(xml, name);
}

/// JSON text as XML by `write_xml`'s rules, its elements in the order the keys were written
/// (a `serde_json::Value` would sort them): for services whose XML keeps a documented order.
pub fn write_xml_in_order(xml: &mut String, name: &str, json: &str) -> serde_json::Result<()> {
    let node: XmlNode = serde_json::from_str(json)?;
    node.write(xml, name);
    Ok(())
}

/// A JSON document on its way to XML: objects keep their keys in order.
enum XmlNode {
    Empty,
    Text(String),
    Object(Vec<(String, XmlNode)>),
    Array(Vec<XmlNode>),
}

impl XmlNode {
    fn write(&self, xml: &mut String, name: &str) {
        let tag = if name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            name
        } else {
            "item"
        };
        xml.push('<');
        xml.push_str(tag);
        xml.push('>');
        match self {
            XmlNode::Empty => {}
            XmlNode::Object(fields) => fields.iter().for_each(|(k, v)| v.write(xml, k)),
            XmlNode::Array(items) => items.iter().for_each(|v| v.write(xml, "item")),
            XmlNode::Text(text) => xml.push_str(&quick_xml::escape::escape(text.as_str())),
        }
        xml.push_str("</");
        xml.push_str(tag);
        xml.push('>');
    }
}

impl From<&serde_json::Value> for XmlNode {
    fn from(value: &serde_json::Value) -> XmlNode {
        use serde_json::Value;
        match value {
            Value::Null => XmlNode::Empty,
            Value::String(text) => XmlNode::Text(text.clone()),
            Value::Object(map) => {
                XmlNode::Object(map.iter().map(|(k, v)| (k.clone(), v.into())).collect())
            }
            Value::Array(items) => XmlNode::Array(items.iter().map(XmlNode::from).collect()),
            other => XmlNode::Text(other.to_string()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for XmlNode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<XmlNode, D::Error> {
        deserializer.deserialize_any(XmlNodeVisitor)
    }
}

struct XmlNodeVisitor;

impl<'de> serde::de::Visitor<'de> for XmlNodeVisitor {
    type Value = XmlNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E>(self) -> Result<XmlNode, E> {
        Ok(XmlNode::Empty)
    }

    fn visit_bool<E>(self, value: bool) -> Result<XmlNode, E> {
        Ok(XmlNode::Text(value.to_string()))
    }

    fn visit_i64<E>(self, value: i64) -> Result<XmlNode, E> {
        Ok(XmlNode::Text(value.to_string()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<XmlNode, E> {
        Ok(XmlNode::Text(value.to_string()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<XmlNode, E> {
        Ok(XmlNode::from(&serde_json::Value::from(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<XmlNode, E> {
        Ok(XmlNode::Text(value.to_owned()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<XmlNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(XmlNode::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<XmlNode, A::Error> {
        let mut fields = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, XmlNode>()? {
            fields.push((key, value));
        }
        Ok(XmlNode::Object(fields))
    }
}

/// Records one exchange in the journal, when it is on.
pub fn journal(
    state: &AppState,
    started: crate::engine::clock::Stopwatch,
    operation: &str,
    status: u16,
    request: &web::Bytes,
    response: &web::Bytes,
) {
    if request_id::logged() {
        request_id::note(|call| {
            call.operation = operation.to_owned();
            call.status = status;
        });
    }
    if state.journal.is_on() {
        state.journal.record(Exchange {
            seq: 0,
            at: state.engine.wall_now(),
            operation: operation.to_owned(),
            request_id: request_id::current(),
            http_status: status,
            duration_micros: started.elapsed().as_micros() as u64,
            request: request.clone(),
            response: response.clone(),
        });
    }
}

/// A response whose body fails at once: actix drops the connection without an answer.
pub fn dropped_connection(content_type: &'static str) -> HttpResponse {
    struct Broken;
    impl actix_web::body::MessageBody for Broken {
        type Error = std::io::Error;
        fn size(&self) -> actix_web::body::BodySize {
            actix_web::body::BodySize::Stream
        }
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::other(
                "connection dropped on purpose",
            ))))
        }
    }
    HttpResponse::Ok().content_type(content_type).body(Broken)
}
