//! `/tasks`: a task as ricloud shows it (static attributes from the index, `state` and dates
//! from the engine), the listing with every filter, and `POST /tasks` (the emulator's own:
//! ricloud-py has `Task.create`, the docs no such call).

use std::sync::Arc;

use serde_json::{json, Value};

use super::list::{page, whole, Query, Window};
use super::registry::{Attrs, Entry};
use super::reply::{Error, Reply};
use super::task::{self, Init, Work, FAILED, PROCESSING, SUCCEEDED, SUSPENDED, VOCABULARY};
use super::Ricloud;
use crate::engine::clock::Millis;
use crate::engine::task::StatusCode;

/// Who calls and how they reached us: what an answer needs besides the door.
pub struct Ctx<'a> {
    /// The caller's key id.
    pub key: &'a str,
    /// The Host the request named, for the signed URLs the answer carries.
    pub host: &'a str,
}

/// A task's changing half, read from the engine.
#[derive(Clone, Debug)]
pub struct TaskState {
    pub status: StatusCode,
    pub created: Millis,
    pub started: Option<Millis>,
    pub completed: Option<Millis>,
    pub error: Option<String>,
}

impl TaskState {
    pub fn is_final(&self) -> bool {
        VOCABULARY.is_final(self.status)
    }

    pub fn name(&self) -> &'static str {
        VOCABULARY.name(self.status)
    }
}

/// Attribute filters a listing of tasks takes, answered from the index alone.
const STATIC_FILTERS: [&str; 8] = [
    "key",
    "user",
    "source",
    "session",
    "poll",
    "source_type",
    "type",
    "target",
];

impl Ricloud {
    /// A task as it stands (`poll`: the read is a status poll, which moves a task under
    /// per-poll progression). A poll's task parked while it waited for its session is woken
    /// here once the session has ended. `None` when the engine no longer has it.
    pub(super) fn task_state(&self, entry: &Entry, poll: bool) -> Option<TaskState> {
        let id = entry.id;
        let view = if poll {
            self.engine.poll(id)
        } else {
            self.engine.task(id)
        }?;
        let mut detail: serde_json::Map<String, Value> =
            serde_json::from_str(&view.detail).unwrap_or_default();
        // Waiting on its session (the job marks such a task `waiting`; a dictated
        // `suspended` is not): the session's end may only be seen now, by this read, and the
        // task is shown as the waking left it (its error too).
        if view.status == SUSPENDED && detail.contains_key("waiting") {
            self.wake(entry);
            let woken = self.engine.task(id)?;
            detail = serde_json::from_str(&woken.detail).unwrap_or_default();
        }
        let history = self.engine.task_history(id)?;
        let (status, created) = match (history.last(), history.first()) {
            (Some(&(status, _)), Some(&(_, created))) => (status, created),
            _ => return None,
        };
        let entered = |wanted: &dyn Fn(StatusCode) -> bool| {
            history.iter().find(|(s, _)| wanted(*s)).map(|&(_, at)| at)
        };
        let error = (status == FAILED).then(|| {
            detail
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or(task::DEFAULT_ERROR)
                .to_owned()
        });
        Some(TaskState {
            status,
            created,
            started: entered(&|s| s == PROCESSING),
            completed: entered(&|s| VOCABULARY.is_final(s)),
            error,
        })
    }

    /// Moves on a poll's task waiting for its session, once the session has ended: its own
    /// next look may be far off (its waits double), or never come (parked at an instant it
    /// had looked at already), and a forced init is seen only by the door's reads.
    fn wake(&self, entry: &Entry) {
        let session = entry
            .attrs
            .session
            .as_deref()
            .and_then(|id| self.registry().sessions.get(id).cloned());
        let outcome = match session {
            Some(session) => self.session_outcome(&session, false),
            None => Init::Failed,
        };
        let (path, detail) = match outcome {
            Init::Pending => return,
            Init::Active => (vec!["processing".to_owned(), "succeeded".to_owned()], None),
            Init::Failed | Init::Expired => (
                vec!["failed".to_owned()],
                Some(json!({"error": task::SESSION_EXPIRED, "waiting": false})),
            ),
        };
        let detail = detail.and_then(|d| d.as_object().cloned());
        // A task forced meanwhile is final: nothing to wake, and nothing wrong.
        let _ = self.engine.force(entry.id, &path, None, detail);
    }

    pub(super) fn task_json(&self, entry: &Entry, state: &TaskState, ctx: &Ctx) -> Value {
        let attrs = &entry.attrs;
        let id = entry.id.as_str();
        let results = match (state.status, state.completed) {
            (SUCCEEDED, Some(completed)) if task::publishes_named(attrs.type_name) => {
                vec![self.result_json(entry, completed, ctx)]
            }
            _ => Vec::new(),
        };
        json!({
            "id": id,
            "resource": "task",
            "organisation": self.organisation(),
            "key": attrs.key,
            "user": attrs.user,
            "source": attrs.source,
            "session": attrs.session,
            "poll": attrs.poll,
            "source_type": attrs.source_type,
            "type": attrs.type_name,
            "target": attrs.target,
            "state": state.name(),
            "results": whole(results, &format!("/results?task={id}")),
            "error": state.error,
            "date_created": self.datetime(state.created),
            "date_started": state.started.map(|at| self.datetime(at)),
            "date_completed": state.completed.map(|at| self.datetime(at)),
        })
    }

    pub fn get_task(&self, id: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let entry = self.entry(id).ok_or_else(|| Error::not_found("task"))?;
        let state = self
            .task_state(&entry, true)
            .ok_or_else(|| Error::not_found("task"))?;
        Ok(Reply::ok(self.task_json(&entry, &state, ctx)))
    }

    pub fn list_tasks(&self, query: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let query = Query::read(query)?;
        query.check_one_of("state", VOCABULARY.names)?;
        let entries: Vec<Arc<Entry>> = self.registry().tasks.values().rev().cloned().collect();
        let window = Window::find(&query, entries.iter().map(|e| e.id.as_str()))?;
        let mut gone = Vec::new();
        let mut matching = Vec::new();
        for (at, entry) in entries.iter().enumerate() {
            if !STATIC_FILTERS
                .iter()
                .all(|name| query.accepts(name, entry.attrs.get(name)))
            {
                continue;
            }
            let Some(state) = self.task_state(entry, false) else {
                gone.push(entry.id.to_string());
                continue;
            };
            if self.task_matches(&query, &state) {
                matching.push((at, (entry.clone(), state)));
            }
        }
        self.forget_tasks(&gone);
        Ok(Reply::ok(page(
            matching,
            window,
            &query,
            "/tasks",
            |(entry, state)| self.task_json(entry, state, ctx),
        )))
    }

    fn task_matches(&self, query: &Query, state: &TaskState) -> bool {
        let wall = |at: Option<Millis>| at.map(|at| self.engine.clock().wall(at));
        query.accepts("state", Some(state.name()))
            && query.accepts_date("date_created", wall(Some(state.created)))
            && query.accepts_date("date_started", wall(state.started))
            && query.accepts_date("date_completed", wall(state.completed))
    }

    /// Index entries of tasks the engine no longer has.
    pub(super) fn forget_tasks(&self, gone: &[String]) {
        if gone.is_empty() {
            return;
        }
        let gone: std::collections::HashSet<&str> = gone.iter().map(String::as_str).collect();
        self.registry()
            .tasks
            .retain(|id, _| !gone.contains(id.as_str()));
    }

    /// `POST /tasks`: an organisation-level task, `webhook_config.test` unless the body names
    /// `storage_config.test`.
    pub fn create_task(&self, body: &Value, ctx: &Ctx) -> Result<Reply, Error> {
        let type_name = match body.get("type") {
            None | Some(Value::Null) => task::WEBHOOK_TEST.name,
            Some(Value::String(name)) => name.as_str(),
            Some(_) => return Err(Error::invalid_parameter("type", "must be a string")),
        };
        let task_type = [&task::WEBHOOK_TEST, &task::STORAGE_TEST]
            .into_iter()
            .find(|t| t.name == type_name)
            .ok_or_else(|| {
                Error::invalid_parameter(
                    "type",
                    "must be webhook_config.test or storage_config.test",
                )
            })?;
        let target = match body.get("target") {
            None | Some(Value::Null) => None,
            Some(Value::String(target)) => Some(target.clone()),
            Some(_) => return Err(Error::invalid_parameter("target", "must be a string")),
        };
        let attrs = Attrs {
            type_name: task_type.name,
            key: Some(ctx.key.to_owned()),
            target,
            ..Attrs::default()
        };
        let job = Box::new(Work::new(task_type, self.pace()));
        let id = self.start(attrs, job, None, Default::default())?;
        let entry = self
            .entry(id.as_str())
            .ok_or_else(|| Error::not_found("task"))?;
        let state = self
            .task_state(&entry, false)
            .ok_or_else(|| Error::not_found("task"))?;
        Ok(Reply::created(self.task_json(&entry, &state, ctx)))
    }
}
