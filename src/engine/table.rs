//! The tasks themselves, by id: a hash table of boxed tasks split into shards, each behind
//! its own lock, so that tasks in different shards are used without waiting for each other.
//!
//! A slot holds only the box: the table finds a task by the id the task carries, so the id
//! is stored once (a map would keep a copy as its key), and an empty slot (a table grows by
//! doubling: just past a doubling, half its slots are empty) costs a pointer, not an id and
//! a pointer.

use std::hash::{BuildHasher, RandomState};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use hashbrown::hash_table::Entry;
use hashbrown::HashTable;

use super::task::{Task, TaskId};

type Shard = HashTable<Box<Task>>;

pub struct TaskTable {
    shards: Box<[Padded<RwLock<Shard>>]>,
    /// How many bits of a hash pick the shard (there are `1 << shard_bits` shards).
    shard_bits: u32,
    hasher: RandomState,
}

impl Default for TaskTable {
    fn default() -> TaskTable {
        // As many shards as dashmap would make: four per core (so at least four), a power
        // of two.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let shard_bits = (cores * 4).next_power_of_two().trailing_zeros();
        TaskTable {
            shards: (0..1 << shard_bits)
                .map(|_| Padded(RwLock::new(HashTable::new())))
                .collect(),
            shard_bits,
            hasher: RandomState::new(),
        }
    }
}

impl TaskTable {
    /// Stores a task under its id; a task already there keeps it, and `task` comes back.
    pub fn insert_new(&self, task: Box<Task>) -> Result<(), Box<Task>> {
        let (hash, mut shard) = self.shard_for_writing(task.id);
        match shard.entry(hash, |held| held.id == task.id, |held| self.hash(held.id)) {
            Entry::Occupied(_) => Err(task),
            Entry::Vacant(slot) => {
                slot.insert(task);
                Ok(())
            }
        }
    }

    /// Runs `f` on the task with this id, read only: readers of one shard do not wait for
    /// each other.
    pub fn read<R>(&self, id: TaskId, f: impl FnOnce(&Task) -> R) -> Option<R> {
        let (hash, shard) = self.shard_for_reading(id);
        shard.find(hash, |task| task.id == id).map(|task| f(task))
    }

    /// Runs `f` on the task with this id, its shard held for writing.
    pub fn write<R>(&self, id: TaskId, f: impl FnOnce(&mut Task) -> R) -> Option<R> {
        let (hash, mut shard) = self.shard_for_writing(id);
        shard
            .find_mut(hash, |task| task.id == id)
            .map(|task| f(task))
    }

    /// Takes out the task with this id if `take` says so, deciding and removing in one step.
    pub fn remove_if(&self, id: TaskId, take: impl Fn(&Task) -> bool) -> Option<Box<Task>> {
        self.remove_hashed_if(self.hash(id), |task| task.id == id && take(task))
    }

    /// Takes out the task whose id has this hash (see [`TaskTable::hash`]) and for which
    /// `take` holds, deciding and removing in one step.
    pub fn remove_hashed_if(&self, hash: u64, take: impl Fn(&Task) -> bool) -> Option<Box<Task>> {
        let mut shard = write_lock(&self.shards[self.shard_of(hash)].0);
        let held = shard.find_entry(hash, |task| take(task)).ok()?;
        let (task, _) = held.remove();
        Some(task)
    }

    /// Calls `f` on every task, one shard at a time.
    pub fn for_each(&self, mut f: impl FnMut(&Task)) {
        for Padded(shard) in &self.shards {
            read_lock(shard).iter().for_each(|task| f(task));
        }
    }

    /// Forgets every task; answers how many there were.
    pub fn clear(&self) -> usize {
        let mut removed = 0;
        for Padded(shard) in &self.shards {
            let mut shard = write_lock(shard);
            removed += shard.len();
            // A fresh table: a cleared one would keep its size for ever.
            *shard = HashTable::new();
        }
        removed
    }

    /// Where the table places a task: its id's hash. Eight bytes that find the task again
    /// where its id would take 38 (the expiry queue keeps one per task).
    pub fn hash(&self, id: TaskId) -> u64 {
        self.hasher.hash_one(id)
    }

    /// The shard of an id's hash. Not the top bits: the table keys its slots' tags by those,
    /// and the ids of one shard would all share them.
    fn shard_of(&self, hash: u64) -> usize {
        ((hash << 7) >> (64 - self.shard_bits)) as usize
    }

    fn shard_for_reading(&self, id: TaskId) -> (u64, RwLockReadGuard<'_, Shard>) {
        let hash = self.hash(id);
        (hash, read_lock(&self.shards[self.shard_of(hash)].0))
    }

    fn shard_for_writing(&self, id: TaskId) -> (u64, RwLockWriteGuard<'_, Shard>) {
        let hash = self.hash(id);
        (hash, write_lock(&self.shards[self.shard_of(hash)].0))
    }
}

/// A shard alone on its cache lines (as dashmap keeps its shards): threads that use
/// neighbouring shards at once do not take the same line from each other at every lock.
#[repr(align(128))]
struct Padded<T>(T);

// Tasks are changed only in whole steps, so a panic elsewhere leaves a shard usable.
fn read_lock<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write_lock<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
