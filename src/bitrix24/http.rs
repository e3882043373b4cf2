//! Bitrix24's HTTP edge: `/rest/{user}/{code}/{method}` (an incoming webhook) and
//! `/rest/{method}` with `auth` (an OAuth token); GET or POST; query, form, multipart or JSON
//! (read by content); the `.json`/`.xml` suffix; every error as `{error, error_description}`
//! with Bitrix24's HTTP status.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::methods::{self, Method};
use super::reply::{self, Error, Timing};
use super::task::SCOPE;
use super::Bitrix24;
use crate::faults::Injected;
use crate::http::params::{Param, Params, ParamsError};
use crate::http::{dropped_connection, injected, journal, read_body, BodyError};
use crate::state::AppState;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/{user}/{code}/{method}", web::to(webhook))
        .route("/{method}", web::to(token))
        .default_service(web::to(|| async {
            answer(Err(Error::method_not_found()), false, None)
        }));
}

/// Who is calling.
pub enum Caller {
    Webhook { user: String, code: String },
    Token,
}

async fn webhook(
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (user, code, method) = path.into_inner();
    serve(req, Caller::Webhook { user, code }, method, payload, state).await
}

async fn token(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    serve(req, Caller::Token, path.into_inner(), payload, state).await
}

async fn serve(
    req: HttpRequest,
    caller: Caller,
    method: String,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let timing = Timing {
        start: state.engine.wall_now(),
        real: crate::engine::clock::Stopwatch::start(),
    };
    let (name, xml) = methods::strip_format(&method);
    let body = match read_body(payload, &state).await {
        Ok(body) => body,
        Err(refused) => return answer(Err(refused_body(&refused, &state)), xml, None),
    };
    let door = &state.bitrix24;
    let request = Request {
        caller: &caller,
        method: name,
        query: req.query_string(),
        content_type: req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        body: &body,
    };
    let outcome = read(door, &request);
    let (operation, result) = match outcome {
        Err(error) => (name.to_owned(), Err(error)),
        Ok((method, params)) => {
            let result = match injected(&state, super::DOOR.name, method.name()).await {
                Injected::Drop => {
                    journal(
                        &state,
                        timing.real,
                        method.name(),
                        0,
                        &body,
                        &web::Bytes::new(),
                    );
                    let dropped = crate::metrics::Outcome::Dropped;
                    let name = method.name();
                    state
                        .metrics
                        .call(super::DOOR.name, name, dropped, timing.real);
                    return dropped_connection("application/json");
                }
                Injected::Fault => Err(Error::new(
                    500,
                    "ERROR_UNEXPECTED_ANSWER",
                    "Server returned an unexpected response.",
                )),
                Injected::Error(_) => Err(Error::new(
                    500,
                    "INTERNAL_SERVER_ERROR",
                    "Internal server error",
                )),
                Injected::Nothing => methods::call(door, method, &params),
            };
            (method.name().to_owned(), result)
        }
    };
    let time = result
        .is_ok()
        .then(|| timing.to_json(&door.zone, door.world.cloud_time));
    let (status, content_type, text) = written(result, xml, time);
    journal(
        &state,
        timing.real,
        &operation,
        status.as_u16(),
        &body,
        &text,
    );
    let outcome = crate::metrics::Outcome::Http(status.as_u16());
    state
        .metrics
        .call(super::DOOR.name, &operation, outcome, timing.real);
    HttpResponse::build(status)
        .content_type(content_type)
        .body(text)
}

/// A request as it arrived, before anything is read from it.
pub struct Request<'a> {
    pub caller: &'a Caller,
    /// The method as the path names it, without its `.json`/`.xml` suffix.
    pub method: &'a str,
    pub query: &'a str,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// Reads a request: the method it calls with its parameters, once the caller is let in;
/// or the error that refuses it.
pub fn read(door: &Bitrix24, request: &Request) -> Result<(Method, Params), Error> {
    let mut params =
        Params::read(request.query, request.content_type, request.body).map_err(bad_params)?;
    door.check_caller(request.caller, &mut params)?;
    if !door.admit() {
        return Err(Error::query_limit());
    }
    let method = Method::find(request.method).ok_or_else(Error::method_not_found)?;
    Ok((method, params))
}

/// The HTTP answer: the result with its time, or the error with its status.
fn answer(result: Result<Value, Error>, xml: bool, time: Option<Value>) -> HttpResponse {
    let (status, content_type, text) = written(result, xml, time);
    HttpResponse::build(status)
        .content_type(content_type)
        .body(text)
}

/// The answer as sent: HTTP status, Content-Type and text.
pub fn written(
    result: Result<Value, Error>,
    xml: bool,
    time: Option<Value>,
) -> (actix_web::http::StatusCode, &'static str, web::Bytes) {
    let (status, document) = match result {
        Ok(result) => (
            actix_web::http::StatusCode::OK,
            json!({"result": result, "time": time}),
        ),
        Err(error) => (error.status, error.to_json()),
    };
    if xml {
        (
            status,
            "application/xml; charset=utf-8",
            reply::to_xml(&document).into(),
        )
    } else {
        (
            status,
            "application/json; charset=utf-8",
            document.to_string().into(),
        )
    }
}

fn bad_params(error: ParamsError) -> Error {
    let description = match error {
        ParamsError::BadJson(_) => "Invalid JSON",
        ParamsError::BadForm(_) => "Invalid form data",
    };
    Error::new(400, "INVALID_REQUEST", description)
}

fn refused_body(refused: &BodyError, state: &AppState) -> Error {
    Error::new(400, "INVALID_REQUEST", refused.why(state))
}

impl Bitrix24 {
    /// A webhook of the right shape (and listed, when the world lists some, with the
    /// method's scope), or a token (`auth`, taken out of the parameters) that is known and
    /// not expired on the virtual clock.
    fn check_caller(&self, caller: &Caller, params: &mut Params) -> Result<(), Error> {
        match caller {
            Caller::Webhook { user, code } => {
                let shaped = !user.is_empty()
                    && user.bytes().all(|b| b.is_ascii_digit())
                    && (1..=64).contains(&code.len())
                    && code
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
                if !shaped {
                    return Err(Error::no_auth());
                }
                if self.world.webhooks.is_empty() {
                    return Ok(());
                }
                let hook = self
                    .world
                    .webhooks
                    .iter()
                    .find(|h| h.user_id.to_string() == *user && h.code == *code)
                    .ok_or_else(Error::no_auth)?;
                if !hook.scopes.iter().any(|s| s == SCOPE) {
                    return Err(Error::new(
                        403,
                        "insufficient_scope",
                        "The request requires higher privileges than provided by the webhook token",
                    ));
                }
                Ok(())
            }
            Caller::Token => {
                let token = match params.remove("auth") {
                    Some(Param::Text(token)) if !token.is_empty() => token,
                    _ => return Err(Error::no_auth()),
                };
                if self.world.tokens.is_empty() {
                    return Ok(());
                }
                let known = self
                    .world
                    .tokens
                    .iter()
                    .find(|t| t.token == token)
                    .ok_or_else(Error::no_auth)?;
                if known
                    .expires_at
                    .is_some_and(|at| self.engine.wall_now() >= at)
                {
                    return Err(Error::new(
                        401,
                        "expired_token",
                        "The access token provided has expired.",
                    ));
                }
                Ok(())
            }
        }
    }
}
