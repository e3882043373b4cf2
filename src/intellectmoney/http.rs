//! IntellectMoney's HTTP edge: `/personal/{group}/{method}`, its `Authorization: Bearer`,
//! the body read once (JSON, form or XML, whatever `Content-Type` says), the `Sign`
//! checked against the method's signature, and the answer as JSON or XML per `Accept`,
//! always HTTP 200 but for an injected server fault (dialects.md 3.4, 3.5).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::fields::Fields;
use super::methods::Method;
use super::reply::{why, Answer};
use super::{Format, IntellectMoney};
use crate::faults::Injected;
use crate::http::{dropped_connection, injected, journal, read_body};
use crate::state::AppState;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/{group}/{method}", web::to(serve))
        .default_service(web::to(unknown_path));
}

/// What arrived besides the body: the headers this door reads.
pub struct Request<'a> {
    pub group: &'a str,
    pub method: &'a str,
    pub authorization: Option<&'a str>,
    pub sign: Option<&'a str>,
    pub accept: Option<&'a str>,
}

async fn serve(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let started = crate::engine::clock::Stopwatch::start();
    let (group, method) = path.into_inner();
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let request = Request {
        group: &group,
        method: &method,
        authorization: header(header::AUTHORIZATION),
        sign: header(header::HeaderName::from_static("sign")),
        accept: header(header::ACCEPT),
    };
    let door = &state.intellectmoney;
    let format = format(request.accept, door.world.default_format);
    let body = read_body(payload, &state).await;
    let (name, answer) = match &body {
        Ok(body) => match check(door, &request, body) {
            Ok((method, fields)) => {
                let answer = match injected(&state, super::DOOR.name, method.name()).await {
                    Injected::Drop => None,
                    Injected::Fault => Some((500, Answer::refused(why::INTERNAL))),
                    Injected::Error(_) => Some((200, Answer::refused(why::INTERNAL))),
                    Injected::Nothing => Some((200, method.serve(door, &fields))),
                };
                (method.name(), answer)
            }
            Err(refused) => ("", Some((200, refused))),
        },
        Err(refused) => {
            // The service says no more than this; the journal keeps the request.
            log::debug!("intellectmoney: {}", refused.why(&state));
            ("", Some((200, Answer::refused(why::UNREADABLE))))
        }
    };
    let request_body = body.unwrap_or_default();
    let Some((status, answer)) = answer else {
        journal(&state, started, name, 0, &request_body, &web::Bytes::new());
        let dropped = crate::metrics::Outcome::Dropped;
        state.metrics.call(super::DOOR.name, name, dropped, started);
        return dropped_connection("application/json");
    };
    let (content_type, text) = write(door, &answer, format);
    let text = web::Bytes::from(text);
    journal(&state, started, name, status, &request_body, &text);
    let outcome = crate::metrics::Outcome::Http(status);
    state.metrics.call(super::DOOR.name, name, outcome, started);
    let status = actix_web::http::StatusCode::from_u16(status).expect("200 or 500");
    HttpResponse::build(status)
        .content_type(content_type)
        .body(text)
}

/// The method a request names, and its fields, once its credentials hold; or the answer
/// that refuses it.
pub fn check(
    door: &IntellectMoney,
    request: &Request,
    body: &[u8],
) -> Result<(Method, Fields), Answer> {
    let method = Method::find(request.group, request.method)
        .ok_or_else(|| Answer::refused(why::UNREADABLE))?;
    if !door.bearer_accepted(request.authorization) {
        return Err(Answer::refused(why::BAD_TOKEN));
    }
    let fields = Fields::parse(body).map_err(|error| {
        log::debug!("intellectmoney: an unreadable body: {error}");
        Answer::refused(why::UNREADABLE)
    })?;
    if door.world.sign {
        let signed = request.sign.is_some_and(|sent| {
            method
                .signature()
                .verify(&fields, &door.world.sign_secret, sent)
        });
        if !signed {
            return Err(Answer::refused(why::BAD_SIGN));
        }
    }
    Ok((method, fields))
}

/// JSON unless `Accept` asks for XML (and not JSON first); no `Accept`: the world's default.
fn format(accept: Option<&str>, default: Format) -> Format {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return default;
    };
    let position = |what: &str| accept.find(what);
    let xml = position("application/xml").or(position("text/xml"));
    let json = position("json");
    match (xml, json) {
        (Some(x), Some(j)) if x < j => Format::Xml,
        (Some(_), None) => Format::Xml,
        (None, None) => default,
        _ => Format::Json,
    }
}

/// The answer as sent: its Content-Type and text, with the shop's id and a new `OperationId`.
pub fn write(door: &IntellectMoney, answer: &Answer, format: Format) -> (&'static str, String) {
    let (shop, id) = (door.world.eshop_id, door.new_guid().to_string());
    match format {
        Format::Json => ("application/json; charset=utf-8", answer.to_json(shop, &id)),
        Format::Xml => ("application/xml; charset=utf-8", answer.to_xml(shop, &id)),
    }
}

/// Anything under `/personal/` that is not `{group}/{method}`: not a method.
async fn unknown_path(state: web::Data<AppState>) -> HttpResponse {
    let door = &state.intellectmoney;
    let (content_type, text) = write(
        door,
        &Answer::refused(why::UNREADABLE),
        door.world.default_format,
    );
    HttpResponse::Ok().content_type(content_type).body(text)
}

impl IntellectMoney {
    /// `Authorization: Bearer <token>`: a listed token, or any non-empty one when the world
    /// lists none.
    fn bearer_accepted(&self, authorization: Option<&str>) -> bool {
        let token = authorization.and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
        match token {
            Some(token) if !token.is_empty() => {
                self.world.bearer_tokens.is_empty()
                    || self.world.bearer_tokens.iter().any(|t| t == token)
            }
            _ => false,
        }
    }
}
