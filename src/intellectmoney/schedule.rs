//! The scheduler's world: every scheduled operation, in creation order, with what its runs
//! have done to it. Runs (engine tasks, `run.rs`) read and change it while they step; the
//! methods read it after the engine has caught up. Nothing here calls the engine.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use indexmap::IndexMap;
use uuid::Uuid;

use super::plan::Plan;
use crate::engine::task::TaskId;

/// Operations kept at most (the oldest go first): the emulator's own bound.
const MAX_OPERATIONS: usize = 100_000;

/// A plan as it was sent (shown back as sent) and as it is read.
#[derive(Clone, Debug)]
pub struct PlanText {
    pub text: String,
    pub plan: Plan,
}

/// What a scheduled operation is told to do: the fields `setScheduledOperationData` sets.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The source invoice each run charges again (`3xxxxxxxxx`).
    pub object_id: u64,
    /// `ParamsJson`, as JSON text.
    pub params: String,
    pub repeat: PlanText,
    pub retry: Option<PlanText>,
    pub retry_count: u32,
    /// Runs of this operation never overlap.
    pub is_single: bool,
    /// Every planned time missed while the clock jumped gets its run (else only the latest).
    pub fire_on_skip: bool,
    /// `State` 1: active.
    pub active: bool,
    /// The last day runs may happen, in the world's zone.
    pub end_exec: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub id: Uuid,
    pub settings: Settings,
    pub created: DateTime<Utc>,
    pub changed: DateTime<Utc>,
    /// When the last run started (a retry too).
    pub last_exec: Option<DateTime<Utc>>,
    /// The run waiting for the next planned time, if any.
    pub next_run: Option<TaskId>,
    /// Runs executing now (more than one only when `is_single` is off).
    pub executing: u32,
    /// Runs started, and planned times skipped, over the operation's life.
    pub runs: u64,
    pub skipped: u64,
}

impl Operation {
    /// The end of `EndExecDate`'s day in `zone`.
    pub fn ends_at(&self, zone: FixedOffset) -> Option<DateTime<Utc>> {
        let end = self.settings.end_exec?.succ_opt()?.and_hms_opt(0, 0, 0)?;
        Some(end.and_local_timezone(zone).single()?.with_timezone(&Utc))
    }

    /// Runs may start at `at`: active, and `EndExecDate` not past.
    pub fn runs_at(&self, at: DateTime<Utc>, zone: FixedOffset) -> bool {
        self.settings.active && self.ends_at(zone).is_none_or(|end| at < end)
    }
}

/// Every operation of the world, by id, oldest first.
#[derive(Default)]
pub struct Schedule {
    operations: Mutex<IndexMap<Uuid, Operation>>,
}

impl Schedule {
    fn lock(&self) -> MutexGuard<'_, IndexMap<Uuid, Operation>> {
        // Changed only in whole updates, so a panic elsewhere leaves it usable.
        self.operations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn insert(&self, operation: Operation) {
        let mut operations = self.lock();
        operations.insert(operation.id, operation);
        while operations.len() > MAX_OPERATIONS {
            operations.shift_remove_index(0);
        }
    }

    /// Forgets an operation; false when there was none.
    pub fn remove(&self, id: Uuid) -> bool {
        self.lock().shift_remove(&id).is_some()
    }

    pub fn get(&self, id: Uuid) -> Option<Operation> {
        self.lock().get(&id).cloned()
    }

    /// Changes one operation; `None` when there is no such operation.
    pub fn update<T>(&self, id: Uuid, change: impl FnOnce(&mut Operation) -> T) -> Option<T> {
        self.lock().get_mut(&id).map(change)
    }

    /// The operations `keep` lets through, oldest first, from the `skip`-th, at most `take`.
    pub fn page(
        &self,
        keep: impl Fn(&Operation) -> bool,
        skip: usize,
        take: usize,
    ) -> Vec<Operation> {
        self.lock()
            .values()
            .filter(|operation| keep(operation))
            .skip(skip)
            .take(take)
            .cloned()
            .collect()
    }

    /// The newest `count` operations, newest first.
    pub fn newest(&self, count: usize) -> Vec<Operation> {
        self.lock().values().rev().take(count).cloned().collect()
    }

    /// The ids of every operation on the source invoice `object_id`.
    pub fn on_invoice(&self, object_id: u64) -> Vec<Uuid> {
        self.lock()
            .values()
            .filter(|operation| operation.settings.object_id == object_id)
            .map(|operation| operation.id)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}
