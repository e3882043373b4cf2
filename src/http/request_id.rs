//! Every call's request id and its one log line. The id is the client's `X-Request-Id` when it
//! sends a usable one, else a new one; it is echoed in the answer's `X-Request-Id`, carried by
//! the journal entry, and named in the call's log line (front door, operation, outcome, the
//! task a call created, duration), which is written once the answer is ready.
//!
//! The call's facts are gathered in a task-local record while its handler runs, so the doors
//! only say what they know (`note`) without passing anything through their functions.

use std::cell::RefCell;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::engine::clock::Stopwatch;

/// `X-Request-Id`, made once: a name given as text is parsed (and allocated) at each lookup.
static HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// The longest id taken from a client; a longer one is replaced.
const MAX_LEN: usize = 128;

/// What is known of the call being served.
pub struct Call {
    /// The call's id, as the answer's `X-Request-Id` echoes it (visible ASCII).
    pub id: HeaderValue,
    pub door: &'static str,
    pub operation: String,
    pub status: u16,
    /// The service's own outcome when it is not the HTTP status (CNode's requestStatus).
    pub outcome: Option<String>,
    /// The task the call created, if any.
    pub task_id: Option<String>,
}

tokio::task_local! {
    static CALL: RefCell<Call>;
}

/// Whether calls' log lines are written: what only they need is not gathered otherwise.
pub fn logged() -> bool {
    tracing::enabled!(target: "call", tracing::Level::INFO)
}

/// Adds what a door knows to the call being served (nothing outside a call).
pub fn note(change: impl FnOnce(&mut Call)) {
    let _ = CALL.try_with(|call| change(&mut call.borrow_mut()));
}

/// The id of the call being served.
pub fn current() -> Option<String> {
    // `from_utf8` rather than `to_str`, which checks each byte again: the id is visible ASCII.
    CALL.try_with(|call| std::str::from_utf8(call.borrow().id.as_bytes()).map(str::to_owned))
        .ok()
        .and_then(Result::ok)
}

/// The middleware: an id for the call, the call served inside its record, the log line
/// written, the id echoed. `door` names the door from the path (see `startup::door_of`).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    // Only the log line shows the call's duration.
    let started = logged().then(Stopwatch::start);
    // The client's id is copied: the header it came in shares the connection's read buffer,
    // which the answer's header (kept in actix's pool of answer heads) must not hold on to.
    let id = req
        .headers()
        .get(&HEADER)
        .filter(|id| usable(id.as_bytes()))
        .and_then(|id| HeaderValue::from_bytes(id.as_bytes()).ok())
        .unwrap_or_else(new_id);
    let call = Call {
        id,
        door: crate::startup::door_of(req.path()),
        operation: String::new(),
        status: 0,
        outcome: None,
        task_id: None,
    };
    let mut served = std::pin::pin!(CALL.scope(RefCell::new(call), next.call(req)));
    let mut answer = served.as_mut().await?;
    if let Some(call) = served.take_value().map(RefCell::into_inner) {
        if let Some(started) = started {
            log_line(&call, answer.status().as_u16(), started);
        }
        answer.headers_mut().insert(HEADER.clone(), call.id);
    }
    Ok(answer)
}

/// One line per call: id, door, operation, outcome, task created, duration (target `call`:
/// `RUST_LOG=info,call=warn` silences it). The admin API's own calls are not logged.
fn log_line(call: &Call, http_status: u16, started: Stopwatch) {
    if call.door == "admin" {
        return;
    }
    tracing::info!(
        target: "call",
        request_id = %call.id.to_str().unwrap_or_default(),
        door = call.door,
        operation = if call.operation.is_empty() { "-" } else { call.operation.as_str() },
        status = http_status,
        outcome = call.outcome.as_deref().unwrap_or("-"),
        task_id = call.task_id.as_deref().unwrap_or("-"),
        duration_us = started.elapsed().as_micros() as u64,
    );
}

/// A client's id is used when it is short, visible ASCII.
fn usable(id: &[u8]) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.iter().all(u8::is_ascii_graphic)
}

/// A new id: 16 hex digits of a random number.
fn new_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let n = fastrand::u64(..);
    let digits: [u8; 16] = std::array::from_fn(|i| HEX[(n >> (60 - 4 * i)) as usize & 0xf]);
    HeaderValue::from_bytes(&digits).expect("hex digits make a header value")
}
