//! The Bitrix24 front door (seed 004, dialects.md §4): the REST API's
//! `configuration.import.*` methods and `batch` under `/rest/`, called through a webhook
//! (`/rest/{user}/{code}/{method}`) or with an `auth` token, answered in the
//! `result`/`time` or `error`/`error_description` envelope.

pub mod http;
pub mod methods;
pub mod reply;
pub mod task;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::clock::{millis, Millis};
use crate::engine::ids::NumberedTasks;
use crate::engine::task::{Door, Lifetime, StatusCode, TaskId, TaskType};
use crate::engine::Engine;
use task::{Import, IMPORT};

pub const DOOR: Door = Door {
    name: "bitrix24",
    tag: 2,
};

#[derive(Clone, Debug)]
pub struct Config {
    /// One agent run: the import moves one step per run.
    pub pace: Duration,
    /// How long a finished or unregistered process is still known (then `U`).
    pub purge_after: Duration,
    /// How long an unfinished process is kept at most (one nothing moves is not kept for ever).
    pub max_age: Duration,
    /// Answer a second `get` of one process within one agent period with 503.
    pub strict_rate: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            pace: Duration::from_secs(60),
            purge_after: Duration::from_secs(3 * 24 * 3600),
            max_age: Duration::from_secs(30 * 24 * 3600),
            strict_rate: false,
        }
    }
}

/// The world file's `[bitrix24]` section.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorldSection {
    /// Accepted incoming webhooks; empty: any of the right shape (the sandbox).
    pub webhooks: Vec<Webhook>,
    /// Accepted OAuth tokens; empty: any non-empty `auth`.
    pub tokens: Vec<Token>,
    /// The sections an import goes through, one per agent run.
    pub sections: Vec<String>,
    /// The portal's time zone offset, as `date_start` shows it.
    pub zone: String,
    /// Show the cloud's `operating` and `operating_reset_at` in `time`.
    pub cloud_time: bool,
    /// Also enforce the polling advice (as `--strict-rate bitrix24`).
    pub strict_rate: bool,
    /// The portal's request limit (limits.md): off unless given.
    pub leaky_bucket: Option<LeakyBucket>,
}

/// Bitrix24's request-intensity limit: every request adds one to the bucket, which drains by
/// `y` a second (on the virtual clock); a request that would take it over `x` is refused
/// with 503 `QUERY_LIMIT_EXCEEDED`. Enterprise plans: x 250, y 5; others: x 50, y 2.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LeakyBucket {
    pub x: f64,
    pub y: f64,
}

impl Default for WorldSection {
    fn default() -> WorldSection {
        WorldSection {
            webhooks: Vec::new(),
            tokens: Vec::new(),
            sections: ["REST_APPLICATION", "CRM_STATUS", "CRM_FIELDS"]
                .map(String::from)
                .to_vec(),
            zone: "+02:00".into(),
            cloud_time: true,
            strict_rate: false,
            leaky_bucket: None,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub user_id: u64,
    pub code: String,
    /// The scopes the webhook was given; `configuration.import` is needed.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

fn default_scopes() -> Vec<String> {
    vec![task::SCOPE.to_owned()]
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Token {
    pub token: String,
    /// After this (virtual) time the token is refused as expired.
    pub expires_at: Option<DateTime<Utc>>,
}

pub struct Bitrix24 {
    engine: Arc<Engine>,
    config: Config,
    world: WorldSection,
    zone: chrono::FixedOffset,
    processes: NumberedTasks,
    /// `get` polls per process, against the once-a-minute advice (one agent period).
    polls: crate::rate::RateWindow<u64>,
    /// The leaky bucket's level, and when it was last drained.
    bucket: Mutex<(f64, Millis)>,
}

impl Bitrix24 {
    pub fn new(engine: Arc<Engine>, config: Config, world: &WorldSection) -> Bitrix24 {
        let zone = world
            .zone
            .parse()
            .unwrap_or_else(|_| chrono::FixedOffset::east_opt(2 * 3600).expect("+02:00"));
        let window = agent_period(&config);
        let processes = NumberedTasks::new(
            DOOR,
            1,
            Lifetime::AfterEnd {
                retention: millis(config.purge_after),
                max_age: millis(config.max_age),
            },
            millis(config.pace),
        );
        Bitrix24 {
            engine,
            config,
            world: world.clone(),
            zone,
            processes,
            polls: crate::rate::RateWindow::new(window),
            bucket: Mutex::default(),
        }
    }

    /// One request into the portal's leaky bucket, when the world turns it on: `false` when
    /// the bucket is full and the request must be refused.
    fn admit(&self) -> bool {
        let Some(limit) = self.world.leaky_bucket else {
            return true;
        };
        let now = self.engine.clock().now();
        let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        let (level, since) = *bucket;
        let drained = now.saturating_sub(since) as f64 / 1000.0 * limit.y;
        let level = (level - drained).max(0.0);
        if level + 1.0 > limit.x {
            *bucket = (level, now);
            return false;
        }
        *bucket = (level + 1.0, now);
        true
    }

    pub fn task_types() -> impl Iterator<Item = &'static TaskType> {
        std::iter::once(&IMPORT)
    }

    fn import(&self) -> Box<Import> {
        Box::new(Import::new(self.world.sections.clone()))
    }

    fn strict_rate(&self) -> bool {
        self.config.strict_rate || self.world.strict_rate
    }
}

impl crate::state::FrontDoor for Bitrix24 {
    fn door(&self) -> Door {
        DOOR
    }

    fn start_dictated(
        &self,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, String> {
        let own_job = || -> Box<dyn crate::engine::task::Job> { self.import() };
        self.processes
            .start_dictated(&self.engine, task_type, path, own_job, detail)
    }

    fn parse_id(&self, text: &str) -> Option<TaskId> {
        self.processes.parse(text)
    }

    fn world(&self) -> Value {
        serde_json::to_value(&self.world).unwrap_or(Value::Null)
    }

    fn reset_world(&self) {
        self.engine.end_unfinished(DOOR.name, "the world was reset");
        self.polls.reset();
        *self.bucket.lock().unwrap_or_else(|p| p.into_inner()) = (0.0, 0);
    }

    fn too_fast_polls(&self) -> Option<u64> {
        Some(self.polls.too_fast())
    }

    fn reset(&self) {
        self.processes.reset();
        self.polls.reset();
        *self.bucket.lock().unwrap_or_else(|p| p.into_inner()) = (0.0, 0);
    }
}

/// One agent run: the door's pace, or the minute the docs name when tasks move at once.
fn agent_period(config: &Config) -> Millis {
    match millis(config.pace) {
        0 => 60_000,
        pace => pace,
    }
}
