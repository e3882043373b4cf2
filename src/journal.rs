//! The journal: the last N SOAP exchanges, for tests that check what their client sent.

use std::collections::VecDeque;
use std::sync::Mutex;

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

/// Bodies longer than this are cut in the journal, so a huge request cannot hold memory.
const MAX_BODY: usize = 64 * 1024;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    pub seq: u64,
    pub at: DateTime<Utc>,
    /// The operation called, or empty when the request was not a valid call.
    pub operation: String,
    /// The call's request id (`X-Request-Id`), as its log line names it.
    pub request_id: Option<String>,
    pub http_status: u16,
    pub duration_micros: u64,
    /// The bodies as they crossed the wire: shared with the request and the response, not
    /// copied, and turned into text only when someone reads the journal.
    #[serde(serialize_with = "as_text")]
    pub request: Bytes,
    #[serde(serialize_with = "as_text")]
    pub response: Bytes,
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

    /// Exchanges held now.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.lock().1.len()
    }

    pub fn record(&self, mut exchange: Exchange) {
        if self.capacity == 0 {
            return;
        }
        exchange.request = bounded(exchange.request);
        exchange.response = bounded(exchange.response);
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

/// A body as kept: a copy of exactly its bytes (a request's Bytes share the connection's
/// whole read buffer, which must not stay pinned), or of its start when over MAX_BODY.
fn bounded(body: Bytes) -> Bytes {
    if body.len() <= MAX_BODY {
        return Bytes::copy_from_slice(&body);
    }
    let mut start = body[..MAX_BODY].to_vec();
    start.extend_from_slice("…[cut]".as_bytes());
    Bytes::from(start)
}

fn as_text<S: Serializer>(body: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&String::from_utf8_lossy(body))
}
