//! The engine as test harnesses drive it: listing, inspecting, deleting and forcing tasks,
//! and putting everything back to the start. Used by the admin API and `TestServer`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::clock::Millis;
use super::jobs::Scripted;
use super::status::Status;
use super::task::{Job, Progression, Step, Task, TaskId};
use super::world::World;
use super::{lock, Engine};

/// Which tasks a listing shows.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    pub type_name: Option<String>,
    pub status: Option<Status>,
    pub finished: Option<bool>,
    pub unique_transfer_id: Option<String>,
    pub created_before: Option<DateTime<Utc>>,
    pub created_after: Option<DateTime<Utc>>,
}

/// A task as the admin API shows it.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetail {
    pub task_id: String,
    #[serde(rename = "type")]
    pub type_name: &'static str,
    pub status: &'static str,
    pub finished: bool,
    pub progress_percent: u8,
    pub additional_info: Map<String, Value>,
    pub unique_transfer_id: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    /// When the next step is due; `None` when final or parked.
    pub next_step: Option<DateTime<Utc>>,
    pub history: Vec<HistoryStep>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HistoryStep {
    pub status: &'static str,
    pub at: DateTime<Utc>,
}

/// An outcome dictated for future tasks: the first task that matches walks `path` instead
/// of doing its job, `times` times (for ever when `None`).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeRule {
    #[serde(default)]
    pub id: u64,
    /// The task type (GIVE_MONEY, PAYMENT_REQUEST, ...).
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    /// The other user of the task: receiver, payer, cashier.
    pub username: Option<String>,
    /// A uniqueTransferId pattern where `*` stands for any text.
    pub unique_transfer_id: Option<String>,
    pub path: Vec<String>,
    pub times: Option<u32>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ForceError {
    NoSuchTask,
    /// A final task never changes again.
    AlreadyFinal(Status),
}

impl Engine {
    /// Tasks matching the filter, oldest first.
    pub fn tasks(&self, filter: &TaskFilter) -> Vec<TaskDetail> {
        self.tasks_page(filter, 0, usize::MAX).1
    }

    /// How many tasks match the filter, and the details of at most `limit` of them from
    /// `offset` on, oldest first. Only the page is detailed: with a million tasks held, a
    /// look at the first few stays cheap.
    pub fn tasks_page(
        &self,
        filter: &TaskFilter,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<TaskDetail>) {
        self.catch_up();
        let now = self.clock.now();
        let mut matching = Vec::new();
        self.store.for_each(|task| {
            if !task.is_expired(now) && self.matches(filter, task) {
                matching.push((task.created_at, task.seq, task.id));
            }
        });
        matching.sort_unstable();
        let page = matching
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|&(_, _, id)| self.store.with_task(id, now, |task| self.detail(task, now)))
            .collect();
        (matching.len(), page)
    }

    fn matches(&self, filter: &TaskFilter, task: &Task) -> bool {
        let created = || self.clock.wall(task.created_at);
        filter
            .type_name
            .as_deref()
            .is_none_or(|t| t == task.job.type_name())
            && filter.status.is_none_or(|s| s == task.status)
            && filter.finished.is_none_or(|f| f == task.status.is_final())
            && filter
                .unique_transfer_id
                .as_deref()
                .is_none_or(|u| task.unique_transfer_id.as_deref() == Some(u))
            && filter.created_before.is_none_or(|t| created() < t)
            && filter.created_after.is_none_or(|t| created() > t)
    }

    pub fn task_detail(&self, id: TaskId) -> Option<TaskDetail> {
        self.catch_up();
        let now = self.clock.now();
        self.store.with_task(id, now, |task| {
            self.advance(task, now);
            self.detail(task, now)
        })
    }

    /// Forgets a task; an unfinished one first gives back what it holds.
    pub fn delete_task(&self, id: TaskId) -> bool {
        let Some(mut task) = self.store.take(id) else {
            return false;
        };
        self.abandon(&mut task, self.clock.now());
        true
    }

    /// Moves a task to the first of `path` now, and along the rest one step per pace; the
    /// task's own job is set aside. A path that ends in a status that is not final parks the
    /// task there until it is forced again.
    pub fn force(
        &self,
        id: TaskId,
        path: Vec<Status>,
        progress: Option<u8>,
        info: Option<Map<String, Value>>,
    ) -> Result<TaskDetail, ForceError> {
        self.move_unfinished(id, |task, now| {
            self.abandon(task, now);
            task.job = Box::new(Scripted::new(task.job.type_name(), path));
            task.next_step_at = Some(now);
            self.advance(task, now);
            if let Some(progress) = progress {
                task.progress = progress.min(100);
            }
            if let Some(info) = info {
                task.info.extend(info);
            }
        })
    }

    /// Runs `change` on a task that is not final yet, then schedules whatever comes next.
    fn move_unfinished(
        &self,
        id: TaskId,
        change: impl FnOnce(&mut Task, Millis),
    ) -> Result<TaskDetail, ForceError> {
        self.catch_up();
        let now = self.clock.now();
        let outcome = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            if task.status.is_final() {
                return Err(ForceError::AlreadyFinal(task.status));
            }
            change(task, now);
            Ok((task.due_key(), self.detail(task, now)))
        });
        let (next, detail) = outcome.ok_or(ForceError::NoSuchTask)??;
        if let Some(at) = next {
            self.due.push(at, id);
        }
        Ok(detail)
    }

    /// Adds a rule (its path must name statuses); answers its id.
    pub fn add_rule(&self, mut rule: OutcomeRule) -> Result<u64, String> {
        for name in &rule.path {
            Status::parse(name).ok_or_else(|| format!("\"{name}\" is not a task status"))?;
        }
        if rule.path.is_empty() {
            return Err("a rule needs a path".into());
        }
        let mut rules = lock(&self.rules);
        rule.id = rules.iter().map(|r| r.id).max().unwrap_or(0) + 1;
        let id = rule.id;
        rules.push(rule);
        Ok(id)
    }

    pub fn rules(&self) -> Vec<OutcomeRule> {
        lock(&self.rules).clone()
    }

    pub fn remove_rule(&self, id: u64) -> bool {
        let mut rules = lock(&self.rules);
        let before = rules.len();
        rules.retain(|r| r.id != id);
        rules.len() != before
    }

    pub fn clear_rules(&self) {
        lock(&self.rules).clear();
    }

    /// The path of the first rule a new task matches, using up one of its times.
    pub(super) fn matching_rule(
        &self,
        job: &dyn Job,
        unique_transfer_id: Option<&str>,
    ) -> Option<Vec<Status>> {
        let mut rules = lock(&self.rules);
        let index = rules.iter().position(|rule| {
            rule.type_name
                .as_deref()
                .is_none_or(|t| t == job.type_name())
                && rule
                    .username
                    .as_deref()
                    .is_none_or(|u| job.counterparty() == Some(u))
                && rule
                    .unique_transfer_id
                    .as_deref()
                    .is_none_or(|pattern| unique_transfer_id.is_some_and(|uid| glob(pattern, uid)))
        })?;
        let path = rules[index]
            .path
            .iter()
            .filter_map(|name| Status::parse(name))
            .collect();
        if let Some(times) = rules[index].times.as_mut() {
            *times = times.saturating_sub(1);
            if *times == 0 {
                rules.remove(index);
            }
        }
        Some(path)
    }

    /// How new tasks of a type (or `*`, every other type) move from now on.
    pub fn set_progression(&self, type_name: &str, progression: Progression) {
        lock(&self.progressions).insert(type_name.to_owned(), progression);
    }

    pub fn progressions(&self) -> std::collections::HashMap<String, Progression> {
        lock(&self.progressions).clone()
    }

    /// Takes the next step of a task now, whatever its progression (the manual mode's move).
    pub fn step(&self, id: TaskId) -> Result<TaskDetail, ForceError> {
        self.move_unfinished(id, |task, now| {
            if task.on_demand || task.next_step_at.is_some() {
                task.next_step_at = Some(now);
                task.polls = 0;
                self.advance(task, now);
            }
        })
    }

    /// Changes the running world (only the keys given); all or nothing.
    pub fn patch_world(&self, patch: super::world::WorldPatch) -> Result<(), String> {
        self.catch_up();
        let now = self.wall_now();
        self.world().patch(patch, now)
    }

    /// Every task, rule and progression forgotten and the world as its file describes it.
    pub fn reset(&self) {
        self.clear_rules();
        lock(&self.progressions).clear();
        self.store.clear();
        self.due.clear();
        *lock(&self.session_task) = None;
        *self.world() = World::new(&self.initial_world, self.wall_now());
    }

    /// The world as its file describes it. Tasks still running give back what they hold
    /// in the old world and end FINISHED_ERR_CANCELLED; finished ones are kept.
    pub fn reset_world(&self) {
        let now = self.clock.now();
        for id in self.store.ids() {
            self.store.with_task(id, now, |task| {
                self.advance(task, now);
                if !task.status.is_final() {
                    self.abandon(task, now);
                    let step = Step::fail(Status::Cancelled, "the world was reset");
                    self.apply(task, step, now);
                }
            });
        }
        *self.world() = World::new(&self.initial_world, self.wall_now());
    }

    fn detail(&self, task: &Task, now: Millis) -> TaskDetail {
        let wall = |at: Millis| self.clock.wall(at);
        TaskDetail {
            task_id: task.id.to_string(),
            type_name: task.job.type_name(),
            status: task.status.as_str(),
            finished: task.status.is_final(),
            progress_percent: task.progress_at(now),
            additional_info: task.info.to_map(),
            unique_transfer_id: task.unique_transfer_id.as_deref().map(str::to_owned),
            created: wall(task.created_at),
            updated: wall(task.updated_at()),
            expires: wall(task.expires_at),
            next_step: task.next_step_at.map(wall),
            history: task
                .history()
                .map(|(status, at)| HistoryStep {
                    status: status.as_str(),
                    at: wall(at),
                })
                .collect(),
        }
    }
}

/// `*` matches any text (including none); everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("abc", "abc"));
        assert!(!glob("abc", "abcd"));
        assert!(glob("order-*", "order-17"));
        assert!(glob("*-A", "11-42225-49853-A"));
        assert!(glob("11-*-A", "11-42225-49853-A"));
        assert!(!glob("11-*-B", "11-42225-49853-A"));
        assert!(glob("*", ""));
    }
}
