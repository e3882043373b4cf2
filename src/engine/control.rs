//! The engine as test harnesses drive it: listing, inspecting, deleting and forcing tasks,
//! outcome rules, progressions, and putting everything back to the start. Used by the admin
//! API and `TestServer`, for every front door alike, in each task type's own status names.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::clock::Millis;
use super::scripted::Scripted;
use super::task::{Job, Progression, Run, StatusCode, Step, Task, TaskId, TaskType, Vocabulary};
use super::{lock, Engine};

/// Which tasks a listing shows.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// A front door's name (`cnode`, `bitrix24`, ...).
    pub front_door: Option<String>,
    pub type_name: Option<String>,
    /// A status name, as the task's type spells it.
    pub status: Option<String>,
    pub finished: Option<bool>,
    /// The key the front door finds the task by (CNode's uniqueTransferId).
    pub key: Option<String>,
    /// Top-level fields of the detail document, each equal to its text.
    pub detail: Vec<(String, String)>,
    pub created_before: Option<DateTime<Utc>>,
    pub created_after: Option<DateTime<Utc>>,
}

/// A task as the admin API shows it.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TaskDetail {
    pub front_door: &'static str,
    pub task_id: String,
    #[serde(rename = "type")]
    pub type_name: &'static str,
    pub status: &'static str,
    pub finished: bool,
    pub progress_percent: u8,
    /// The task's detail document (CNode's additionalInfo; the name kept for CNode's users).
    pub additional_info: Map<String, Value>,
    /// The task's key (CNode's uniqueTransferId, whose users read it under this name).
    #[serde(rename = "uniqueTransferId")]
    pub key: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub expires: Option<DateTime<Utc>>,
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
    /// The front door whose tasks it dictates; any whose statuses the path names when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub front_door: Option<String>,
    /// The task type (GIVE_MONEY, configuration.import, ...).
    #[serde(rename = "type")]
    pub type_name: Option<String>,
    /// The other user of the task: receiver, payer, cashier.
    pub username: Option<String>,
    /// A key (uniqueTransferId) pattern where `*` stands for any text.
    pub unique_transfer_id: Option<String>,
    pub path: Vec<String>,
    pub times: Option<u32>,
    /// Merged into the detail of the task it dictates (CNode's additionalInfo, Bitrix24's
    /// `notice`, `errors`, `exception`, `additional`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Map<String, Value>>,
}

/// A rule as it is kept: its path parsed once, in the vocabulary it names statuses of.
pub(super) struct Rule {
    spec: OutcomeRule,
    vocabulary: &'static Vocabulary,
    path: Vec<StatusCode>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ForceError {
    NoSuchTask,
    /// A final task never changes again.
    AlreadyFinal(&'static str),
    /// A name the task's type has no status for.
    UnknownStatus(String),
}

#[derive(Debug, PartialEq, Eq)]
pub enum RuleError {
    NoPath,
    /// No task type the rule could match has every status its path names.
    UnknownStatus(String),
    UnknownType(String),
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleError::NoPath => f.write_str("a rule needs a path"),
            RuleError::UnknownStatus(name) => write!(f, "\"{name}\" is not a task status"),
            RuleError::UnknownType(name) => write!(f, "\"{name}\" is not a task type"),
        }
    }
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
            .front_door
            .as_deref()
            .is_none_or(|d| d == task.task_type.door.name)
            && filter
                .type_name
                .as_deref()
                .is_none_or(|t| t == task.task_type.name)
            && filter
                .status
                .as_deref()
                .is_none_or(|s| s == task.status_name())
            && filter.finished.is_none_or(|f| f == task.is_final())
            && filter
                .key
                .as_deref()
                .is_none_or(|k| task.key.as_deref() == Some(k))
            && (filter.detail.is_empty() || detail_matches(&filter.detail, &task.info.to_map()))
            && filter.created_before.is_none_or(|t| created() < t)
            && filter.created_after.is_none_or(|t| created() > t)
    }

    pub fn task_detail(&self, id: TaskId) -> Option<TaskDetail> {
        self.catch_up();
        let now = self.clock.now();
        let detail = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            self.keep_due(task);
            self.detail(task, now)
        });
        self.start_spawned_and_catch_up();
        detail
    }

    /// Forgets a task; an unfinished one first gives back what it holds.
    pub fn delete_task(&self, id: TaskId) -> bool {
        let Some(mut task) = self.store.take(id) else {
            return false;
        };
        self.due.set(id, task.queued(), None);
        self.abandon(&mut task, self.clock.now());
        true
    }

    /// Moves a task to the first of `path` now, and along the rest one step per pace; the
    /// task's own job is set aside (a steerable one is told each status instead, and goes on
    /// after the path). A path that ends in a status that is not final parks the task there
    /// until it is forced again, unless its steered job moves on. Names are the type's own.
    pub fn force(
        &self,
        id: TaskId,
        path: &[String],
        progress: Option<u8>,
        info: Option<Map<String, Value>>,
    ) -> Result<TaskDetail, ForceError> {
        self.move_unfinished(id, |task, now| {
            let mut path = path
                .iter()
                .map(|name| {
                    task.task_type
                        .statuses
                        .parse(name)
                        .ok_or_else(|| ForceError::UnknownStatus(name.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            // The type's rules see the whole detail the task will have.
            let mut detail = task.info.to_map();
            detail.extend(info.unwrap_or_default());
            (task.task_type.dictating)(&mut path, &mut detail);
            // A steerable job is told the path; any other gives back what it holds.
            let ctx = self.step_ctx(task.id, now, now);
            let task_type = task.task_type;
            let run = unfinished(task);
            let job = std::mem::replace(&mut run.job, Box::new(Scripted::replaced(task_type)));
            run.job = Box::new(Scripted::dictate(job, path, &ctx));
            run.next_step_at = Some(now);
            task.info.extend(detail);
            self.advance(task, now);
            if let Some(progress) = progress {
                task.progress = progress.min(100);
            }
            Ok(())
        })
    }

    /// Runs `change` on a task that is not final yet, then schedules whatever comes next.
    fn move_unfinished(
        &self,
        id: TaskId,
        change: impl FnOnce(&mut Task, Millis) -> Result<(), ForceError>,
    ) -> Result<TaskDetail, ForceError> {
        self.catch_up();
        let now = self.clock.now();
        let outcome = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            let changed = if task.is_final() {
                Err(ForceError::AlreadyFinal(task.status_name()))
            } else {
                change(task, now)
            };
            self.keep_due(task);
            changed.map(|()| self.detail(task, now))
        });
        self.start_spawned_and_catch_up();
        outcome.ok_or(ForceError::NoSuchTask)?
    }

    /// Adds a rule, its path parsed in the statuses of the task types it can match; answers
    /// its id.
    pub fn add_rule(&self, mut spec: OutcomeRule) -> Result<u64, RuleError> {
        let first = spec.path.first().ok_or(RuleError::NoPath)?;
        let candidates: Vec<&'static TaskType> = self
            .types
            .iter()
            .copied()
            .filter(|t| spec.front_door.as_deref().is_none_or(|d| d == t.door.name))
            .filter(|t| spec.type_name.as_deref().is_none_or(|n| n == t.name))
            .collect();
        if candidates.is_empty() {
            let named = spec.type_name.clone().or(spec.front_door.clone());
            return Err(RuleError::UnknownType(named.unwrap_or_default()));
        }
        let parse = |vocabulary: &Vocabulary| {
            spec.path
                .iter()
                .map(|name| vocabulary.parse(name))
                .collect::<Option<Vec<_>>>()
        };
        let (vocabulary, path) = candidates
            .iter()
            .find_map(|t| parse(t.statuses).map(|path| (t.statuses, path)))
            .ok_or_else(|| {
                let unknown = spec
                    .path
                    .iter()
                    .find(|name| candidates.iter().all(|t| t.statuses.parse(name).is_none()))
                    .unwrap_or(first);
                RuleError::UnknownStatus(unknown.clone())
            })?;
        let mut rules = lock(&self.rules);
        spec.id = rules.iter().map(|r| r.spec.id).max().unwrap_or(0) + 1;
        let id = spec.id;
        rules.push(Rule {
            spec,
            vocabulary,
            path,
        });
        Ok(id)
    }

    pub fn rules(&self) -> Vec<OutcomeRule> {
        lock(&self.rules).iter().map(|r| r.spec.clone()).collect()
    }

    pub fn remove_rule(&self, id: u64) -> bool {
        let mut rules = lock(&self.rules);
        let before = rules.len();
        rules.retain(|r| r.spec.id != id);
        rules.len() != before
    }

    pub fn clear_rules(&self) {
        lock(&self.rules).clear();
    }

    /// The path and detail of the first rule a new task matches, using up one of its times.
    pub(super) fn matching_rule(
        &self,
        job: &dyn Job,
        key: Option<&str>,
    ) -> Option<(Vec<StatusCode>, Map<String, Value>)> {
        let task_type = job.task_type();
        let mut rules = lock(&self.rules);
        let index = rules.iter().position(|rule| {
            let spec = &rule.spec;
            std::ptr::eq(rule.vocabulary, task_type.statuses)
                && spec
                    .front_door
                    .as_deref()
                    .is_none_or(|d| d == task_type.door.name)
                && spec
                    .type_name
                    .as_deref()
                    .is_none_or(|t| t == task_type.name)
                && spec
                    .username
                    .as_deref()
                    .is_none_or(|u| job.counterparty() == Some(u))
                && spec
                    .unique_transfer_id
                    .as_deref()
                    .is_none_or(|pattern| key.is_some_and(|key| glob(pattern, key)))
        })?;
        let path = rules[index].path.clone();
        let detail = rules[index].spec.detail.clone().unwrap_or_default();
        if let Some(times) = rules[index].spec.times.as_mut() {
            *times = times.saturating_sub(1);
            if *times == 0 {
                rules.remove(index);
            }
        }
        Some((path, detail))
    }

    /// How new tasks move from now on: of a type (its name), of a front door (`door/*`),
    /// or of every type not named (`*`).
    pub fn set_progression(&self, key: &str, progression: Progression) {
        lock(&self.progressions).insert(key.to_owned(), progression);
    }

    pub fn progressions(&self) -> std::collections::HashMap<String, Progression> {
        lock(&self.progressions).clone()
    }

    /// Takes the next step of a task now, whatever its progression (the manual mode's move).
    pub fn step(&self, id: TaskId) -> Result<TaskDetail, ForceError> {
        self.move_unfinished(id, |task, now| {
            let run = unfinished(task);
            if run.on_demand || run.next_step_at.is_some() {
                run.next_step_at = Some(now);
                run.polls = 0;
                self.advance(task, now);
            }
            Ok(())
        })
    }

    /// Every task, rule and progression forgotten (the front doors reset their worlds).
    pub fn reset(&self) {
        self.clear_rules();
        lock(&self.progressions).clear();
        // The queue first: a task started meanwhile may leave a stale entry (which catch_up
        // skips), never a due task without one.
        self.due.clear();
        self.store.clear();
        self.forget_spawned();
        self.watches.clear();
    }

    /// Before a front door's world is put back as its file describes it: its tasks still
    /// running give back what they hold in the old world and end in their type's
    /// cancelled status; finished ones are kept.
    pub fn end_unfinished(&self, door: &str, reason: &str) {
        let now = self.clock.now();
        for id in self.store.ids() {
            self.store.with_task(id, now, |task| {
                if task.task_type.door.name != door {
                    return;
                }
                self.advance(task, now);
                if !task.is_final() {
                    self.abandon(task, now);
                    let cancelled = task.task_type.statuses.cancelled;
                    let step = Step::to(cancelled)
                        .with_defaults((task.task_type.dictated)(cancelled, reason));
                    self.apply(task, step, now);
                }
                self.keep_due(task);
            });
        }
        self.start_spawned_and_catch_up();
    }

    /// The due queue's entry for a task: (due time, creation order).
    pub fn due_entry(&self, id: TaskId) -> Option<(Millis, u64)> {
        let queued = self
            .store
            .peek(id, self.clock.now(), |task| task.queued())??;
        self.due.contains(id, queued).then_some(queued)
    }

    /// How many entries the due queue holds.
    pub fn due_len(&self) -> usize {
        self.due.len()
    }

    fn detail(&self, task: &Task, now: Millis) -> TaskDetail {
        let wall = |at: Millis| self.clock.wall(at);
        let name = |status| task.task_type.status_name(status);
        TaskDetail {
            front_door: task.task_type.door.name,
            task_id: task.id.to_string(),
            type_name: task.task_type.name,
            status: task.status_name(),
            finished: task.is_final(),
            progress_percent: task.progress_at(now),
            additional_info: task.info.to_map(),
            key: task.key.as_deref().map(str::to_owned),
            created: wall(task.created_at),
            updated: wall(task.updated_at()),
            expires: (task.expires_at != Millis::MAX).then(|| wall(task.expires_at)),
            next_step: task.next_step_at().map(wall),
            history: task
                .history()
                .map(|(status, at)| HistoryStep {
                    status: name(status),
                    at: wall(at),
                })
                .collect(),
        }
    }
}

/// The job and schedule of a task `move_unfinished` handed over.
fn unfinished(task: &mut Task) -> &mut Run {
    task.run_mut().expect("an unfinished task has its run")
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

/// Every wanted field is in the detail, as that text (a string's own, or a number's).
fn detail_matches(wanted: &[(String, String)], detail: &Map<String, Value>) -> bool {
    wanted.iter().all(|(key, text)| match detail.get(key) {
        Some(Value::String(value)) => value == text,
        Some(Value::Number(value)) => value.to_string() == *text,
        _ => false,
    })
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
