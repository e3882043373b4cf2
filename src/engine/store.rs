//! The expiring task store: tasks by id, an index by key (CNode's uniqueTransferId), and a
//! queue of expiry times so that sweeping costs only what has expired.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use dashmap::mapref::entry::Entry;
use dashmap::DashMap;

use super::clock::Millis;
use super::table::TaskTable;
use super::task::{Task, TaskId};

#[derive(Default)]
pub struct TaskStore {
    tasks: TaskTable,
    /// Keys are unique within a front door (its tag first).
    by_key: DashMap<(u8, Box<str>), TaskId>,
    /// Expiry times, earliest first. A task whose expiry moves (one kept for a while after
    /// it ends) gets a second entry; the stale one is skipped when it comes up.
    expiry: Mutex<BinaryHeap<Reverse<Expiry>>>,
    /// How many tasks `tasks` holds: every task start asks (the cap), and counting the
    /// table means locking each of its shards.
    held: AtomicUsize,
}

#[derive(Debug, PartialEq, Eq)]
pub struct KeyInUse;

/// When a task expires, and the task: its creation order, and its id's hash in the table
/// (24 bytes where the id itself would take 38, and a store holds one per task). Of two
/// tasks that expire at one instant, the older is swept first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Expiry {
    at: Millis,
    seq: u64,
    hash: u64,
}

impl TaskStore {
    /// Stores a new task, refusing a key that a live task of its front door already
    /// carries. The task's id is replaced by `mint`'s next one while it is taken.
    pub fn insert(
        &self,
        task: Task,
        now: Millis,
        mint: &mut dyn FnMut() -> TaskId,
    ) -> Result<TaskId, KeyInUse> {
        if let Some(key) = task.key.clone() {
            match self.by_key.entry((task.id.door_tag(), key)) {
                Entry::Occupied(mut held) => {
                    if self.is_live(*held.get(), now) {
                        return Err(KeyInUse);
                    }
                    let id = self.insert_with_free_id(task, mint);
                    held.insert(id);
                    return Ok(id);
                }
                Entry::Vacant(slot) => {
                    // The entry stays locked until the task is stored, so two tasks
                    // racing for one key cannot both win.
                    let id = self.insert_with_free_id(task, mint);
                    slot.insert(id);
                    return Ok(id);
                }
            }
        }
        Ok(self.insert_with_free_id(task, mint))
    }

    fn insert_with_free_id(&self, task: Task, mint: &mut dyn FnMut() -> TaskId) -> TaskId {
        let (expires_at, seq) = (task.expires_at, task.seq);
        let mut task = Box::new(task);
        // Counted first: a count is never below what the table holds.
        self.held.fetch_add(1, Ordering::Relaxed);
        let id = loop {
            let id = task.id;
            match self.tasks.insert_new(task) {
                Ok(()) => break id,
                Err(taken) => {
                    task = taken;
                    task.id = mint();
                }
            }
        };
        self.expire_at(expires_at, seq, id);
        id
    }

    /// Notes that the task `seq`, `id` expires at `at` (a task kept for a while after it
    /// ends learns its expiry when it ends).
    pub fn expire_at(&self, at: Millis, seq: u64, id: TaskId) {
        if at != Millis::MAX {
            let hash = self.tasks.hash(id);
            self.lock_expiry().push(Reverse(Expiry { at, seq, hash }));
        }
    }

    /// Runs `f` on a live task. An expired task is removed and reported absent.
    pub fn with_task<R>(
        &self,
        id: TaskId,
        now: Millis,
        f: impl FnOnce(&mut Task) -> R,
    ) -> Option<R> {
        // An expired task is reported absent; the sweeper frees it (and what it holds).
        self.tasks
            .write(id, |task| (!task.is_expired(now)).then(|| f(task)))
            .flatten()
    }

    /// Runs `f` on a live task without taking it for writing: lookers of one task do not
    /// wait for each other. An expired task is reported absent.
    pub fn peek<R>(&self, id: TaskId, now: Millis, f: impl FnOnce(&Task) -> R) -> Option<R> {
        self.tasks
            .read(id, |task| (!task.is_expired(now)).then(|| f(task)))
            .flatten()
    }

    /// Whether a live task of the front door tagged `door` carries this key.
    pub fn key_in_use(&self, door: u8, key: &str, now: Millis) -> bool {
        self.find_by_key(door, key)
            .is_some_and(|id| self.is_live(id, now))
    }

    pub fn find_by_key(&self, door: u8, key: &str) -> Option<TaskId> {
        self.by_key.get(&(door, Box::from(key))).map(|id| *id)
    }

    /// Takes a task out of the store.
    pub fn take(&self, id: TaskId) -> Option<Task> {
        let task = self.tasks.remove_if(id, |_| true)?;
        self.held.fetch_sub(1, Ordering::Relaxed);
        if let Some(key) = task.key.clone() {
            self.by_key
                .remove_if(&(id.door_tag(), key), |_, held| *held == id);
        }
        Some(*task)
    }

    /// Takes out the next task expired at `now`, if any. The queue lock is held only for the
    /// pop, so requests are never held up behind a long sweep.
    pub fn take_expired(&self, now: Millis) -> Option<Option<Task>> {
        let due = {
            let mut expiry = self.lock_expiry();
            match expiry.peek() {
                Some(&Reverse(due)) if due.at <= now => {
                    expiry.pop();
                    due
                }
                _ => return None,
            }
        };
        // Checked and removed in one step: a task that ended meanwhile keeps its new expiry.
        let Some(task) = self
            .tasks
            .remove_hashed_if(due.hash, |task| task.seq == due.seq && task.is_expired(now))
        else {
            return Some(None);
        };
        self.held.fetch_sub(1, Ordering::Relaxed);
        if let Some(key) = task.key.clone() {
            self.by_key
                .remove_if(&(task.id.door_tag(), key), |_, held| *held == task.id);
        }
        Some(Some(*task))
    }

    /// The ids of every task held now.
    pub fn ids(&self) -> Vec<TaskId> {
        let mut ids = Vec::with_capacity(self.len());
        self.tasks.for_each(|task| ids.push(task.id));
        ids
    }

    /// When the oldest task expires, if there is one.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.lock_expiry().peek().map(|Reverse(due)| due.at)
    }

    /// Calls `f` on every task, live or expired, one shard at a time.
    pub fn for_each(&self, f: impl FnMut(&Task)) {
        self.tasks.for_each(f);
    }

    /// Forgets every task.
    pub fn clear(&self) {
        // Counted shard by shard, so a task stored meanwhile keeps the count right.
        let removed = self.tasks.clear();
        self.held.fetch_sub(removed, Ordering::Relaxed);
        self.by_key.clear();
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
            .read(id, |task| !task.is_expired(now))
            .unwrap_or(false)
    }

    fn lock_expiry(&self) -> std::sync::MutexGuard<'_, BinaryHeap<Reverse<Expiry>>> {
        self.expiry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
