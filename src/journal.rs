//! The journal: the last N SOAP exchanges, for tests that check what their client sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Bodies longer than this are cut in the journal, so a huge request cannot hold memory.
const MAX_BODY: usize = 64 * 1024;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The operation called, or empty when the request was not a valid call.
    pub operation: String,
    pub http_status: u16,
    pub duration_micros: u64,
    pub request: String,
    pub response: String,
}

/// A bounded ring of exchanges; capacity 0 keeps nothing.
pub struct Journal {
    capacity: usize,
    inner: Mutex<(u64, VecDeque<Exchange>)>,
}

impl Journal {
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            inner: Mutex::new((0, VecDeque::new())),
        }
    }

    pub fn is_on(&self) -> bool {
        self.capacity > 0
    }

    pub fn record(&self, mut exchange: Exchange) {
        if self.capacity == 0 {
            return;
        }
        truncate(&mut exchange.request);
        truncate(&mut exchange.response);
        let mut inner = self.lock();
        inner.0 += 1;
        exchange.seq = inner.0;
        if inner.1.len() == self.capacity {
            inner.1.pop_front();
        }
        inner.1.push_back(exchange);
    }

    /// The newest `limit` exchanges of an operation (all when `None`), oldest first.
    pub fn entries(&self, operation: Option<&str>, limit: usize) -> Vec<Exchange> {
        let inner = self.lock();
        let mut found: Vec<Exchange> = inner
            .1
            .iter()
            .rev()
            .filter(|e| operation.is_none_or(|op| e.operation == op))
            .take(limit)
            .cloned()
            .collect();
        found.reverse();
        found
    }

    pub fn count(&self, operation: Option<&str>) -> usize {
        self.lock()
            .1
            .iter()
            .filter(|e| operation.is_none_or(|op| e.operation == op))
            .count()
    }

    pub fn clear(&self) {
        self.lock().1.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, VecDeque<Exchange>)> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn truncate(body: &mut String) {
    if body.len() > MAX_BODY {
        let mut end = MAX_BODY;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body.truncate(end);
        body.push_str("…[cut]");
    }
}
