//! Watched tasks: a task someone asked to hear about (`Engine::watch`) reports each later
//! status change as a plain value into one bounded queue; whoever consumes the queue (the
//! status callbacks, outside the engine) decides what to do with it. The engine sends
//! nothing anywhere: it only queues.
//!
//! The queue is bounded: when it is full the oldest change is dropped and counted, so a
//! consumer that cannot keep up costs memory up to the bound and no more. Pushing takes a
//! leaf lock (nothing is taken while it is held), so it may happen with a task held.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::task::TaskId;

/// A watched task's new status, as it stood right after the step that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusChange {
    /// The change's number, from 1, in the order changes were queued: a consumer that
    /// delivers several at once can tell their order.
    pub seq: u64,
    pub id: TaskId,
    /// The front door's name (`cnode`, `mobizon`, ...).
    pub door: &'static str,
    /// The task type's name, as its door shows it.
    pub task_type: &'static str,
    /// The new status's name, as its door shows it.
    pub status: &'static str,
    pub progress: u8,
    /// The detail document as JSON text (CNode's additionalInfo).
    pub detail: String,
    /// When the step was due, on the virtual clock, as the wall clock shows it to clients.
    pub at: DateTime<Utc>,
}

/// The queue of status changes of watched tasks. Capacity 0: watching is off (a task
/// cannot be watched, nothing is queued).
pub(super) struct Watches {
    capacity: usize,
    queue: Mutex<VecDeque<StatusChange>>,
    seq: AtomicU64,
    dropped: AtomicU64,
    ready: Notify,
}

impl Watches {
    pub(super) fn new(capacity: usize) -> Watches {
        Watches {
            capacity,
            queue: Mutex::new(VecDeque::new()),
            seq: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            ready: Notify::new(),
        }
    }

    pub(super) fn is_on(&self) -> bool {
        self.capacity > 0
    }

    /// Queues a change (its `seq` is given here); drops the oldest when full.
    pub(super) fn push(&self, mut change: StatusChange) {
        if self.capacity == 0 {
            return;
        }
        {
            let mut queue = self.lock();
            change.seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
            if queue.len() >= self.capacity {
                queue.pop_front();
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            queue.push_back(change);
        }
        self.ready.notify_one();
    }

    /// The oldest change queued, if any.
    pub(super) fn pop(&self) -> Option<StatusChange> {
        self.lock().pop_front()
    }

    /// Waits until a change may have been queued since the last `pop` found none.
    pub(super) async fn ready(&self) {
        self.ready.notified().await;
    }

    pub(super) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(super) fn len(&self) -> usize {
        self.lock().len()
    }

    pub(super) fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<StatusChange>> {
        self.queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
