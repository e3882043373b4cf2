//! Status callbacks: the status changes of watched tasks (`Engine::watch`, asked for by
//! CNode's getTaskStatus with `callback=true`), POSTed as JSON to the configured URL.
//!
//! One delivery loop runs beside the ticker, on the runtime that runs the server, never on
//! a worker thread that serves calls. It takes changes from the engine's bounded queue only
//! when one of its `concurrency` delivery slots is free, so what waits is bounded by the
//! engine's queue (oldest dropped, counted) and what is in flight by the slots. A delivery
//! is tried `attempts` times, waiting `backoff`, then twice that, ... between attempts
//! (real time: the receiver lives in real time); every attempt is journalled as the
//! operation `callback` with the receiver's HTTP status (0: no answer at all).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::{self, Bytes};
use serde::Serialize;
use tokio::sync::{watch, Semaphore};

use crate::engine::clock::Stopwatch;
use crate::engine::{Engine, StatusChange};
use crate::journal::Exchange;
use crate::state::AppState;

/// A receiver's answer is read (for the journal) up to this many bytes.
const MAX_RESPONSE: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct CallbackConfig {
    /// Where status changes are POSTed (`http://` only); `None`: nowhere, and getTaskStatus's
    /// `callback` flag changes nothing. `--callback-url` wins over the world file's
    /// `node.callback_url`.
    pub url: Option<String>,
    /// Tries per status change, the first included (at least 1).
    pub attempts: u32,
    /// The wait after the first failed attempt; each later wait doubles.
    pub backoff: Duration,
    /// How long one attempt may take, connecting included.
    pub timeout: Duration,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// Status changes waiting for a delivery slot at most; the oldest is dropped past that.
    pub queue: usize,
}

impl Default for CallbackConfig {
    fn default() -> CallbackConfig {
        CallbackConfig {
            url: None,
            attempts: 5,
            backoff: Duration::from_millis(100),
            timeout: Duration::from_secs(5),
            concurrency: 8,
            queue: 10_000,
        }
    }
}

/// Checks a callback URL: absolute, `http://` (this build carries no TLS).
pub fn check_url(text: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(text).map_err(|e| format!("\"{text}\": {e}"))?;
    match url.scheme() {
        "http" if url.host().is_some() => Ok(()),
        "http" => Err(format!("\"{text}\": no host")),
        "https" => Err(format!(
            "\"{text}\": https needs TLS, which the emulator leaves out; use http://"
        )),
        other => Err(format!("\"{text}\": {other}: is not http")),
    }
}

/// What the callbacks did, for metrics: counted since the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CallbackCounts {
    /// Status changes a receiver took (HTTP 2xx).
    pub delivered: u64,
    /// Status changes given up on after every attempt failed.
    pub failed: u64,
    /// Attempts that failed and were tried again.
    pub retried: u64,
    /// Status changes dropped unsent because the queue was full.
    pub dropped: u64,
}

/// The callbacks' settings and counters, shared by the delivery loop and whoever reports.
pub struct Callbacks {
    config: CallbackConfig,
    engine: Arc<Engine>,
    delivered: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
}

impl Callbacks {
    pub fn new(config: CallbackConfig, engine: Arc<Engine>) -> Callbacks {
        Callbacks {
            config,
            engine,
            delivered: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            retried: AtomicU64::new(0),
        }
    }

    /// Where status changes go, if anywhere.
    pub fn url(&self) -> Option<&str> {
        self.config.url.as_deref()
    }

    pub fn counts(&self) -> CallbackCounts {
        CallbackCounts {
            delivered: self.delivered.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            dropped: self.engine.status_changes_dropped(),
        }
    }
}

/// The JSON body of one callback.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    /// The change's number, from 1, in the order changes happened: deliveries run side by
    /// side and a retried one arrives late, so a receiver orders by this.
    seq: u64,
    task_id: String,
    front_door: &'a str,
    #[serde(rename = "type")]
    type_name: &'a str,
    status: &'a str,
    progress_percent: u8,
    /// The task's detail document (CNode's additionalInfo), as a JSON object.
    additional_info: &'a serde_json::value::RawValue,
    /// When the task entered the status, on the emulator's clock.
    at: chrono::DateTime<chrono::Utc>,
}

fn payload(change: &StatusChange) -> Bytes {
    let empty = serde_json::value::RawValue::from_string("{}".into()).expect("valid JSON");
    let detail = serde_json::value::RawValue::from_string(change.detail.clone());
    let body = Payload {
        seq: change.seq,
        task_id: change.id.to_string(),
        front_door: change.door,
        type_name: change.task_type,
        status: change.status,
        progress_percent: change.progress,
        additional_info: detail.as_deref().unwrap_or(&empty),
        at: change.at,
    };
    Bytes::from(serde_json::to_vec(&body).expect("a payload serializes"))
}

/// Delivers the status changes of watched tasks until `stop`; returns at once when no
/// callback URL is set.
pub async fn run(state: web::Data<AppState>, mut stop: watch::Receiver<bool>) {
    let callbacks = &state.callbacks;
    let Some(url) = callbacks.config.url.clone() else {
        return;
    };
    // Straight to the receiver: a CI's HTTP_PROXY is not meant for a receiver beside the
    // emulator (often on loopback).
    let client = match reqwest::Client::builder()
        .no_proxy()
        .timeout(callbacks.config.timeout)
        .user_agent(concat!("cnode-emulator/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            log::error!("no status callbacks: the HTTP client cannot start: {error}");
            return;
        }
    };
    let url: Arc<str> = url.into();
    let slots = Arc::new(Semaphore::new(callbacks.config.concurrency.max(1)));
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        let change = loop {
            if let Some(change) = state.engine.next_status_change() {
                break Some(change);
            }
            tokio::select! {
                _ = state.engine.status_change_queued() => {}
                _ = stop.changed() => break None,
            }
        };
        let Some(change) = change else {
            break;
        };
        let (state, client, url) = (state.clone(), client.clone(), url.clone());
        actix_web::rt::spawn(async move {
            deliver(&state, &client, &url, &change).await;
            drop(slot);
        });
    }
}

/// One status change, tried until a receiver takes it or the attempts run out.
async fn deliver(state: &AppState, client: &reqwest::Client, url: &str, change: &StatusChange) {
    let callbacks = &state.callbacks;
    let config = &callbacks.config;
    let body = payload(change);
    let attempts = config.attempts.max(1);
    let mut wait = config.backoff;
    for attempt in 1..=attempts {
        let at = state.engine.wall_now();
        let stopwatch = Stopwatch::start();
        let sent = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Cnode-Callback-Attempt", attempt)
            .body(body.clone())
            .send()
            .await;
        let (http_status, response) = match sent {
            Ok(response) => (response.status().as_u16(), read_bounded(response).await),
            Err(error) => (0, Bytes::from(error_chain(&error))),
        };
        state.journal.record(Exchange {
            seq: 0,
            at,
            operation: "callback".into(),
            request_id: None,
            http_status,
            duration_micros: u64::try_from(stopwatch.elapsed().as_micros()).unwrap_or(u64::MAX),
            request: body.clone(),
            response,
        });
        if (200..300).contains(&http_status) {
            callbacks.delivered.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if attempt < attempts {
            callbacks.retried.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
    callbacks.failed.fetch_add(1, Ordering::Relaxed);
    log::warn!(
        "status callback for task {} ({}) not delivered after {attempts} attempts",
        change.id,
        change.status
    );
}

/// The receiver's answer, up to MAX_RESPONSE bytes (a read error ends it where it was).
async fn read_bounded(mut response: reqwest::Response) -> Bytes {
    let mut read = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_RESPONSE - read.len();
        read.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if read.len() == MAX_RESPONSE {
            break;
        }
    }
    Bytes::from(read)
}

/// An error with its causes (reqwest's own text names only the URL).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
