//! The expiring task store: tasks by id, an index by uniqueTransferId, and a queue of
//! expiry times so that sweeping costs only what has expired.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use dashmap::mapref::entry::Entry;
use dashmap::DashMap;

use super::clock::Millis;
use super::task::{Task, TaskId};

#[derive(Default)]
pub struct TaskStore {
    /// Boxed: a map grows by doubling, and its empty slots then cost a pointer, not a task.
    tasks: DashMap<TaskId, Box<Task>>,
    by_transfer_id: DashMap<Box<str>, TaskId>,
    /// (expires_at, id) in insertion order. Every task lives for the same TTL from its
    /// creation, so this is also expiry order.
    expiry: Mutex<VecDeque<(Millis, TaskId)>>,
    /// How many tasks `tasks` holds: every task start asks (the cap), and counting a
    /// dashmap means locking each of its shards.
    held: AtomicUsize,
}

#[derive(Debug, PartialEq, Eq)]
pub struct TransferIdInUse;

impl TaskStore {
    /// Stores a new task, refusing a uniqueTransferId that a live task already carries.
    /// The task's id is replaced if (improbably) it is already taken.
    pub fn insert(&self, task: Task, now: Millis) -> Result<TaskId, TransferIdInUse> {
        if let Some(uid) = task.unique_transfer_id.clone() {
            match self.by_transfer_id.entry(uid) {
                Entry::Occupied(mut held) => {
                    if self.is_live(*held.get(), now) {
                        return Err(TransferIdInUse);
                    }
                    let id = self.insert_with_fresh_id(task);
                    held.insert(id);
                    return Ok(id);
                }
                Entry::Vacant(slot) => {
                    // The entry stays locked until the task is stored, so two tasks
                    // racing for one transfer id cannot both win.
                    let id = self.insert_with_fresh_id(task);
                    slot.insert(id);
                    return Ok(id);
                }
            }
        }
        Ok(self.insert_with_fresh_id(task))
    }

    /// A random id no task has now.
    pub fn fresh_id(&self) -> TaskId {
        loop {
            let id = TaskId::random();
            if !self.tasks.contains_key(&id) {
                return id;
            }
        }
    }

    fn insert_with_fresh_id(&self, mut task: Task) -> TaskId {
        let expires_at = task.expires_at;
        let id = loop {
            match self.tasks.entry(task.id) {
                Entry::Vacant(slot) => {
                    let id = task.id;
                    // Counted first: a count is never below what the map holds.
                    self.held.fetch_add(1, Ordering::Relaxed);
                    slot.insert(Box::new(task));
                    break id;
                }
                Entry::Occupied(_) => task.id = TaskId::random(),
            }
        };
        self.lock_expiry().push_back((expires_at, id));
        id
    }

    /// Runs `f` on a live task. An expired task is removed and reported absent.
    pub fn with_task<R>(
        &self,
        id: TaskId,
        now: Millis,
        f: impl FnOnce(&mut Task) -> R,
    ) -> Option<R> {
        // An expired task is reported absent; the sweeper frees it (and what it holds).
        let mut task = self.tasks.get_mut(&id)?;
        if task.is_expired(now) {
            return None;
        }
        Some(f(&mut task))
    }

    /// Runs `f` on a live task without taking it for writing: lookers of one task do not
    /// wait for each other. An expired task is reported absent.
    pub fn peek<R>(&self, id: TaskId, now: Millis, f: impl FnOnce(&Task) -> R) -> Option<R> {
        let task = self.tasks.get(&id)?;
        if task.is_expired(now) {
            return None;
        }
        Some(f(&task))
    }

    /// Whether a live task carries this uniqueTransferId.
    pub fn transfer_id_in_use(&self, unique_transfer_id: &str, now: Millis) -> bool {
        self.find_by_transfer_id(unique_transfer_id)
            .is_some_and(|id| self.is_live(id, now))
    }

    pub fn find_by_transfer_id(&self, unique_transfer_id: &str) -> Option<TaskId> {
        self.by_transfer_id.get(unique_transfer_id).map(|id| *id)
    }

    /// Takes a task out of the store.
    pub fn take(&self, id: TaskId) -> Option<Task> {
        let (_, task) = self.tasks.remove(&id)?;
        self.held.fetch_sub(1, Ordering::Relaxed);
        if let Some(uid) = &task.unique_transfer_id {
            self.by_transfer_id.remove_if(uid, |_, held| *held == id);
        }
        Some(*task)
    }

    /// Takes out the next task expired at `now`, if any. The queue lock is held only for the
    /// pop, so requests are never held up behind a long sweep.
    pub fn take_expired(&self, now: Millis) -> Option<Option<Task>> {
        let id = {
            let mut expiry = self.lock_expiry();
            match expiry.front() {
                Some(&(at, id)) if at <= now => {
                    expiry.pop_front();
                    id
                }
                _ => return None,
            }
        };
        let expired = self.tasks.get(&id).is_some_and(|task| task.is_expired(now));
        Some(if expired { self.take(id) } else { None })
    }

    /// The ids of every task held now.
    pub fn ids(&self) -> Vec<TaskId> {
        self.tasks.iter().map(|task| task.id).collect()
    }

    /// When the oldest task expires, if there is one.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.lock_expiry().front().map(|&(at, _)| at)
    }

    /// Calls `f` on every task, live or expired, one shard at a time.
    pub fn for_each(&self, mut f: impl FnMut(&Task)) {
        for task in self.tasks.iter() {
            f(&task);
        }
    }

    /// Forgets every task.
    pub fn clear(&self) {
        // Counted one by one, so a task stored meanwhile keeps the count right.
        let mut removed = 0;
        self.tasks.retain(|_, _| {
            removed += 1;
            false
        });
        self.held.fetch_sub(removed, Ordering::Relaxed);
        self.by_transfer_id.clear();
        self.lock_expiry().clear();
    }

    pub fn len(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn is_live(&self, id: TaskId, now: Millis) -> bool {
        self.tasks
            .get(&id)
            .is_some_and(|task| !task.is_expired(now))
    }

    fn lock_expiry(&self) -> std::sync::MutexGuard<'_, VecDeque<(Millis, TaskId)>> {
        self.expiry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
