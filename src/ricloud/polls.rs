//! `/polls`: a request for data on a session, one task per item of its payload (`info` per
//! info type, `data` per data type, `files` per file), its `state` and `tasks_*` derived
//! from those tasks each time it is shown.

use std::sync::Arc;

use serde_json::{json, Value};

use super::list::{page, whole, Query, Window};
use super::registry::{Attrs, Poll};
use super::reply::{Error, Reply};
use super::sessions::reference;
use super::task::{self, Init, Work, VOCABULARY};
use super::tasks::{Ctx, TaskState};
use super::Ricloud;
use crate::engine::task::TaskType;

/// Items one poll may ask for at most.
const MAX_ITEMS: usize = 100;

const POLL_STATES: [&str; 3] = ["pending", "processing", "completed"];

/// The payload's lists and the task type each item becomes.
const PAYLOAD: [(&str, &TaskType); 3] = [
    ("info_types", &task::INFO),
    ("data_types", &task::DATA),
    ("files", &task::FILES),
];

impl Ricloud {
    /// `POST /polls`: the poll and its tasks; they wait, suspended, while the session opens.
    pub fn create_poll(&self, body: &Value, ctx: &Ctx) -> Result<Reply, Error> {
        let session_id = reference(body, "session")?
            .ok_or_else(|| Error::invalid_parameter("session", "is required"))?;
        let session = self
            .session(session_id)
            .ok_or_else(|| Error::invalid_parameter("session", "no such session"))?;
        if self.session_outcome(&session, false) == Init::Expired {
            return Err(Error::new(
                400,
                "session-expired",
                "the session has expired",
            ));
        }
        let payload = match body.get("payload") {
            None | Some(Value::Null) => json!({}),
            Some(payload @ Value::Object(_)) => payload.clone(),
            Some(_) => return Err(Error::invalid_parameter("payload", "must be an object")),
        };
        let mut items = Vec::new();
        for (name, task_type) in PAYLOAD {
            match payload.get(name) {
                None | Some(Value::Null) => {}
                Some(Value::Array(list)) => {
                    for item in list {
                        let target = match item {
                            Value::String(text) if !text.is_empty() => text.clone(),
                            _ => {
                                return Err(Error::invalid_parameter(
                                    "payload",
                                    format!("{name} must be a list of strings"),
                                ))
                            }
                        };
                        items.push((task_type, target));
                    }
                }
                Some(_) => {
                    return Err(Error::invalid_parameter(
                        "payload",
                        format!("{name} must be a list of strings"),
                    ))
                }
            }
        }
        if items.is_empty() {
            return Err(Error::invalid_parameter(
                "payload",
                "names no info_types, data_types or files",
            ));
        }
        if items.len() > MAX_ITEMS {
            return Err(Error::invalid_parameter(
                "payload",
                format!("asks for more than {MAX_ITEMS} items"),
            ));
        }
        let id = self.ids.mint();
        let source_type = self
            .registry()
            .sources
            .get(&session.source)
            .map(|s| s.source_type.clone());
        let mut tasks = Vec::new();
        for (task_type, target) in items {
            let attrs = Attrs {
                type_name: task_type.name,
                key: Some(ctx.key.to_owned()),
                user: Some(session.user.clone()),
                source: Some(session.source.clone()),
                session: Some(session.id.clone()),
                poll: Some(id.clone()),
                source_type: source_type.clone(),
                target: Some(target),
            };
            let job = Box::new(Work::new(task_type, self.pace()).needing(session.outcome.clone()));
            let task = self.start(attrs, job, None, Default::default())?;
            self.registry()
                .results
                .insert(super::results::result_id(task), task);
            tasks.push(task);
        }
        let poll = Arc::new(Poll {
            id: id.clone(),
            key: ctx.key.to_owned(),
            user: session.user.clone(),
            source: session.source.clone(),
            session: session.id.clone(),
            tasks,
            created: self.now(),
        });
        self.registry().polls.insert(id, poll.clone());
        Ok(Reply::created(self.poll_json(&poll, false, ctx)))
    }

    /// A poll as it stands: `poll` reads each of its tasks as a status poll.
    fn poll_json(&self, poll: &Poll, poll_tasks: bool, ctx: &Ctx) -> Value {
        let states: Vec<(Arc<super::registry::Entry>, TaskState)> = poll
            .tasks
            .iter()
            .filter_map(|id| {
                let entry = self.entry(id.as_str())?;
                let state = self.task_state(&entry, poll_tasks)?;
                Some((entry, state))
            })
            .collect();
        let ids_in = |name: &str| -> Vec<&str> {
            states
                .iter()
                .filter(|(_, s)| s.name() == name)
                .map(|(e, _)| e.id.as_str())
                .collect()
        };
        let all_final = states.iter().all(|(_, s)| s.is_final());
        let started = states.iter().filter_map(|(_, s)| s.started).min();
        let state = if all_final {
            "completed"
        } else if started.is_some() {
            "processing"
        } else {
            "pending"
        };
        let completed = all_final
            .then(|| states.iter().filter_map(|(_, s)| s.completed).max())
            .flatten();
        let results: Vec<Value> = states
            .iter()
            .filter(|(e, s)| {
                s.status == task::SUCCEEDED && task::publishes_named(e.attrs.type_name)
            })
            .filter_map(|(e, s)| Some(self.result_json(e, s.completed?, ctx)))
            .collect();
        let errors: Vec<Value> = states
            .iter()
            .filter(|(_, s)| s.status == task::FAILED)
            .map(|(e, s)| self.task_json(e, s, ctx))
            .collect();
        let mut shown = json!({
            "id": poll.id,
            "resource": "poll",
            "organisation": self.organisation(),
            "key": poll.key,
            "user": poll.user,
            "source": poll.source,
            "session": poll.session,
            "subscription": null,
            "state": state,
        });
        for name in VOCABULARY.names {
            shown[format!("tasks_{name}")] = json!(ids_in(name));
        }
        shown["results"] = whole(results, &format!("/results?poll={}", poll.id));
        shown["errors"] = whole(errors, &format!("/tasks?poll={}&state=failed", poll.id));
        shown["date_created"] = self.datetime(poll.created).into();
        shown["date_started"] = started.map(|at| self.datetime(at)).into();
        shown["date_completed"] = completed.map(|at| self.datetime(at)).into();
        shown
    }

    pub fn get_poll(&self, id: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let poll = self.registry().polls.get(id).cloned();
        let poll = poll.ok_or_else(|| Error::not_found("poll"))?;
        let shown = self.poll_json(&poll, true, ctx);
        if poll.tasks.iter().all(|t| self.engine.task(*t).is_none()) {
            // Every task is past its retention: so is the poll.
            return Err(Error::not_found("poll"));
        }
        Ok(Reply::ok(shown))
    }

    pub fn list_polls(&self, query: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let query = Query::read(query)?;
        query.check_one_of("state", &POLL_STATES)?;
        let polls: Vec<Arc<Poll>> = self.registry().polls.values().rev().cloned().collect();
        let window = Window::find(&query, polls.iter().map(|p| p.id.as_str()))?;
        let matching = polls
            .into_iter()
            .enumerate()
            .filter(|(_, p)| {
                query.accepts("key", Some(&p.key))
                    && query.accepts("user", Some(&p.user))
                    && query.accepts("source", Some(&p.source))
                    && query.accepts("session", Some(&p.session))
            })
            .map(|(at, p)| (at, self.poll_json(&p, false, ctx)))
            .filter(|(_, shown)| {
                query.accepts("state", shown["state"].as_str())
                    && ["date_created", "date_started", "date_completed"]
                        .iter()
                        .all(|field| query.accepts_date(field, self.shown_date(&shown[*field])))
            })
            .collect();
        Ok(Reply::ok(page(matching, window, &query, "/polls", |p| {
            p.clone()
        })))
    }
}
