//! Mobizon's HTTP edge: `/service/{module}/{method}`, the query's `apiKey`, `output` and
//! `api`, parameters from the query and the body (form, multipart or JSON), and every answer
//! in the `{code, data, message}` envelope with HTTP 200, as JSON or XML (dialects.md 1.6).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::ops::{self, Answer, Code};
use super::Mobizon;
use crate::faults::Injected;
use crate::http::params::{Param, Params};
use crate::http::{dropped_connection, injected, journal, read_body, BodyError};
use crate::state::AppState;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/{module}/{method}", web::to(serve))
        .default_service(web::to(unknown_path));
}

/// The answer's format, from `output`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Xml,
}

async fn serve(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let started = crate::engine::clock::Stopwatch::start();
    let (module, method) = path.into_inner();
    let body = read_body(payload, &state).await;
    let (operation, output, answer) = match &body {
        Ok(body) => answer(&req, &module, &method, body, &state).await,
        Err(refused) => (String::new(), Output::Json, refused_body(refused, &state)),
    };
    let Some(answer) = answer else {
        let nothing = web::Bytes::new();
        let request = body.unwrap_or_default();
        journal(&state, started, &operation, 0, &request, &nothing);
        let dropped = crate::metrics::Outcome::Dropped;
        state
            .metrics
            .call(super::DOOR.name, &operation, dropped, started);
        return dropped_connection("application/json");
    };
    let (content_type, text) = write(&answer, output, state.mobizon.world.lang);
    let text = web::Bytes::from(text);
    journal(
        &state,
        started,
        &operation,
        200,
        &body.unwrap_or_default(),
        &text,
    );
    let outcome = crate::metrics::Outcome::Http(200);
    state
        .metrics
        .call(super::DOOR.name, &operation, outcome, started);
    HttpResponse::Ok().content_type(content_type).body(text)
}

/// The operation's name (for the journal and fault plans), the format asked for, and the
/// answer; `None` when an injected fault drops the connection.
async fn answer(
    req: &HttpRequest,
    module: &str,
    method: &str,
    body: &[u8],
    state: &AppState,
) -> (String, Output, Option<Answer>) {
    let request = Request {
        module,
        method,
        query: req.query_string(),
        content_type: req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        body,
    };
    let (operation, params, output) = match read(&request) {
        Ok(read) => read,
        Err((output, refusal)) => return (String::new(), output, Some(refusal)),
    };
    let name = operation.name().to_owned();
    let answer = match injected(state, super::DOOR.name, &name).await {
        Injected::Drop => None,
        Injected::Fault => Some(Answer::error(Code::ServiceError, "a fault injected".into())),
        Injected::Error(_) => Some(Answer::error(
            Code::ApplicationError,
            "an error injected".into(),
        )),
        Injected::Nothing => Some(respond(&state.mobizon, operation, &params)),
    };
    (name, output, answer)
}

/// A request as it arrived, before anything is read from it.
pub struct Request<'a> {
    pub module: &'a str,
    pub method: &'a str,
    pub query: &'a str,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// Reads a request: the operation it names, its parameters and the format asked for; or
/// the answer that refuses it (unreadable parameters, a wrong format, module or method).
pub fn read(request: &Request) -> Result<(ops::Operation, Params, Output), (Output, Answer)> {
    let params =
        Params::read(request.query, request.content_type, request.body).map_err(|error| {
            (
                Output::Json,
                Answer::error(Code::ParameterViolation, error.to_string()),
            )
        })?;
    let output = match params.text("output") {
        None | Some("json") => Output::Json,
        Some("xml") => Output::Xml,
        Some(other) => {
            return Err((
                Output::Json,
                Answer::error(Code::WrongFormat, format!("output={other}")),
            ))
        }
    };
    let (module, method) = (request.module, request.method);
    let operation = ops::Operation::find(module, method).ok_or_else(|| {
        let code = if ops::Operation::is_module(module) {
            Code::WrongMethod
        } else {
            Code::WrongModule
        };
        (output, Answer::error(code, format!("{module}/{method}")))
    })?;
    Ok((operation, params, output))
}

/// Checks what every call carries (`api`, `apiKey`), then serves the operation.
pub fn respond(door: &Mobizon, operation: ops::Operation, params: &Params) -> Answer {
    match params.text("api") {
        None | Some("v1") => {}
        Some(other) => return Answer::error(Code::ParameterViolation, format!("api={other}")),
    }
    let key = match door.check_key(params.get("apiKey")) {
        Ok(key) => key,
        Err(answer) => return answer,
    };
    if let Some(server) = &door.world.right_server {
        return Answer::with(Code::WrongServer, server.as_str().into());
    }
    let module = operation.module();
    let forbidden = door
        .world
        .forbidden
        .get(&key)
        .is_some_and(|modules| modules.iter().any(|m| m.eq_ignore_ascii_case(module)));
    if forbidden {
        return Answer::error(Code::NoAccess, operation.name().into());
    }
    operation.serve(door, &key, params)
}

/// The answer as sent: its Content-Type and text.
pub fn write(answer: &Answer, output: Output, lang: super::Lang) -> (&'static str, String) {
    match output {
        Output::Json => ("application/json; charset=utf-8", answer.to_json(lang)),
        Output::Xml => ("application/xml; charset=utf-8", answer.to_xml(lang)),
    }
}

fn refused_body(refused: &BodyError, state: &AppState) -> Option<Answer> {
    Some(Answer::error(Code::ParameterViolation, refused.why(state)))
}

/// `/service/` alone, or a path that is not `/service/{module}/{method}`: wrong module.
async fn unknown_path(req: HttpRequest) -> HttpResponse {
    let answer = Answer::error(Code::WrongModule, req.path().to_owned());
    HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .body(answer.to_json(Default::default()))
}

impl Mobizon {
    /// The caller's key when it may call: missing, empty, malformed or unlisted keys get
    /// code 8, blocked ones code 14.
    fn check_key(&self, key: Option<&Param>) -> Result<String, Answer> {
        let key = match key {
            Some(Param::Text(key)) if !key.is_empty() => key.clone(),
            _ => return Err(Answer::error(Code::LoginError, String::new())),
        };
        let shaped =
            (20..=80).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric());
        let listed = if self.world.keys.is_empty() {
            shaped
        } else {
            self.world.keys.contains(&key)
        };
        if !listed {
            return Err(Answer::error(Code::LoginError, String::new()));
        }
        if self.world.blocked.contains(&key) {
            return Err(Answer::error(Code::AccountBlocked, String::new()));
        }
        Ok(key)
    }
}
