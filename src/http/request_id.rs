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

const HEADER: &str = "x-request-id";
/// The longest id taken from a client; a longer one is replaced.
const MAX_LEN: usize = 128;

/// What is known of the call being served.
#[derive(Default)]
pub struct Call {
    pub id: String,
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
    CALL.try_with(|call| call.borrow().id.clone()).ok()
}

/// The middleware: an id for the call, the call served inside its record, the id echoed,
/// the log line written. `door` names the door from the path (see `startup::door_of`).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Stopwatch::start();
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| usable(id))
        .map_or_else(new_id, str::to_owned);
    let call = Call {
        id: id.clone(),
        door: crate::startup::door_of(req.path()),
        ..Call::default()
    };
    let (answer, call) = CALL
        .scope(RefCell::new(call), async move {
            let answer = next.call(req).await;
            (
                answer,
                CALL.with(|call| std::mem::take(&mut *call.borrow_mut())),
            )
        })
        .await;
    let mut answer = answer?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        answer
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), value);
    }
    if logged() {
        log_line(&call, answer.status().as_u16(), started);
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
        request_id = %call.id,
        door = call.door,
        operation = if call.operation.is_empty() { "-" } else { call.operation.as_str() },
        status = http_status,
        outcome = call.outcome.as_deref().unwrap_or("-"),
        task_id = call.task_id.as_deref().unwrap_or("-"),
        duration_us = started.elapsed().as_micros() as u64,
    );
}

/// A client's id is used when it is short, visible ASCII.
fn usable(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LEN && id.bytes().all(|b| b.is_ascii_graphic())
}

fn new_id() -> String {
    format!("{:016x}", fastrand::u64(..))
}
