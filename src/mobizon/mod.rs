//! The Mobizon front door (seed 000, dialects.md §1): `/service/{module}/{method}` with
//! `apiKey`, `output` and `api` in the query, answers in the `{code, data, message}`
//! envelope. Serves the Taskqueue's getStatus and the campaign calls that start the
//! background tasks it reports on.

pub mod http;
mod ops;
pub mod task;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::clock::millis;
use crate::engine::ids::NumberedTasks;
use crate::engine::task::{Door, Lifetime, StatusCode, TaskId, TaskType};
use crate::engine::Engine;
use task::{AddRecipients, TaskKind};

pub const DOOR: Door = Door {
    name: "mobizon",
    tag: 1,
};

/// Task ids start here and grow by one per task (dialects.md 1.6).
const FIRST_TASK_ID: u64 = 1000;
/// Campaign ids start here.
const FIRST_CAMPAIGN_ID: u64 = 70_000_000_001;
/// Campaigns remembered at most; the oldest are forgotten first.
const MAX_CAMPAIGNS: usize = 100_000;
/// "No more than once a second" (seed 000).
const POLL_WINDOW_MS: u64 = 1000;

#[derive(Clone, Debug)]
pub struct Config {
    /// One step of a background task.
    pub pace: Duration,
    /// How long a finished task can still be looked up (Mobizon's own is unconfirmed).
    pub retention: Duration,
    /// How long an unfinished task is kept at most (one nothing moves is not kept for ever).
    pub max_age: Duration,
    /// Answer a second getStatus by one key within a virtual second with code 30.
    pub strict_rate: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            pace: Duration::from_secs(1),
            retention: Duration::from_secs(24 * 3600),
            max_age: Duration::from_secs(30 * 24 * 3600),
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
    /// Modules a key may not call: code 9 (`{ "KEY..." = ["campaign"] }`).
    pub forbidden: std::collections::BTreeMap<String, Vec<String>>,
    /// The API server the account belongs to, when it is not this one: every call answers
    /// code 13 with this domain in `data`, as a call to the wrong country's server does.
    pub right_server: Option<String>,
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

/// A campaign's background add, if any: while one is unfinished, the campaign is locked
/// against other adds (addRecipients.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Adding {
    None,
    /// A task is being started for it (the lock is taken, the id not known yet).
    Starting,
    Task(TaskId),
}

pub struct Mobizon {
    engine: Arc<Engine>,
    config: Config,
    /// The world file's section: keys, language, number typing.
    world: WorldSection,
    campaigns: Mutex<BTreeMap<u64, Adding>>,
    /// getStatus polls per key, against the once-a-second advice.
    polls: crate::rate::RateWindow<String>,
    tasks: NumberedTasks,
    next_campaign: AtomicU64,
}

impl Mobizon {
    pub fn new(engine: Arc<Engine>, config: Config, world: &WorldSection) -> Mobizon {
        let tasks = NumberedTasks::new(
            DOOR,
            FIRST_TASK_ID,
            Lifetime::AfterEnd {
                retention: millis(config.retention),
                max_age: millis(config.max_age),
            },
            millis(config.pace),
        );
        Mobizon {
            engine,
            config,
            world: world.clone(),
            campaigns: Mutex::default(),
            polls: crate::rate::RateWindow::new(POLL_WINDOW_MS),
            tasks,
            next_campaign: AtomicU64::new(FIRST_CAMPAIGN_ID),
        }
    }

    pub fn task_types() -> impl Iterator<Item = &'static TaskType> {
        TaskKind::ALL.iter().map(|kind| kind.task_type())
    }

    fn campaigns(&self) -> MutexGuard<'_, BTreeMap<u64, Adding>> {
        self.campaigns
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new campaign's id; the oldest campaigns are forgotten past the most kept.
    fn create_campaign(&self) -> u64 {
        let id = self.next_campaign.fetch_add(1, Ordering::Relaxed);
        let mut campaigns = self.campaigns();
        campaigns.insert(id, Adding::None);
        while campaigns.len() > MAX_CAMPAIGNS {
            campaigns.pop_first();
        }
        id
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
        let own_job = || -> Box<dyn crate::engine::task::Job> {
            Box::new(AddRecipients::new(task_type, self.recipients_per_group()))
        };
        self.tasks
            .start_dictated(&self.engine, task_type, path, own_job, detail)
    }

    fn parse_id(&self, text: &str) -> Option<TaskId> {
        self.tasks.parse(text)
    }

    fn world(&self) -> Value {
        let mut world = serde_json::to_value(&self.world).unwrap_or(Value::Null);
        world["campaigns"] = self.campaigns().len().into();
        world
    }

    fn reset_world(&self) {
        self.engine.end_unfinished(DOOR.name, "the world was reset");
        self.campaigns().clear();
        self.polls.reset();
    }

    fn too_fast_polls(&self) -> Option<u64> {
        Some(self.polls.too_fast())
    }

    fn reset(&self) {
        self.campaigns().clear();
        self.polls.reset();
        self.tasks.reset();
        self.next_campaign
            .store(FIRST_CAMPAIGN_ID, Ordering::Relaxed);
    }
}
