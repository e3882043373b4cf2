//! The Mobizon front door (seed 000, dialects.md §1): `/service/{module}/{method}` with
//! `apiKey`, `output` and `api` in the query, answers in the `{code, data, message}`
//! envelope. Serves the Taskqueue's getStatus and the campaign calls that start the
//! background tasks it reports on.

pub mod http;
mod ops;
pub mod task;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::clock::Millis;
use crate::engine::scripted::Scripted;
use crate::engine::task::{Door, Lifetime, StatusCode, TaskId, TaskType};
use crate::engine::{Engine, NewTask, StartError};
use task::{AddRecipients, TaskKind};

pub const DOOR: Door = Door {
    name: "mobizon",
    tag: 1,
};

/// Task ids start here and grow by one per task (dialects.md 1.6).
const FIRST_TASK_ID: u64 = 1000;
/// Campaign ids start here.
const FIRST_CAMPAIGN_ID: u64 = 70_000_000_001;

#[derive(Clone, Debug)]
pub struct Config {
    /// One step of a background task.
    pub pace: Duration,
    /// How long a finished task can still be looked up (Mobizon's own is unconfirmed).
    pub retention: Duration,
    /// Answer a second getStatus by one key within a virtual second with code 30.
    pub strict_rate: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            pace: Duration::from_secs(1),
            retention: Duration::from_secs(24 * 3600),
            strict_rate: false,
        }
    }
}

/// The world file's `[mobizon]` section.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorldSection {
    /// Accepted API keys; empty: any key of 20 to 80 letters and digits (the sandbox).
    pub keys: Vec<String>,
    /// Keys of blocked accounts: code 14.
    pub blocked: Vec<String>,
    /// Ids, `progress` and `status` as JSON strings, as much of the real API writes numbers.
    pub numbers_as_strings: bool,
    /// Message language: `ru` (default) or `en`.
    pub lang: Lang,
    /// Simulated recipients per contact group, so an add task's length depends on its groups.
    pub recipients_per_group: Option<u32>,
    /// Also enforce the polling advice (as `--strict-rate mobizon`).
    pub strict_rate: bool,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
}

/// What the door remembers besides its tasks.
#[derive(Default)]
struct State {
    campaigns: BTreeMap<u64, Campaign>,
    /// The virtual time of each key's last getStatus (strict rate).
    last_poll: HashMap<String, Millis>,
}

struct Campaign {
    /// Its last background add: while unfinished, the campaign is locked against other adds.
    adding: Option<TaskId>,
}

pub struct Mobizon {
    engine: Arc<Engine>,
    config: Config,
    world: WorldSection,
    state: Mutex<State>,
    next_task: AtomicU64,
    next_campaign: AtomicU64,
}

impl Mobizon {
    pub fn new(engine: Arc<Engine>, config: Config, world: &WorldSection) -> Mobizon {
        Mobizon {
            engine,
            config,
            world: world.clone(),
            state: Mutex::default(),
            next_task: AtomicU64::new(FIRST_TASK_ID),
            next_campaign: AtomicU64::new(FIRST_CAMPAIGN_ID),
        }
    }

    pub fn task_types() -> impl Iterator<Item = &'static TaskType> {
        TaskKind::ALL.iter().map(|kind| kind.task_type())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn mint(&self) -> TaskId {
        let id = self.next_task.fetch_add(1, Ordering::Relaxed);
        TaskId::new(DOOR, &id.to_string()).expect("a short number")
    }

    fn start(
        &self,
        job: Box<dyn crate::engine::task::Job>,
        outcome: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, StartError> {
        let new = NewTask {
            job,
            key: None,
            lifetime: Lifetime::AfterEnd(millis(self.config.retention)),
            pace: millis(self.config.pace),
            outcome,
            detail,
        };
        self.engine.start(new, &mut || self.mint())
    }

    fn strict_rate(&self) -> bool {
        self.config.strict_rate || self.world.strict_rate
    }

    /// Recipients one contact group stands for.
    fn recipients_per_group(&self) -> u32 {
        self.world.recipients_per_group.unwrap_or(100).max(1)
    }
}

impl crate::state::FrontDoor for Mobizon {
    fn door(&self) -> Door {
        DOOR
    }

    fn start_dictated(
        &self,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, String> {
        // Without a path, a task runs its own story: recipients of one contact group.
        let job: Box<dyn crate::engine::task::Job> = match path {
            Some(_) => Box::new(Scripted::new(task_type, Vec::new())),
            None => Box::new(AddRecipients::new(task_type, self.recipients_per_group())),
        };
        self.start(job, path, detail).map_err(|e| format!("{e:?}"))
    }

    fn parse_id(&self, text: &str) -> Option<TaskId> {
        let digits =
            !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| TaskId::new(DOOR, text)).flatten()
    }

    fn reset(&self) {
        *self.lock() = State::default();
        self.next_task.store(FIRST_TASK_ID, Ordering::Relaxed);
        self.next_campaign
            .store(FIRST_CAMPAIGN_ID, Ordering::Relaxed);
    }
}

fn millis(duration: Duration) -> Millis {
    Millis::try_from(duration.as_millis()).unwrap_or(Millis::MAX)
}
