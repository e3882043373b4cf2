//! ricloud's answers: a resource or list object with 200/201, or an error
//! `{"error": code, "message": text[, "params": {...}]}` with its HTTP status (dialects.md 2.5).

use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// Details per parameter (`invalid-parameter`).
    pub params: Option<Value>,
}

impl Error {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Error {
        Error {
            status,
            code,
            message: message.into(),
            params: None,
        }
    }

    pub fn unauthorized(message: &str) -> Error {
        Error::new(401, "unauthorized", message)
    }

    pub fn not_found(what: &str) -> Error {
        Error::new(404, "not-found", format!("{what} not found"))
    }

    pub fn invalid_body(message: impl Into<String>) -> Error {
        Error::new(400, "invalid-body", message)
    }

    /// A parameter that does not validate: `params` names it.
    pub fn invalid_parameter(name: &str, why: impl Into<String>) -> Error {
        let why = why.into();
        Error {
            params: Some(json!({ name: why })),
            ..Error::new(400, "invalid-parameter", format!("{name}: {why}"))
        }
    }

    pub fn limit_exceeded(message: &str) -> Error {
        Error::new(403, "limit-exceeded", message)
    }

    pub fn internal(message: &str) -> Error {
        Error::new(500, "internal-error", message)
    }

    pub fn to_json(&self) -> Value {
        let mut body = json!({"error": self.code, "message": self.message});
        if let Some(params) = &self.params {
            body["params"] = params.clone();
        }
        body
    }
}

/// A successful answer: its HTTP status and document.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply { status: 200, body }
    }

    pub fn created(body: Value) -> Reply {
        Reply { status: 201, body }
    }
}

/// The answer as sent: HTTP status and JSON text.
pub fn written(outcome: &Result<Reply, Error>) -> (u16, String) {
    match outcome {
        Ok(reply) => (reply.status, reply.body.to_string()),
        Err(error) => (error.status, error.to_json().to_string()),
    }
}
