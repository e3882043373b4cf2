//! What the engine counts for metrics, by task type (its index in `Engine::task_types`) and
//! final status: atomic adds where tasks start, finish and expire, read at scrape time.

use std::sync::atomic::{AtomicU64, Ordering};

use super::task::TaskType;

pub struct EngineCounters {
    types: Vec<&'static TaskType>,
    created: Box<[AtomicU64]>,
    expired: Box<[AtomicU64]>,
    swept: Box<[AtomicU64]>,
    /// 64 per type: one per status position.
    finished: Box<[AtomicU64]>,
}

fn zeros(n: usize) -> Box<[AtomicU64]> {
    (0..n).map(|_| AtomicU64::new(0)).collect()
}

impl EngineCounters {
    pub(super) fn new(types: &[&'static TaskType]) -> EngineCounters {
        EngineCounters {
            types: types.to_vec(),
            created: zeros(types.len()),
            expired: zeros(types.len()),
            swept: zeros(types.len()),
            finished: zeros(types.len() * 64),
        }
    }

    /// The type's index: a scan of a few pointers, no lock.
    fn index(&self, task_type: &TaskType) -> Option<usize> {
        self.types.iter().position(|t| std::ptr::eq(*t, task_type))
    }

    fn add(counters: &[AtomicU64], index: Option<usize>) {
        if let Some(counter) = index.and_then(|i| counters.get(i)) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(super) fn on_created(&self, task_type: &TaskType) {
        Self::add(&self.created, self.index(task_type));
    }

    pub(super) fn on_finished(&self, task_type: &TaskType, status: u8) {
        let index = self.index(task_type).map(|i| i * 64 + usize::from(status));
        Self::add(&self.finished, index);
    }

    pub(super) fn on_swept(&self, task_type: &TaskType, unfinished: bool) {
        let index = self.index(task_type);
        Self::add(&self.swept, index);
        if unfinished {
            Self::add(&self.expired, index);
        }
    }

    fn get(counters: &[AtomicU64], index: usize) -> u64 {
        counters.get(index).map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// Tasks of the type at `index` started.
    pub fn created(&self, index: usize) -> u64 {
        Self::get(&self.created, index)
    }

    /// Tasks of the type at `index` that reached the end of their lifetime unfinished.
    pub fn expired(&self, index: usize) -> u64 {
        Self::get(&self.expired, index)
    }

    /// Tasks of the type at `index` freed at the end of their lifetime.
    pub fn swept(&self, index: usize) -> u64 {
        Self::get(&self.swept, index)
    }

    /// Tasks of the type at `index` that reached the final status at position `status`.
    pub fn finished(&self, index: usize, status: usize) -> u64 {
        Self::get(&self.finished, index * 64 + status)
    }
}
