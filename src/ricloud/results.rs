//! `/results` and the emulator's storage: each succeeded task of a poll publishes one result
//! (dialects.md 2.6), a small JSON document whose id, checksum and size never change; it is
//! served at `/__storage/results/{id}` (the result's `signed_url`) and acknowledged
//! (`consumed`) through `/results/{id}/ack` or `POST /results/ack`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::ids;
use super::list::{page, whole, Query, Window};
use super::registry::Entry;
use super::reply::{Error, Reply};
use super::task::{self, SUCCEEDED};
use super::tasks::Ctx;
use super::Ricloud;
use crate::engine::clock::Millis;
use crate::engine::task::TaskId;

/// How long a signed URL is valid after the answer that carries it.
const SIGNED_FOR_MS: Millis = 3_600_000;

const RESULT_STATES: [&str; 3] = ["available", "consumed", "expired"];

/// A task's result id: the same for as long as the task is.
pub fn result_id(task: TaskId) -> String {
    ids::derived(&format!("result/{task}"))
}

/// The document a task's result holds: what it was asked for, no data (the emulator has none).
fn document(entry: &Entry) -> String {
    let attrs = &entry.attrs;
    json!({
        "identifier": attrs.target,
        "type": attrs.type_name,
        "source_type": attrs.source_type,
        "poll": attrs.poll,
        "task": entry.id.as_str(),
        "data": [],
    })
    .to_string()
}

impl Ricloud {
    pub(super) fn result_json(&self, entry: &Entry, completed: Millis, ctx: &Ctx) -> Value {
        let id = result_id(entry.id);
        let document = document(entry);
        let attrs = &entry.attrs;
        let identifier = attrs.target.as_deref().unwrap_or(attrs.type_name);
        let consumed = self.registry().consumed.get(&id).copied();
        json!({
            "id": id,
            "resource": "result",
            "organisation": self.organisation(),
            "poll": attrs.poll,
            "task": entry.id.as_str(),
            "identifier": identifier,
            "url": format!(
                "gs://ricloud-emulator/{}/{identifier}",
                attrs.poll.as_deref().unwrap_or("none")
            ),
            "type": "json",
            "checksum": ids::md5_hex(document.as_bytes()),
            "size": document.len(),
            "signed_url": {
                "url": format!("http://{}/__storage/results/{id}", ctx.host),
                "date_expires": self.datetime(self.now().saturating_add(SIGNED_FOR_MS)),
            },
            "state": if consumed.is_some() { "consumed" } else { "available" },
            "date_created": self.datetime(completed),
            "date_consumed": consumed.map(|at| self.datetime(at)),
            "date_deleted": null,
        })
    }

    /// The result `id` names, with its task, once that task has succeeded.
    fn result(&self, id: &str) -> Option<(Arc<Entry>, Millis)> {
        let task = self.registry().results.get(id).copied()?;
        let entry = self.entry(task.as_str())?;
        let state = self.task_state(&entry, false)?;
        match (state.status, state.completed) {
            (SUCCEEDED, Some(completed)) => Some((entry, completed)),
            _ => None,
        }
    }

    pub fn get_result(&self, id: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let (entry, completed) = self.result(id).ok_or_else(|| Error::not_found("result"))?;
        Ok(Reply::ok(self.result_json(&entry, completed, ctx)))
    }

    /// `GET /results`: newest first; consumed and expired results only when asked for.
    pub fn list_results(&self, query: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let query = Query::read(query)?;
        query.check_one_of("state", &RESULT_STATES)?;
        let entries: Vec<Arc<Entry>> = self
            .registry()
            .tasks
            .values()
            .rev()
            .filter(|e| task::publishes_named(e.attrs.type_name))
            .cloned()
            .collect();
        let ids: Vec<String> = entries.iter().map(|e| result_id(e.id)).collect();
        let window = Window::find(&query, ids.iter().map(String::as_str))?;
        let wanted = query.get("state").unwrap_or("available");
        let mut matching = Vec::new();
        for (at, entry) in entries.iter().enumerate() {
            if !query.accepts("task", Some(entry.id.as_str()))
                || !query.accepts("poll", entry.attrs.poll.as_deref())
            {
                continue;
            }
            let Some(state) = self.task_state(entry, false) else {
                continue;
            };
            let (SUCCEEDED, Some(completed)) = (state.status, state.completed) else {
                continue;
            };
            let shown = self.result_json(entry, completed, ctx);
            if shown["state"] == wanted
                && query.accepts("identifier", shown["identifier"].as_str())
                && ["date_created", "date_consumed"]
                    .iter()
                    .all(|field| query.accepts_date(field, self.shown_date(&shown[*field])))
            {
                matching.push((at, shown));
            }
        }
        Ok(Reply::ok(page(matching, window, &query, "/results", |r| {
            r.clone()
        })))
    }

    /// Acknowledges one result: `consumed` from now on (the first acknowledgement's time).
    pub fn ack_result(&self, id: &str, ctx: &Ctx) -> Result<Reply, Error> {
        let (entry, completed) = self.result(id).ok_or_else(|| Error::not_found("result"))?;
        let now = self.now();
        self.registry().consumed.entry(id.to_owned()).or_insert(now);
        Ok(Reply::ok(self.result_json(&entry, completed, ctx)))
    }

    /// `POST /results/ack` with `ids`: every one known, or none acknowledged.
    pub fn ack_results(&self, body: &Value, ctx: &Ctx) -> Result<Reply, Error> {
        let ids: Vec<&str> = match body.get("ids") {
            Some(Value::Array(ids)) => ids
                .iter()
                .map(|id| id.as_str())
                .collect::<Option<_>>()
                .ok_or_else(|| Error::invalid_parameter("ids", "must be a list of ids"))?,
            _ => return Err(Error::invalid_parameter("ids", "is required")),
        };
        if ids.len() > super::list::MAX_LIMIT {
            return Err(Error::invalid_parameter("ids", "too many ids"));
        }
        if let Some(unknown) = ids.iter().find(|id| self.result(id).is_none()) {
            return Err(Error::invalid_parameter(
                "ids",
                format!("no such result: {unknown}"),
            ));
        }
        let acked = ids
            .iter()
            .filter_map(|id| self.ack_result(id, ctx).ok())
            .map(|reply| reply.body)
            .collect();
        Ok(Reply::ok(whole(acked, "/results")))
    }

    /// The document behind a result's signed URL.
    pub fn stored_result(&self, id: &str) -> Option<String> {
        self.result(id).map(|(entry, _)| document(&entry))
    }
}
