//! Metrics in the Prometheus text format (`/__admin/metrics`, `/metrics`), rendered by the
//! `prometheus` crate.
//!
//! A call's recording is lock-free and allocation-free once its series exist: the series of
//! one front door's operation (a latency histogram) and of one (door, operation, outcome)
//! (a counter) live in fixed-size open-addressed tables of `OnceLock` slots, found by hashing
//! the names on the stack; a slot is filled (and allocated) the first time its names are seen,
//! and only then. Past the tables' capacity (names a client made up), calls count under
//! operation `other`. The prometheus crate's own labelled vectors (`with_label_values`) take a
//! lock per lookup, so they are only touched when a slot is first filled.
//!
//! What does not happen per call is read at scrape time: the engine's counters, live tasks by
//! type and status (a scan of the store, off the worker threads), the journal's size, the
//! status callbacks' counts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use prometheus::core::Collector;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts};

use crate::state::AppState;

/// How a call ended, as its door tells it.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a> {
    /// The HTTP status of the answer (doors whose outcome is their HTTP status).
    Http(u16),
    /// CNode's `requestStatus`.
    RequestStatus(&'a str),
    /// A SOAP Fault (HTTP 500).
    Fault,
    /// The connection was dropped on purpose (an injected fault).
    Dropped,
}

/// The latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0,
];

const OPERATION_SLOTS: usize = 512;
const OUTCOME_SLOTS: usize = 2048;
/// Kinds of injected faults: error, fault, drop, delay.
const FAULT_KINDS: [&str; 4] = ["error", "fault", "drop", "delay"];

struct OperationSlot {
    door: &'static str,
    operation: Box<str>,
    latency: prometheus::Histogram,
    faults: [AtomicU64; 4],
}

struct OutcomeSlot {
    door: &'static str,
    operation: Box<str>,
    outcome: Box<str>,
    count: AtomicU64,
}

pub struct Metrics {
    operations: Box<[OnceLock<OperationSlot>]>,
    outcomes: Box<[OnceLock<OutcomeSlot>]>,
    latency: HistogramVec,
    /// Whether `/metrics` is served at the root (`--metrics off`: only `/__admin/metrics`).
    pub at_root: bool,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new(true)
    }
}

impl Metrics {
    pub fn new(at_root: bool) -> Metrics {
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "emulator_request_duration_seconds",
                "Time to answer a call, by front door and operation (real time).",
            )
            .buckets(BUCKETS.to_vec()),
            &["door", "operation"],
        )
        .expect("valid histogram options");
        Metrics {
            operations: (0..OPERATION_SLOTS).map(|_| OnceLock::new()).collect(),
            outcomes: (0..OUTCOME_SLOTS).map(|_| OnceLock::new()).collect(),
            latency,
            at_root,
        }
    }

    /// One call answered (or dropped): counted by outcome, its duration observed.
    pub fn call(
        &self,
        door: &'static str,
        operation: &str,
        outcome: Outcome,
        started: crate::engine::clock::Stopwatch,
    ) {
        let mut digits = [0u8; 5];
        let outcome = match outcome {
            Outcome::Http(status) => http_status(status, &mut digits),
            Outcome::RequestStatus(name) => name,
            Outcome::Fault => "fault",
            Outcome::Dropped => "dropped",
        };
        let operation = if operation.is_empty() {
            "unread"
        } else {
            operation
        };
        if let Some(slot) = self.operation(door, operation) {
            slot.latency.observe(started.elapsed().as_secs_f64());
        }
        let slot = self
            .outcome(door, operation, outcome)
            .or_else(|| self.outcome(door, "other", outcome));
        if let Some(slot) = slot {
            slot.count.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// An injected fault decided for a call: `kind` error, fault, drop; `delayed` when a
    /// latency was injected.
    pub fn injected(
        &self,
        door: &'static str,
        operation: &str,
        injected: crate::faults::Injected,
        delayed: bool,
    ) {
        use crate::faults::Injected;
        let kind = match injected {
            Injected::Nothing => None,
            Injected::Error(_) => Some(0),
            Injected::Fault => Some(1),
            Injected::Drop => Some(2),
        };
        if kind.is_none() && !delayed {
            return;
        }
        if let Some(slot) = self.operation(door, operation) {
            if let Some(kind) = kind {
                slot.faults[kind].fetch_add(1, Ordering::Relaxed);
            }
            if delayed {
                slot.faults[3].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn operation(&self, door: &'static str, operation: &str) -> Option<&OperationSlot> {
        let slot = |operation: &str| {
            intern(
                &self.operations,
                hash((door, operation)),
                |slot: &OperationSlot| slot.door == door && &*slot.operation == operation,
                || OperationSlot {
                    door,
                    operation: operation.into(),
                    latency: self.latency.with_label_values(&[door, operation]),
                    faults: Default::default(),
                },
            )
        };
        slot(operation).or_else(|| slot("other"))
    }

    fn outcome(&self, door: &'static str, operation: &str, outcome: &str) -> Option<&OutcomeSlot> {
        intern(
            &self.outcomes,
            hash((door, operation, outcome)),
            |slot: &OutcomeSlot| {
                slot.door == door && &*slot.operation == operation && &*slot.outcome == outcome
            },
            || OutcomeSlot {
                door,
                operation: operation.into(),
                outcome: outcome.into(),
                count: AtomicU64::new(0),
            },
        )
    }

    /// The text format: the per-call series, then what is read at scrape time. Scans the
    /// store: call it off the worker threads.
    pub fn render(&self, state: &AppState) -> String {
        let requests = counter_vec(
            "emulator_requests_total",
            "Calls answered, by front door, operation and outcome (CNode: requestStatus, \
             fault or dropped; the other doors: the HTTP status, or dropped).",
            &["door", "operation", "outcome"],
        );
        for slot in self.outcomes.iter().filter_map(OnceLock::get) {
            requests
                .with_label_values(&[slot.door, &*slot.operation, &*slot.outcome])
                .inc_by(slot.count.load(Ordering::Relaxed));
        }
        let faults = counter_vec(
            "emulator_injected_faults_total",
            "Faults injected by the fault plans, by front door, operation and kind \
             (error, fault, drop, delay).",
            &["door", "operation", "kind"],
        );
        for slot in self.operations.iter().filter_map(OnceLock::get) {
            for (kind, count) in FAULT_KINDS.iter().zip(&slot.faults) {
                let count = count.load(Ordering::Relaxed);
                if count > 0 {
                    faults
                        .with_label_values(&[slot.door, &*slot.operation, kind])
                        .inc_by(count);
                }
            }
        }
        let engine = &state.engine;
        let counts = engine.counters();
        let by_type = |name: &str, help: &str, values: &dyn Fn(usize) -> u64| {
            let vec = counter_vec(name, help, &["door", "type"]);
            for (i, task_type) in engine.task_types().iter().enumerate() {
                vec.with_label_values(&[task_type.door.name, task_type.name])
                    .inc_by(values(i));
            }
            vec
        };
        let created = by_type(
            "emulator_tasks_created_total",
            "Tasks started, by front door and type.",
            &|i| counts.created(i),
        );
        let expired = by_type(
            "emulator_tasks_expired_total",
            "Tasks whose lifetime ended before they finished, by front door and type.",
            &|i| counts.expired(i),
        );
        let swept = by_type(
            "emulator_tasks_swept_total",
            "Tasks freed from the store at the end of their lifetime, by front door and type.",
            &|i| counts.swept(i),
        );
        let finished = counter_vec(
            "emulator_tasks_finished_total",
            "Tasks that reached a final status, by front door, type and that status.",
            &["door", "type", "status"],
        );
        for (i, task_type) in engine.task_types().iter().enumerate() {
            for (status, name) in task_type.statuses.names.iter().enumerate() {
                let count = counts.finished(i, status);
                if count > 0 {
                    finished
                        .with_label_values(&[task_type.door.name, task_type.name, name])
                        .inc_by(count);
                }
            }
        }
        let live = gauge_vec(
            "emulator_tasks_live",
            "Tasks in the store (not expired), by front door, type and status.",
            &["door", "type", "status"],
        );
        for (task_type, status, count) in engine.live_counts() {
            live.with_label_values(&[
                task_type.door.name,
                task_type.name,
                task_type.status_name(status),
            ])
            .set(count as i64);
        }
        let journal = prometheus::IntGauge::new(
            "emulator_journal_exchanges",
            "Exchanges the journal holds now.",
        )
        .expect("valid metric options");
        journal.set(state.journal.len() as i64);
        let callbacks = counter_vec(
            "emulator_callbacks_total",
            "Status callbacks, by what became of them.",
            &["result"],
        );
        let c = state.callbacks.counts();
        for (result, count) in [
            ("delivered", c.delivered),
            ("failed", c.failed),
            ("retried", c.retried),
            ("dropped", c.dropped),
        ] {
            callbacks.with_label_values(&[result]).inc_by(count);
        }
        let mut families = Vec::new();
        families.extend(requests.collect());
        families.extend(self.latency.collect());
        families.extend(faults.collect());
        for vec in [created, expired, swept, finished, callbacks] {
            families.extend(vec.collect());
        }
        families.extend(live.collect());
        families.extend(journal.collect());
        // The encoder refuses a family without samples (nothing counted yet).
        families.retain(|family| !family.get_metric().is_empty());
        let mut text = Vec::new();
        if let Err(error) = prometheus::TextEncoder::new().encode(&families, &mut text) {
            log::warn!("metrics could not be written: {error}");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}

/// The Content-Type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

fn counter_vec(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric options")
}

fn gauge_vec(name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric options")
}

/// A hash of the names: foldhash (actix's header maps' hasher), several times faster than
/// FNV-1a byte by byte on names this short.
fn hash(names: impl std::hash::Hash) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(names)
}

/// The slot holding what `is_it` recognises, or the first empty one on the way, filled with
/// `make` (the only allocation, once per slot); `None` when the 64 slots from the hash's
/// hold something else.
fn intern<T>(
    table: &[OnceLock<T>],
    hash: u64,
    is_it: impl Fn(&T) -> bool,
    make: impl FnOnce() -> T,
) -> Option<&T> {
    let mut make = Some(make);
    let start = hash as usize % table.len();
    for i in 0..table.len().min(64) {
        let cell = &table[(start + i) % table.len()];
        let slot = match cell.get() {
            Some(slot) => slot,
            // A race for an empty slot: whoever fills it, it is looked at again below.
            None => cell.get_or_init(|| (make.take().expect("made once"))()),
        };
        if is_it(slot) {
            return Some(slot);
        }
    }
    None
}

/// An HTTP status as text, written into `digits`.
fn http_status(status: u16, digits: &mut [u8; 5]) -> &str {
    let mut n = status.min(999);
    for i in (0..3).rev() {
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    std::str::from_utf8(&digits[..3]).unwrap_or("other")
}
