//! Steps waiting for their time, earliest first: one entry per task with a step due. The
//! task itself records the entry it has (`Task::queued`), and only `Engine::keep_due`, with
//! the task held, changes it: so a task rescheduled earlier (forced, stepped) never leaves
//! a second entry behind, and a task whose schedule did not change costs no lock.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::clock::Millis;
use super::lock;
use super::task::TaskId;

/// (due time, creation order): of two steps due at one instant, the older task's goes first.
pub type DueKey = (Millis, u64);

pub struct DueQueue {
    order: Mutex<BTreeSet<(DueKey, TaskId)>>,
    /// The earliest due time, read without the lock by the request path.
    earliest: AtomicU64,
}

impl Default for DueQueue {
    fn default() -> DueQueue {
        DueQueue {
            order: Mutex::new(BTreeSet::new()),
            earliest: AtomicU64::new(Millis::MAX),
        }
    }
}

impl DueQueue {
    /// Moves a task's entry from `held` (what it had) to `key` (what it needs).
    pub fn set(&self, id: TaskId, held: Option<DueKey>, key: Option<DueKey>) {
        let mut order = lock(&self.order);
        if let Some(old) = held {
            order.remove(&(old, id));
        }
        if let Some(new) = key {
            order.insert((new, id));
        }
        self.publish_earliest(&order);
    }

    /// The earliest entry due by `now`, taken out.
    pub fn pop_one(&self, now: Millis) -> Option<(TaskId, DueKey)> {
        if self.earliest.load(Ordering::Acquire) > now {
            return None;
        }
        let mut order = lock(&self.order);
        let popped = match order.first() {
            Some(&(key, id)) if key.0 <= now => {
                order.pop_first();
                Some((id, key))
            }
            _ => None,
        };
        self.publish_earliest(&order);
        popped
    }

    /// Whether the queue holds this entry.
    pub fn contains(&self, id: TaskId, key: DueKey) -> bool {
        lock(&self.order).contains(&(key, id))
    }

    pub fn clear(&self) {
        let mut order = lock(&self.order);
        order.clear();
        self.publish_earliest(&order);
    }

    pub fn earliest(&self) -> Option<Millis> {
        Some(self.earliest.load(Ordering::Acquire)).filter(|&at| at != Millis::MAX)
    }

    /// How many entries the queue holds.
    pub fn len(&self) -> usize {
        lock(&self.order).len()
    }

    fn publish_earliest(&self, order: &BTreeSet<(DueKey, TaskId)>) {
        let next = order.first().map_or(Millis::MAX, |&((at, _), _)| at);
        self.earliest.store(next, Ordering::Release);
    }
}
