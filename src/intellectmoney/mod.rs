//! The IntellectMoney front door (seed 003, dialects.md §3): the Personal API's scheduled
//! operations under `/personal/{group}/{method}`: `scheduler/getScheduledOperationData`,
//! `scheduler/setScheduledOperationData`, `recurring/deactivate` and `user/getUserToken`,
//! each checked by its `Authorization: Bearer`, `UserToken` and `Sign`, answered with
//! `OperationState` and `Result` (HTTP 200), as JSON or XML.
//!
//! An operation lives in the door's world (`schedule.rs`); its executions are engine tasks
//! (`run.rs`) that fire on the virtual clock per its plans (`plan.rs`).

pub mod fields;
pub mod http;
pub mod methods;
pub mod plan;
pub mod reply;
pub mod run;
pub mod schedule;
pub mod sign;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::clock::{millis, Millis};
use crate::engine::task::{Door, Lifetime, StatusCode, TaskId, TaskType};
use crate::engine::{Engine, NewTask};
use run::Runs;
use schedule::Schedule;

pub const DOOR: Door = Door {
    name: "intellectmoney",
    tag: 4,
};

/// Issued user tokens kept at most (the oldest are forgotten first).
const MAX_USER_TOKENS: usize = 100_000;

#[derive(Clone, Debug)]
pub struct Config {
    /// How long one execution takes (its one step).
    pub pace: Duration,
    /// How long a finished run can still be seen through the admin API.
    pub run_retention: Duration,
    /// How long an issued `UserToken` is accepted.
    pub user_token_ttl: Duration,
    /// Where the door's GUIDs start (tests fix it, so golden exchanges can name an id an
    /// earlier answer gave); `None`: a random start.
    pub id_seed: Option<u64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            pace: Duration::from_secs(1),
            run_retention: Duration::from_secs(30 * 24 * 3600),
            user_token_ttl: Duration::from_secs(24 * 3600),
            id_seed: None,
        }
    }
}

/// The answer's format when the request's `Accept` does not say.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Xml,
}

/// The world file's `[intellectmoney]` section (dialects.md 3.5).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorldSection {
    /// Accepted `Authorization: Bearer` tokens; empty: any non-empty token.
    pub bearer_tokens: Vec<String>,
    /// The `SignSecretKey` every `Sign` is computed with.
    pub sign_secret: String,
    /// Check `Sign` (the default: the point of this door); off for tests that do not care.
    pub sign: bool,
    /// Logins `getUserToken` accepts, with their passwords.
    pub logins: std::collections::BTreeMap<String, String>,
    /// `UserToken`s valid from the start, for ever (the seed's example token by default).
    pub user_tokens: Vec<String>,
    pub eshop_id: u64,
    /// The zone dates are shown in and cron plans are read in.
    pub zone: String,
    pub default_format: Format,
    /// Source invoices that exist (paid, recurring activated); empty: any well-formed one.
    pub invoices: Vec<u64>,
    /// Source invoices whose card declines every charge: their runs fail (and are retried).
    pub declined: Vec<u64>,
}

impl Default for WorldSection {
    fn default() -> WorldSection {
        WorldSection {
            bearer_tokens: Vec::new(),
            sign_secret: "mySignSecretKey".into(),
            sign: true,
            logins: [("demo".to_owned(), "demo".to_owned())].into(),
            user_tokens: Vec::new(),
            eshop_id: 450_000,
            zone: "+03:00".into(),
            default_format: Format::Json,
            invoices: Vec::new(),
            declined: Vec::new(),
        }
    }
}

impl WorldSection {
    /// The zone, read once; a world file with a bad one is refused when it is loaded.
    pub fn zone(&self) -> Result<FixedOffset, String> {
        self.zone
            .parse::<FixedOffset>()
            .map_err(|e| format!("intellectmoney.zone {:?}: {e}", self.zone))
    }
}

pub struct IntellectMoney {
    engine: Arc<Engine>,
    config: Config,
    world: WorldSection,
    zone: FixedOffset,
    runs: Arc<Runs>,
    /// Issued `UserToken`s with when they stop being accepted (`None`: never).
    user_tokens: Mutex<indexmap::IndexMap<String, Option<Millis>>>,
    /// Held while an operation's next run is planned again, so that two changes at once
    /// never leave it two runs waiting (no job takes it: it may be held across engine calls).
    replanning: Mutex<()>,
}

impl IntellectMoney {
    pub fn new(engine: Arc<Engine>, config: Config, world: &WorldSection) -> IntellectMoney {
        let zone = world
            .zone()
            .unwrap_or_else(|_| FixedOffset::east_opt(3 * 3600).expect("+03:00"));
        let runs = Arc::new(Runs {
            schedule: Arc::new(Schedule::default()),
            zone,
            declined: world.declined.clone(),
            lifetime: Lifetime::AfterEnd {
                retention: millis(config.run_retention),
                // A run waits for its planned time, however far ahead that is.
                max_age: 100 * 365 * 24 * 3600 * 1000,
            },
            pace: millis(config.pace),
            ids: Arc::new(crate::engine::ids::Guids::new(config.id_seed)),
        });
        let door = IntellectMoney {
            engine,
            config,
            world: world.clone(),
            zone,
            runs,
            user_tokens: Mutex::default(),
            replanning: Mutex::default(),
        };
        door.issue_world_tokens();
        door
    }

    pub fn task_types() -> impl Iterator<Item = &'static TaskType> {
        std::iter::once(&run::RUN)
    }

    fn tokens(&self) -> MutexGuard<'_, indexmap::IndexMap<String, Option<Millis>>> {
        self.user_tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn issue_world_tokens(&self) {
        let mut tokens = self.tokens();
        tokens.clear();
        for token in &self.world.user_tokens {
            tokens.insert(token.clone(), None);
        }
    }

    /// A new `UserToken`, accepted for the configured time.
    fn issue_user_token(&self) -> String {
        // Base64's letters but `+`, which the seed's way of writing a form body (a literal,
        // unescaped string) would turn into a space.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/";
        let token: String = (0..64)
            .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
            .collect();
        let until = self
            .engine
            .clock()
            .now()
            .saturating_add(millis(self.config.user_token_ttl));
        let mut tokens = self.tokens();
        tokens.insert(token.clone(), Some(until));
        while tokens.len() > MAX_USER_TOKENS {
            tokens.shift_remove_index(0);
        }
        token
    }

    fn user_token_valid(&self, token: &str) -> bool {
        let now = self.engine.clock().now();
        self.tokens()
            .get(token)
            .is_some_and(|until| until.is_none_or(|until| now < until))
    }

    /// A new GUID of the door's (an operation's, an answer's `OperationId`).
    fn new_guid(&self) -> uuid::Uuid {
        self.runs.ids.mint().parse().expect("Guids mints GUIDs")
    }

    /// The instant now on both clocks: wall time for plans, engine time for the schedule.
    fn now(&self) -> (chrono::DateTime<chrono::Utc>, Millis) {
        let at = self.engine.clock().now();
        (self.engine.clock().wall(at), at)
    }

    /// After a change to an operation: the run waiting for its next time is cancelled and
    /// the next one planned by what the operation says now.
    fn replan(&self, operation: uuid::Uuid) {
        let _one_at_a_time = self.replanning();
        // A run firing meanwhile has handed over to its successor: cancel that one too.
        for _ in 0..3 {
            if self.next_run(operation).is_none() {
                break;
            }
            self.cancel_next_run(operation);
        }
        self.plan_next_run(operation);
    }

    /// A live operation always has its next run waiting: one whose run was lost (deleted,
    /// forced to `Cancelled`, refused at the store's limit) gets it back when it is read.
    fn keep_planned(&self, operation: uuid::Uuid) {
        if self.next_run(operation).is_none() {
            let _one_at_a_time = self.replanning();
            self.plan_next_run(operation);
        }
    }

    fn replanning(&self) -> MutexGuard<'_, ()> {
        self.replanning
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The run waiting for the operation's next time, if it is still there.
    fn next_run(&self, operation: uuid::Uuid) -> Option<TaskId> {
        let id = self.runs.schedule.get(operation)?.next_run?;
        self.engine
            .task(id)
            .filter(|run| !run.is_final())
            .map(|_| id)
    }

    /// Starts a run of `operation` at its next planned time after now, unless one waits.
    fn plan_next_run(&self, operation: uuid::Uuid) {
        if self.next_run(operation).is_some() {
            return;
        }
        let Some(operation) = self.runs.schedule.get(operation) else {
            return;
        };
        let (now, _) = self.now();
        if !operation.runs_at(now, self.zone) {
            return;
        }
        let next = operation
            .settings
            .repeat
            .plan
            .next_after(now, self.zone, operation.created);
        let Some(next) = next.filter(|&next| operation.runs_at(next, self.zone)) else {
            return;
        };
        let task = self.runs.planned(operation.id, next, self.now());
        if let Err(error) = self.engine.start(task, &mut self.runs.minter()) {
            log::warn!("intellectmoney: a planned run was refused: {error:?}");
        }
    }

    /// Cancels the run waiting for the operation's next planned time, if any.
    fn cancel_next_run(&self, operation: uuid::Uuid) {
        let next = self
            .runs
            .schedule
            .get(operation)
            .and_then(|operation| operation.next_run);
        if let Some(id) = next {
            self.engine
                .request(id, crate::engine::task::JobRequest::Cancel);
        }
    }
}

impl crate::state::FrontDoor for IntellectMoney {
    fn door(&self) -> Door {
        DOOR
    }

    /// A run: of the operation the detail names (`operation`), or of none.
    fn start_dictated(
        &self,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        mut detail: Map<String, Value>,
    ) -> Result<TaskId, String> {
        debug_assert!(task_type == &run::RUN);
        let (now, now_ms) = self.now();
        let operation = detail
            .get("operation")
            .and_then(Value::as_str)
            .and_then(|id| id.parse::<uuid::Uuid>().ok())
            .filter(|&id| self.runs.schedule.get(id).is_some());
        let mut task: NewTask = match operation {
            Some(operation) => self.runs.planned(operation, now, (now, now_ms)),
            None => self.runs.standalone(now),
        };
        task.detail.append(&mut detail);
        task.outcome = path;
        self.engine
            .start(task, &mut self.runs.minter())
            .map_err(|e| format!("{e:?}"))
    }

    fn parse_id(&self, text: &str) -> Option<TaskId> {
        let guid = text.parse::<uuid::Uuid>().ok()?;
        TaskId::new(DOOR, &guid.hyphenated().to_string())
    }

    /// The section, the issued tokens' count, and the operations (the newest 1000) with what
    /// their runs did: runs started, planned times skipped (those a jump left without a run
    /// too), the run waiting for the next time.
    fn world(&self) -> Value {
        let mut world = serde_json::to_value(&self.world).unwrap_or(Value::Null);
        let (now, _) = self.now();
        let operations = self.runs.schedule.newest(1000);
        world["operations"] = operations
            .iter()
            .map(|operation| {
                serde_json::json!({
                    "id": operation.id.to_string(),
                    "objectId": operation.settings.object_id,
                    "active": operation.runs_at(now, self.zone),
                    "runs": operation.runs,
                    "skipped": operation.skipped,
                    "executing": operation.executing,
                    "nextRun": operation.next_run.map(|id| id.to_string()),
                    "lastExec": operation.last_exec.map(|at| at.to_rfc3339()),
                })
            })
            .collect();
        world["operationCount"] = self.runs.schedule.len().into();
        world["userTokens"] = self.tokens().len().into();
        world
    }

    /// An operation deleted (dialects.md 3.5: through the admin API only): its planned run is
    /// cancelled, and it is gone from every answer; its finished runs stay listed.
    fn forget(&self, id: &str) -> bool {
        let Ok(id) = id.parse::<uuid::Uuid>() else {
            return false;
        };
        let _one_at_a_time = self.replanning();
        self.cancel_next_run(id);
        self.runs.schedule.remove(id)
    }

    fn reset_world(&self) {
        self.engine.end_unfinished(DOOR.name, "the world was reset");
        self.runs.schedule.clear();
        self.issue_world_tokens();
    }

    fn reset(&self) {
        self.runs.schedule.clear();
        self.issue_world_tokens();
    }
}
