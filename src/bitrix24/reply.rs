//! Bitrix24's answers: `{"result": ..., "time": {...}}`, or `{"error", "error_description"}`
//! with its HTTP status; JSON, or XML when the method was called with `.xml`.

use actix_web::http::StatusCode;
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};

/// A refusal in Bitrix24's words.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
}

impl Error {
    pub fn new(status: u16, code: &'static str, description: impl Into<String>) -> Error {
        Error {
            status: StatusCode::from_u16(status).expect("a valid status"),
            code,
            description: description.into(),
        }
    }

    pub fn no_auth() -> Error {
        Error::new(401, "NO_AUTH_FOUND", "Wrong authorization data")
    }

    /// Too many requests: the leaky bucket is full, or (strict mode) a `get` too soon.
    pub fn query_limit() -> Error {
        Error::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests")
    }

    pub fn method_not_found() -> Error {
        Error::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
    }

    pub fn to_json(&self) -> Value {
        json!({"error": self.code, "error_description": self.description})
    }
}

/// When a call was served: the `time` block every answer carries. Start and dates come
/// from the virtual clock; duration and processing are measured.
pub struct Timing {
    pub start: DateTime<Utc>,
    pub real: crate::engine::clock::Stopwatch,
}

impl Timing {
    pub fn to_json(&self, zone: &FixedOffset, cloud: bool) -> Value {
        let elapsed = self.real.elapsed();
        let start = self.start.timestamp_micros() as f64 / 1e6;
        let duration = elapsed.as_secs_f64();
        let finish_at = self.start + chrono::Duration::from_std(elapsed).unwrap_or_default();
        let mut time = json!({
            "start": start,
            "finish": start + duration,
            "duration": duration,
            "processing": duration,
            "date_start": self.start.with_timezone(zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            "date_finish": finish_at.with_timezone(zone).to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        });
        if cloud {
            // The cloud's per-method budget: seconds used in the ten-minute window.
            time["operating_reset_at"] = json!(self.start.timestamp() + 600);
            time["operating"] = json!(duration);
        }
        time
    }
}

/// `<response><result>...</result><time>...</time></response>`, or `<response><error>...`.
pub fn to_xml(document: &Value) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    crate::http::write_xml(&mut xml, "response", document);
    xml
}
