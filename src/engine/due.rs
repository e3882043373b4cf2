//! Steps waiting for their time, earliest first: one entry per task with a step due, kept
//! by [`DueQueue::set`] alone, so a task rescheduled earlier (forced, stepped) never leaves
//! a second entry behind.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::clock::Millis;
use super::lock;
use super::task::TaskId;

/// (due time, creation order): of two steps due at one instant, the older task's goes first.
type DueKey = (Millis, u64);

pub struct DueQueue {
    inner: Mutex<Entries>,
    /// The earliest due time, read without the lock by the request path.
    earliest: AtomicU64,
}

#[derive(Default)]
struct Entries {
    order: BTreeSet<(DueKey, TaskId)>,
    by_task: HashMap<TaskId, DueKey>,
}

impl Default for DueQueue {
    fn default() -> DueQueue {
        DueQueue {
            inner: Mutex::new(Entries::default()),
            earliest: AtomicU64::new(Millis::MAX),
        }
    }
}

impl DueQueue {
    /// The task's entry: at `key`, or none.
    pub fn set(&self, id: TaskId, key: Option<DueKey>) {
        let mut entries = lock(&self.inner);
        let held = entries.by_task.get(&id).copied();
        if held == key {
            return;
        }
        if let Some(old) = held {
            entries.order.remove(&(old, id));
            entries.by_task.remove(&id);
        }
        if let Some(new) = key {
            entries.order.insert((new, id));
            entries.by_task.insert(id, new);
        }
        self.publish_earliest(&entries);
    }

    pub fn remove(&self, id: TaskId) {
        self.set(id, None);
    }

    /// The earliest entry due by `now`, taken out.
    pub fn pop_one(&self, now: Millis) -> Option<TaskId> {
        if self.earliest.load(Ordering::Acquire) > now {
            return None;
        }
        let mut entries = lock(&self.inner);
        let popped = match entries.order.first() {
            Some(&((at, _), id)) if at <= now => {
                entries.order.pop_first();
                entries.by_task.remove(&id);
                Some(id)
            }
            _ => None,
        };
        self.publish_earliest(&entries);
        popped
    }

    pub fn clear(&self) {
        let mut entries = lock(&self.inner);
        *entries = Entries::default();
        self.publish_earliest(&entries);
    }

    pub fn earliest(&self) -> Option<Millis> {
        Some(self.earliest.load(Ordering::Acquire)).filter(|&at| at != Millis::MAX)
    }

    /// The entry held for a task, if any (for the invariant's test).
    pub fn entry_of(&self, id: TaskId) -> Option<DueKey> {
        lock(&self.inner).by_task.get(&id).copied()
    }

    /// How many entries the queue holds.
    pub fn len(&self) -> usize {
        lock(&self.inner).order.len()
    }

    fn publish_earliest(&self, entries: &Entries) {
        let next = entries
            .order
            .first()
            .map_or(Millis::MAX, |&((at, _), _)| at);
        self.earliest.store(next, Ordering::Release);
    }
}
