//! The ricloud front door (seed 002, dialects.md §2): Reincubate's ricloud API v3 at the root
//! (`/tasks`, `/sessions`, `/polls`, `/results`, `/users`, `/sources`, `/events`), with
//! `Authorization: Token <t>`, resources as JSON objects carrying their `resource`, list
//! objects with cursor pagination, and `{error, message}` errors with HTTP statuses.
//!
//! Tasks are engine tasks; everything else (users, sources, sessions, polls, results) is the
//! door's own, kept in its registry and derived from its tasks when shown.

pub mod http;
mod ids;
mod list;
mod polls;
mod registry;
pub mod reply;
mod results;
mod sessions;
pub mod task;
pub mod tasks;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::engine::clock::{millis, Millis};
use crate::engine::scripted::Scripted;
use crate::engine::task::{Door, Job, Lifetime, NextIn, StatusCode, TaskId, TaskType};
use crate::engine::{Engine, NewTask};
use registry::{Attrs, Entry, Registry};
use reply::Error;

pub const DOOR: Door = Door {
    name: "ricloud",
    tag: 3,
};

/// The organisation every token belongs to unless the world names another.
pub const ORGANISATION: &str = "6f1c3d2e-8a4b-4c5d-9e6f-7a8b9c0d1e2f";

/// Tasks indexed between two looks for the ones the engine no longer has.
const PRUNE_EVERY: usize = 1024;

#[derive(Clone, Debug)]
pub struct Config {
    /// One step of a task.
    pub pace: Duration,
    /// How long a finished task (its poll, its result) can still be looked up.
    pub retention: Duration,
    /// How long an unfinished task is kept at most.
    pub max_age: Duration,
    /// Fixes the sequence new ids are drawn from (tests that compare answers); random when `None`.
    pub id_seed: Option<u64>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            pace: Duration::from_secs(1),
            retention: Duration::from_secs(7 * 24 * 3600),
            max_age: Duration::from_secs(30 * 24 * 3600),
            id_seed: None,
        }
    }
}

/// The world file's `[ricloud]` section.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorldSection {
    /// Accepted tokens; empty: any non-empty token (the sandbox).
    pub tokens: Vec<String>,
    /// The scopes of listed tokens, by token: a token named here may call only the resource
    /// families listed (`tasks`, `sessions`, `polls`, `results`, `users`, `sources`, `events`);
    /// other calls answer 403 `missing-scope`. A token not named here may call everything.
    pub scopes: std::collections::BTreeMap<String, Vec<String>>,
    /// The organisation id every resource shows.
    pub organisation: String,
}

impl Default for WorldSection {
    fn default() -> WorldSection {
        WorldSection {
            tokens: Vec::new(),
            scopes: Default::default(),
            organisation: ORGANISATION.into(),
        }
    }
}

pub struct Ricloud {
    engine: Arc<Engine>,
    config: Config,
    world: WorldSection,
    ids: crate::engine::ids::Guids,
    registry: Mutex<Registry>,
}

impl Ricloud {
    pub fn new(engine: Arc<Engine>, config: Config, world: &WorldSection) -> Ricloud {
        Ricloud {
            engine,
            ids: crate::engine::ids::Guids::new(config.id_seed),
            config,
            world: world.clone(),
            registry: Mutex::default(),
        }
    }

    pub fn task_types() -> impl Iterator<Item = &'static TaskType> {
        task::TYPES.iter().copied()
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        self.registry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn pace(&self) -> Millis {
        millis(self.config.pace)
    }

    fn organisation(&self) -> &str {
        &self.world.organisation
    }

    /// A datetime as ricloud writes it (dialects.md 2.6).
    fn datetime(&self, at: Millis) -> String {
        self.engine
            .clock()
            .wall(at)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    fn now(&self) -> Millis {
        self.engine.clock().now()
    }

    /// Starts a task with its attributes in its detail, and indexes it.
    fn start(
        &self,
        attrs: Attrs,
        job: Box<dyn Job>,
        outcome: Option<Vec<StatusCode>>,
        extra: Map<String, Value>,
    ) -> Result<TaskId, Error> {
        let mut detail = Map::new();
        detail.insert("organisation".into(), self.organisation().into());
        detail.extend(attrs.to_detail());
        detail.extend(extra);
        let new = NewTask {
            job,
            key: None,
            lifetime: Lifetime::AfterEnd {
                retention: millis(self.config.retention),
                max_age: millis(self.config.max_age),
            },
            pace: self.pace(),
            outcome,
            detail,
            first_step: NextIn::Pace,
        };
        let id = self
            .engine
            .start(new, &mut || self.ids.task_id(DOOR))
            .map_err(|e| Error::limit_exceeded(&format!("no task can be started now: {e:?}")))?;
        let prune = {
            let mut registry = self.registry();
            registry
                .tasks
                .insert(id.to_string(), Arc::new(Entry { id, attrs }));
            registry.since_prune += 1;
            registry.since_prune >= PRUNE_EVERY
        };
        if prune {
            self.prune();
        }
        Ok(id)
    }

    /// Forgets what stands on tasks the engine no longer has: index entries, polls whose
    /// tasks are all gone, sessions whose init is gone and that are past the longest a task
    /// lives, acknowledgements of results that are gone. The registry is not held while the
    /// engine is asked (a task, then a door's world: never the other way round).
    fn prune(&self) {
        let ids: Vec<TaskId> = {
            let mut registry = self.registry();
            registry.since_prune = 0;
            registry.tasks.values().map(|e| e.id).collect()
        };
        let gone: std::collections::HashSet<TaskId> = ids
            .into_iter()
            .filter(|&id| self.engine.task(id).is_none())
            .collect();
        let oldest = self.now().saturating_sub(millis(self.config.max_age));
        let mut registry = self.registry();
        registry.tasks.retain(|_, e| !gone.contains(&e.id));
        registry
            .polls
            .retain(|_, p| !p.tasks.iter().all(|t| gone.contains(t)));
        registry
            .sessions
            .retain(|_, s| !gone.contains(&s.init) || s.created >= oldest);
        let Registry {
            results, consumed, ..
        } = &mut *registry;
        results.retain(|_, task| !gone.contains(task));
        consumed.retain(|result, _| results.contains_key(result));
        registry.bound();
    }

    /// A task's index entry.
    fn entry(&self, id: &str) -> Option<Arc<Entry>> {
        self.registry().tasks.get(id).cloned()
    }
}

impl crate::state::FrontDoor for Ricloud {
    fn door(&self) -> Door {
        DOOR
    }

    /// The admin API's task: indexed like any other, its attributes (`poll`, `target`, ...)
    /// taken from the detail given.
    fn start_dictated(
        &self,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, String> {
        let attrs = Attrs::from_detail(task_type.name, &detail);
        let job: Box<dyn Job> = match path {
            Some(_) => Box::new(Scripted::replaced(task_type)),
            None => Box::new(task::Work::new(task_type, self.pace())),
        };
        let id = self
            .start(attrs, job, path, detail)
            .map_err(|e| e.message)?;
        if task::publishes(task_type) {
            self.registry().results.insert(results::result_id(id), id);
        }
        Ok(id)
    }

    fn world(&self) -> Value {
        let mut world = serde_json::to_value(&self.world).unwrap_or(Value::Null);
        let registry = self.registry();
        world["users"] = registry.users.len().into();
        world["sources"] = registry.sources.len().into();
        world["sessions"] = registry.sessions.len().into();
        world["polls"] = registry.polls.len().into();
        world
    }

    fn reset_world(&self) {
        self.engine.end_unfinished(DOOR.name, "the world was reset");
        let mut registry = self.registry();
        let tasks = std::mem::take(&mut registry.tasks);
        let results = std::mem::take(&mut registry.results);
        *registry = Registry {
            tasks,
            results,
            ..Registry::default()
        };
    }

    fn reset(&self) {
        *self.registry() = Registry::default();
    }
}
