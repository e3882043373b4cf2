//! Ids a front door gives: decimal ids increasing from a first one (Mobizon's tasks,
//! Bitrix24's processes), with how the door starts such tasks; and GUIDs (ricloud's and
//! IntellectMoney's resources and tasks) from a seeded sequence.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::clock::Millis;
use super::scripted::Scripted;
use super::task::{Door, Job, Lifetime, NextIn, StatusCode, TaskId, TaskType};
use super::{Engine, NewTask, StartError};

/// A door's numbered tasks: their ids, how long they live and the door's pace, so that the
/// door starts one in one call.
pub struct NumberedTasks {
    ids: Counter,
    lifetime: Lifetime,
    pace: Millis,
}

impl NumberedTasks {
    pub fn new(door: Door, first: u64, lifetime: Lifetime, pace: Millis) -> NumberedTasks {
        NumberedTasks {
            ids: Counter::new(door, first),
            lifetime,
            pace,
        }
    }

    /// Starts a task running `job`, or walking `outcome` instead when one is dictated.
    pub fn start(
        &self,
        engine: &Engine,
        job: Box<dyn Job>,
        outcome: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, StartError> {
        let new = NewTask {
            job,
            key: None,
            lifetime: self.lifetime,
            pace: self.pace,
            outcome,
            detail,
            first_step: NextIn::Pace,
        };
        engine.start(new, &mut || self.ids.mint())
    }

    /// The admin API's task: one walking `path`, or without a path the door's own job.
    pub fn start_dictated(
        &self,
        engine: &Engine,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        own_job: impl FnOnce() -> Box<dyn Job>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, String> {
        let job = match path {
            Some(_) => Box::new(Scripted::replaced(task_type)),
            None => own_job(),
        };
        self.start(engine, job, path, detail)
            .map_err(|e| format!("{e:?}"))
    }

    /// The id `text` names, if it is a number this door could have given.
    pub fn parse(&self, text: &str) -> Option<TaskId> {
        self.ids.parse(text)
    }

    /// Whether this door has given the id `id`.
    pub fn has_issued(&self, id: u64) -> bool {
        self.ids.has_issued(id)
    }

    /// Numbering starts again from the first id.
    pub fn reset(&self) {
        self.ids.reset();
    }
}

pub struct Counter {
    door: Door,
    first: u64,
    next: AtomicU64,
}

impl Counter {
    pub fn new(door: Door, first: u64) -> Counter {
        Counter {
            door,
            first,
            next: AtomicU64::new(first),
        }
    }

    /// The next id.
    pub fn mint(&self) -> TaskId {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        TaskId::new(self.door, &n.to_string()).expect("a u64 is short")
    }

    /// The id `text` names, if it is a number this counter could have given.
    pub fn parse(&self, text: &str) -> Option<TaskId> {
        let number: u64 = text
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
            .flatten()?;
        TaskId::new(self.door, &number.to_string())
    }

    /// Whether this counter has given `id` (so a poll of it is worth remembering).
    pub fn has_issued(&self, id: u64) -> bool {
        (self.first..self.next.load(Ordering::Relaxed)).contains(&id)
    }

    /// Numbering starts again from the first id.
    pub fn reset(&self) {
        self.next.store(self.first, Ordering::Relaxed);
    }
}

/// GUIDs (UUID v4 strings) from a seeded sequence: md5 of the seed and a counter, with the
/// v4 bits set. A test that fixes the seed sees the same ids every run (golden exchanges can
/// name an id an earlier answer gave); without a seed, a random one.
pub struct Guids {
    seed: [u8; 16],
    next: AtomicU64,
}

impl Guids {
    pub fn new(seed: Option<u64>) -> Guids {
        let seed = match seed {
            Some(seed) => {
                let mut bytes = [0; 16];
                bytes[..8].copy_from_slice(&seed.to_le_bytes());
                bytes
            }
            None => uuid::Uuid::new_v4().into_bytes(),
        };
        Guids {
            seed,
            next: AtomicU64::new(0),
        }
    }

    pub fn mint(&self) -> String {
        use md5::{Digest, Md5};
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut hasher = Md5::new();
        hasher.update(self.seed);
        hasher.update(n.to_le_bytes());
        shaped_as_uuid(hasher.finalize().into())
    }

    /// A new task id at `door`.
    pub fn task_id(&self, door: Door) -> TaskId {
        TaskId::new(door, &self.mint()).expect("a GUID fits a task id")
    }
}

/// Sixteen bytes as a UUID v4's text.
pub fn shaped_as_uuid(bytes: [u8; 16]) -> String {
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOOR: Door = Door { name: "d", tag: 9 };

    #[test]
    fn ids_count_up_and_parse_back() {
        let ids = Counter::new(DOOR, 1000);
        let first = ids.mint();
        assert_eq!(first.as_str(), "1000");
        assert_eq!(ids.mint().as_str(), "1001");
        assert_eq!(ids.parse("1000"), Some(first));
        assert_eq!(ids.parse("01000"), Some(first), "a number, however written");
        assert_eq!(ids.parse("10a"), None);
        assert_eq!(ids.parse(""), None);
        assert_eq!(ids.parse("99999999999999999999999"), None);
        ids.reset();
        assert_eq!(ids.mint(), first);
    }
}
