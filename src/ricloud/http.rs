//! ricloud's HTTP edge: its paths at the root, `Authorization: Token <t>`, JSON bodies read
//! by content (ricloud-py sends them without a Content-Type), `Ricloud-Await`, and every
//! answer as JSON with its HTTP status, errors included (ricloud-py decodes every 4xx body).

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::reply::{written, Error, Reply};
use super::tasks::Ctx;
use super::{ids, Ricloud, DOOR};
use crate::engine::clock::Stopwatch;
use crate::engine::task::Progression;
use crate::faults::Injected;
use crate::http::{dropped_connection, injected, journal, read_body, BodyError};
use crate::state::AppState;

/// Every path ricloud owns, at the root (dialects.md 0.1), and the emulator's storage; then
/// roots ricloud-py has classes for that the emulator does not serve (organisation, keys,
/// subscriptions, configs, permissions): they answer not-found in ricloud's JSON, so the
/// client raises its `RequestError` instead of failing to decode CNode's text.
pub const PATHS: [&str; 14] = [
    "/tasks",
    "/sessions",
    "/polls",
    "/results",
    "/users",
    "/sources",
    "/events",
    "/__storage",
    "/organisation",
    "/key",
    "/keys",
    "/subscriptions",
    "/configs",
    "/permissions",
];

/// `Ricloud-Await` holds an answer at most this long (the docs' current maximum).
const MAX_AWAIT: Duration = Duration::from_secs(10);
/// How often a held answer looks again.
const AWAIT_TICK: Duration = Duration::from_millis(20);

/// Inside each of [`PATHS`] (a scope of its own, mounted by `startup::routes`): every
/// method and sub-path comes to one handler, which answers unknown ones in ricloud's format.
pub fn routes(config: &mut web::ServiceConfig) {
    config.default_service(web::to(serve));
}

/// The calls ricloud serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    ListTasks,
    GetTask(String),
    CreateTask,
    ListSessions,
    GetSession(String),
    CreateSession,
    DeleteSession(String),
    ListPolls,
    GetPoll(String),
    CreatePoll,
    ListResults,
    GetResult(String),
    AckResult(String),
    AckResults,
    ListUsers,
    GetUser(String),
    CreateUser,
    ListSources,
    GetSource(String),
    ListEvents,
    GetEvent(String),
    /// A result's document behind its signed URL (no token: the URL is the credential).
    Stored(String),
}

impl Call {
    /// The operation's name, for the journal and fault plans.
    pub fn name(&self) -> &'static str {
        match self {
            Call::ListTasks => "tasks.list",
            Call::GetTask(_) => "tasks.retrieve",
            Call::CreateTask => "tasks.create",
            Call::ListSessions => "sessions.list",
            Call::GetSession(_) => "sessions.retrieve",
            Call::CreateSession => "sessions.create",
            Call::DeleteSession(_) => "sessions.delete",
            Call::ListPolls => "polls.list",
            Call::GetPoll(_) => "polls.retrieve",
            Call::CreatePoll => "polls.create",
            Call::ListResults => "results.list",
            Call::GetResult(_) => "results.retrieve",
            Call::AckResult(_) => "results.ack",
            Call::AckResults => "results.ack_many",
            Call::ListUsers => "users.list",
            Call::GetUser(_) => "users.retrieve",
            Call::CreateUser => "users.create",
            Call::ListSources => "sources.list",
            Call::GetSource(_) => "sources.retrieve",
            Call::ListEvents => "events.list",
            Call::GetEvent(_) => "events.retrieve",
            Call::Stored(_) => "storage.result",
        }
    }

    /// The resource family a token's scopes must name.
    fn scope(&self) -> &'static str {
        self.name().split('.').next().unwrap_or_default()
    }

    fn takes_body(&self) -> bool {
        matches!(
            self,
            Call::CreateTask
                | Call::CreateSession
                | Call::CreatePoll
                | Call::CreateUser
                | Call::AckResults
        )
    }

    /// The read that shows the resource this call answered with `id` again, when the call
    /// honours `Ricloud-Await`.
    fn awaited(&self, id: &str) -> Option<Call> {
        match self {
            Call::CreateTask | Call::GetTask(_) => Some(Call::GetTask(id.into())),
            Call::CreateSession | Call::GetSession(_) => Some(Call::GetSession(id.into())),
            Call::CreatePoll | Call::GetPoll(_) => Some(Call::GetPoll(id.into())),
            _ => None,
        }
    }
}

/// Which call a method and path are; 404 for a path ricloud has not, 405 for a method a
/// path does not take.
pub fn route(method: &str, path: &str) -> Result<Call, Error> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let id = |at: usize| segments[at].to_owned();
    let call = match (segments.as_slice(), method) {
        (["tasks"], "GET") => Call::ListTasks,
        (["tasks"], "POST") => Call::CreateTask,
        (["tasks", _], "GET") => Call::GetTask(id(1)),
        (["sessions"], "GET") => Call::ListSessions,
        (["sessions"], "POST") => Call::CreateSession,
        (["sessions", _], "GET") => Call::GetSession(id(1)),
        (["sessions", _], "DELETE") => Call::DeleteSession(id(1)),
        (["polls"], "GET") => Call::ListPolls,
        (["polls"], "POST") => Call::CreatePoll,
        (["polls", _], "GET") => Call::GetPoll(id(1)),
        (["results"], "GET") => Call::ListResults,
        (["results", "ack"], "POST") => Call::AckResults,
        (["results", _], "GET") => Call::GetResult(id(1)),
        (["results", _, "ack"], "GET" | "POST") => Call::AckResult(id(1)),
        (["users"], "GET") => Call::ListUsers,
        (["users"], "POST") => Call::CreateUser,
        (["users", _], "GET") => Call::GetUser(id(1)),
        (["sources"], "GET") => Call::ListSources,
        (["sources", _], "GET") => Call::GetSource(id(1)),
        (["events"], "GET") => Call::ListEvents,
        (["events", _], "GET") => Call::GetEvent(id(1)),
        (["__storage", "results", _], "GET") => Call::Stored(id(2)),
        (
            ["tasks" | "sessions" | "polls" | "results" | "users" | "sources" | "events"]
            | ["tasks" | "sessions" | "polls" | "results" | "users" | "sources" | "events", _]
            | ["results", _, "ack"]
            | ["__storage", "results", _],
            _,
        ) => {
            return Err(Error::new(
                405,
                "method-not-allowed",
                format!("{method} is not allowed on {path}"),
            ))
        }
        _ => {
            return Err(Error::new(
                404,
                "not-found",
                format!("no such path: {path}"),
            ))
        }
    };
    Ok(call)
}

/// A request as it arrived, before anything is read from it.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub authorization: Option<&'a str>,
    pub body: &'a [u8],
}

/// Reads a request: the call, the caller's key id and the JSON body (`{}` when there is
/// none); or the error that refuses it.
pub fn read(door: &Ricloud, request: &Request) -> Result<(Call, String, Value), Error> {
    let call = route(request.method, request.path)?;
    let key = match call {
        Call::Stored(_) => String::new(),
        _ => door.check_token(request.authorization, call.scope())?,
    };
    let body = if call.takes_body() {
        json_body(request.body)?
    } else {
        Value::Object(Default::default())
    };
    Ok((call, key, body))
}

/// A POST body: JSON by its content whatever the Content-Type says; none is `{}`.
fn json_body(body: &[u8]) -> Result<Value, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(Error::invalid_body("the body must be a JSON object")),
        Err(error) => Err(Error::invalid_body(format!(
            "the body is not valid JSON: {error}"
        ))),
    }
}

/// Serves a call that has been read.
pub fn respond(
    door: &Ricloud,
    call: &Call,
    body: &Value,
    ctx: &Ctx,
    query: &str,
) -> Result<Reply, Error> {
    match call {
        Call::ListTasks => door.list_tasks(query, ctx),
        Call::GetTask(id) => door.get_task(id, ctx),
        Call::CreateTask => door.create_task(body, ctx),
        Call::ListSessions => door.list_sessions(query),
        Call::GetSession(id) => door.get_session(id),
        Call::CreateSession => door.create_session(body, ctx),
        Call::DeleteSession(id) => door.delete_session(id),
        Call::ListPolls => door.list_polls(query, ctx),
        Call::GetPoll(id) => door.get_poll(id, ctx),
        Call::CreatePoll => door.create_poll(body, ctx),
        Call::ListResults => door.list_results(query, ctx),
        Call::GetResult(id) => door.get_result(id, ctx),
        Call::AckResult(id) => door.ack_result(id, ctx),
        Call::AckResults => door.ack_results(body, ctx),
        Call::ListUsers => door.list_users(query),
        Call::GetUser(id) => door.get_user(id),
        Call::CreateUser => door.create_user(body, ctx),
        Call::ListSources => door.list_sources(query),
        Call::GetSource(id) => door.get_source(id),
        Call::ListEvents => {
            // Events are not emitted (no webhooks are delivered): the list is empty.
            super::list::Query::read(query)?;
            Ok(Reply::ok(super::list::whole(Vec::new(), "/events")))
        }
        Call::GetEvent(_) => Err(Error::not_found("event")),
        Call::Stored(id) => door
            .stored_result(id)
            .and_then(|text| serde_json::from_str(&text).ok())
            .map(Reply::ok)
            .ok_or_else(|| Error::not_found("result")),
    }
}

impl Ricloud {
    /// The caller's key id, when its token may make this call: `Token <t>` with a token the
    /// world accepts (any non-empty one in the sandbox) and, if the world lists its scopes,
    /// this call's among them.
    fn check_token(&self, authorization: Option<&str>, scope: &str) -> Result<String, Error> {
        let token = authorization
            .and_then(|value| {
                let (scheme, token) = value.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("token").then(|| token.trim())
            })
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                Error::unauthorized(
                    "authentication needs the header Authorization: Token <key token>",
                )
            })?;
        if !self.world.tokens.is_empty() && !self.world.tokens.iter().any(|t| t == token) {
            return Err(Error::unauthorized("the token is not valid"));
        }
        if let Some(scopes) = self.world.scopes.get(token) {
            if !scopes.iter().any(|s| s == scope) {
                return Err(Error::new(
                    403,
                    "missing-scope",
                    format!("the key lacks the scope {scope}"),
                ));
            }
        }
        Ok(ids::derived(&format!("key/{token}")))
    }

    /// Whether a held answer could ever change: not on a frozen clock, nor when ricloud's
    /// tasks move only when told.
    fn may_await(&self) -> bool {
        if self.engine.clock().is_frozen() {
            return false;
        }
        let progressions = self.engine.progressions();
        let manual = ["*", "ricloud/*"]
            .into_iter()
            .chain(super::task::TYPES.iter().map(|t| t.name))
            .any(|key| progressions.get(key) == Some(&Progression::Manual));
        !manual
    }
}

/// Whether an answer shows a resource still at work.
fn at_work(outcome: &Result<Reply, Error>) -> bool {
    outcome
        .as_ref()
        .is_ok_and(|reply| matches!(reply.body["state"].as_str(), Some("pending" | "processing")))
}

/// `Ricloud-Await: N`: seconds to hold the answer (at most ten).
fn await_for(req: &HttpRequest) -> Option<Duration> {
    let seconds: f64 = req
        .headers()
        .get("ricloud-await")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (seconds.is_finite() && seconds > 0.0).then(|| Duration::from_secs_f64(seconds).min(MAX_AWAIT))
}

async fn serve(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let started = Stopwatch::start();
    let door = &state.ricloud;
    let body = match read_body(payload, &state).await {
        Ok(body) => body,
        Err(refused) => {
            let status = if matches!(refused, BodyError::TooLarge) {
                413
            } else {
                400
            };
            let error = Error::new(status, "invalid-body", refused.why(&state));
            return answer(&state, started, "", &web::Bytes::new(), Err(error));
        }
    };
    let header = |name: header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    let host = header(header::HOST).unwrap_or("localhost").to_owned();
    let request = Request {
        method: req.method().as_str(),
        path: req.path(),
        query: req.query_string(),
        authorization: header(header::AUTHORIZATION),
        body: &body,
    };
    let (call, key, json) = match read(door, &request) {
        Ok(read) => read,
        Err(error) => return answer(&state, started, "", &body, Err(error)),
    };
    let name = call.name();
    let outcome = match injected(&state, DOOR.name, name).await {
        Injected::Drop => {
            journal(&state, started, name, 0, &body, &web::Bytes::new());
            let dropped = crate::metrics::Outcome::Dropped;
            state.metrics.call(DOOR.name, name, dropped, started);
            return dropped_connection("application/json");
        }
        Injected::Fault | Injected::Error(_) => Err(Error::internal("a fault injected")),
        Injected::Nothing => {
            let ctx = Ctx {
                key: &key,
                host: &host,
            };
            let first = respond(door, &call, &json, &ctx, request.query);
            match await_for(&req) {
                Some(limit) if at_work(&first) && door.may_await() => {
                    held(door, &call, first, &ctx, limit).await
                }
                _ => first,
            }
        }
    };
    answer(&state, started, name, &body, outcome)
}

/// Holds an answer while its resource is at work, looking again every tick.
async fn held(
    door: &Ricloud,
    call: &Call,
    first: Result<Reply, Error>,
    ctx: &Ctx<'_>,
    limit: Duration,
) -> Result<Reply, Error> {
    let waiting = Stopwatch::start();
    let Ok(first) = first else {
        return first;
    };
    let Some(again) = first.body["id"].as_str().and_then(|id| call.awaited(id)) else {
        return Ok(first);
    };
    let mut latest = Ok(first.clone());
    while at_work(&latest) && waiting.elapsed() < limit {
        actix_web::rt::time::sleep(AWAIT_TICK).await;
        latest = respond(door, &again, &Value::Null, ctx, "");
    }
    // A create keeps its 201.
    latest.map(|reply| Reply {
        status: first.status,
        ..reply
    })
}

fn answer(
    state: &AppState,
    started: Stopwatch,
    operation: &str,
    request: &web::Bytes,
    outcome: Result<Reply, Error>,
) -> HttpResponse {
    let (status, text) = written(&outcome);
    let text = web::Bytes::from(text);
    journal(state, started, operation, status, request, &text);
    let outcome = crate::metrics::Outcome::Http(status);
    state.metrics.call(DOOR.name, operation, outcome, started);
    let status = actix_web::http::StatusCode::from_u16(status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type("application/json")
        .body(text)
}
