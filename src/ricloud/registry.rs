//! What the door keeps besides the engine's tasks: users, sources, sessions, polls, the index
//! of its tasks in creation order (so a listing walks the door's own tasks, newest first,
//! never the whole store), results' ids and which results were acknowledged.
//!
//! Bounded: users and sources past the most kept go oldest first; sessions, polls, index
//! entries and acknowledgements go once the tasks they stand on are gone (`Ricloud::prune`).

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::task::InitOutcome;
use crate::engine::clock::Millis;
use crate::engine::task::TaskId;

/// Users (and sources) kept at most; the oldest are forgotten first.
pub const MAX_KEPT: usize = 100_000;

/// A task's attributes that never change, as the index keeps them (and its detail shows them).
#[derive(Clone, Debug, Default)]
pub struct Attrs {
    pub type_name: &'static str,
    pub key: Option<String>,
    pub user: Option<String>,
    pub source: Option<String>,
    pub session: Option<String>,
    pub poll: Option<String>,
    pub source_type: Option<String>,
    pub target: Option<String>,
}

/// The names the index keeps, in the order a task shows them.
pub const ATTRS: [&str; 7] = [
    "key",
    "user",
    "source",
    "session",
    "poll",
    "source_type",
    "target",
];

impl Attrs {
    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            "type" => Some(self.type_name),
            "key" => self.key.as_deref(),
            "user" => self.user.as_deref(),
            "source" => self.source.as_deref(),
            "session" => self.session.as_deref(),
            "poll" => self.poll.as_deref(),
            "source_type" => self.source_type.as_deref(),
            "target" => self.target.as_deref(),
            _ => None,
        }
    }

    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "key" => &mut self.key,
            "user" => &mut self.user,
            "source" => &mut self.source,
            "session" => &mut self.session,
            "poll" => &mut self.poll,
            "source_type" => &mut self.source_type,
            "target" => &mut self.target,
            _ => return None,
        })
    }

    /// The attributes a detail names (an admin-created task's), as text.
    pub fn from_detail(type_name: &'static str, detail: &Map<String, Value>) -> Attrs {
        let mut attrs = Attrs {
            type_name,
            ..Attrs::default()
        };
        for name in ATTRS {
            let text = match detail.get(name) {
                Some(Value::String(text)) => Some(text.clone()),
                Some(Value::Null) | None => None,
                Some(other) => Some(other.to_string()),
            };
            if let Some(slot) = attrs.slot(name) {
                *slot = text;
            }
        }
        attrs
    }

    /// The attributes as the task's detail keeps them.
    pub fn to_detail(&self) -> Map<String, Value> {
        ATTRS
            .iter()
            .filter_map(|name| Some((name.to_string(), Value::from(self.get(name)?))))
            .collect()
    }
}

/// One task in the door's index.
#[derive(Debug)]
pub struct Entry {
    pub id: TaskId,
    pub attrs: Attrs,
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: String,
    pub key: String,
    pub identifier: String,
    pub created: Millis,
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    pub user: String,
    pub source_type: String,
    pub identifier: String,
    pub created: Millis,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub key: String,
    pub user: String,
    pub source: String,
    pub init: TaskId,
    pub outcome: Arc<InitOutcome>,
    pub created: Millis,
    pub expired: Option<Millis>,
}

#[derive(Clone, Debug)]
pub struct Poll {
    pub id: String,
    pub key: String,
    pub user: String,
    pub source: String,
    pub session: String,
    pub tasks: Vec<TaskId>,
    pub created: Millis,
}

#[derive(Default)]
pub struct Registry {
    pub users: IndexMap<String, Arc<User>>,
    pub sources: IndexMap<String, Arc<Source>>,
    pub sessions: IndexMap<String, Arc<Session>>,
    pub polls: IndexMap<String, Arc<Poll>>,
    /// Every task of the door by id, in creation order.
    pub tasks: IndexMap<String, Arc<Entry>>,
    /// A result's id → its task's id.
    pub results: HashMap<String, TaskId>,
    /// Acknowledged results: when.
    pub consumed: HashMap<String, Millis>,
    /// Tasks indexed since the last prune.
    pub since_prune: usize,
}

impl Registry {
    /// Forgets the oldest users and sources past the most kept (a tenth at a time, so the
    /// cost of shifting the map is spread over many inserts).
    pub fn bound(&mut self) {
        if self.users.len() > MAX_KEPT {
            self.users.drain(..MAX_KEPT / 10);
        }
        if self.sources.len() > MAX_KEPT {
            self.sources.drain(..MAX_KEPT / 10);
        }
    }
}
