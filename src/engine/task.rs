//! One background task: what it is, where it stands, and how it got there.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::clock::Millis;
use super::status::Status;
use super::world::World;

/// A task id: 26 characters from `[0-9A-Z]` (cnode-api.md §7, §11.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId([u8; TaskId::LEN]);

impl TaskId {
    pub const LEN: usize = 26;
    const ALPHABET: &'static [u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    pub fn random() -> TaskId {
        TaskId(std::array::from_fn(|_| {
            Self::ALPHABET[fastrand::usize(..Self::ALPHABET.len())]
        }))
    }

    /// The id that `text` names, if it could be one the emulator made.
    pub fn parse(text: &str) -> Option<TaskId> {
        let bytes: [u8; TaskId::LEN] = text.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(|b| Self::ALPHABET.contains(b))
            .then_some(TaskId(bytes))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ids are ASCII")
    }
}

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TaskId({})", self.as_str())
    }
}

/// What a task does at each step: the business logic of one task type.
///
/// The engine calls [`Job::next`] when a step's time has come, with the world at hand, and
/// records whatever status it answers. A job never sees the store or the clock itself.
pub trait Job: Send + Sync {
    /// The task `type` shown by getTaskStatus (cnode-api.md §11.2).
    fn type_name(&self) -> &'static str;

    /// The status that follows `current`, and any change to the world that comes with it.
    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step;

    /// Called once when the task is created (in PREPARATION), before any step.
    fn start(&mut self, ctx: &mut StepCtx) {
        let _ = ctx;
    }

    /// A request from outside (cancel, end of a series) while the task is in `current`.
    fn on_request(
        &mut self,
        request: JobRequest,
        current: Status,
        ctx: &mut StepCtx,
    ) -> Result<Step, Refusal> {
        let _ = (request, current, ctx);
        Err(Refusal::NotApplicable)
    }

    /// The task is going away before it is final (expired, deleted, forced, the world reset):
    /// whatever it holds (reserved coins, money out of the vault, an open series) goes back.
    fn abandon(&mut self, ctx: &mut StepCtx) {
        let _ = ctx;
    }

    /// The other user the task is about (a receiver, a payer, a cashier), for outcome rules.
    fn counterparty(&self) -> Option<&str> {
        None
    }

    /// True for jobs that log a user in or register one: while one runs, hello reports
    /// VUI_LOGGING_IN_OR_REGISTERING and storePassword answers ERR_TASK_ALREADY_RUNNING.
    fn is_session_job(&self) -> bool {
        false
    }
}

/// What a job sees when it takes a step.
pub struct StepCtx<'a> {
    pub task_id: TaskId,
    /// The engine time the step is taken at (when it was due).
    pub at: Millis,
    /// The same instant as a wall-clock time, for anything shown to clients.
    pub now: DateTime<Utc>,
    pub world: &'a mut World,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobRequest {
    /// cancelPaymentRequest.
    Cancel,
    /// endSeriesPayment.
    EndSeries,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// This kind of task does not take this request.
    NotApplicable,
    /// It would have, but it is too late: the task is past the point where it could.
    TooLate,
}

/// When the step after this one comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextIn {
    /// After the emulator's pace (one status step).
    Pace,
    /// After a time the world decides (a user's decision delay, a timeout).
    After(Millis),
    /// Only when something else moves the task (a request, the end of a series).
    Never,
}

/// One move of a task: its new status, what it learnt (merged into additionalInfo), and
/// when the next move comes.
pub struct Step {
    pub status: Status,
    pub info: Map<String, Value>,
    pub next_in: NextIn,
}

impl Step {
    pub fn to(status: Status) -> Step {
        Step {
            status,
            info: Map::new(),
            next_in: NextIn::Pace,
        }
    }

    /// A final failure, with the `error_name` and `error_description` clients read.
    pub fn fail(status: Status, description: impl Into<String>) -> Step {
        debug_assert!(status.error_name().is_some(), "{status} is not a failure");
        let mut info = Map::new();
        if let Some(name) = status.error_name() {
            info.insert("error_name".into(), name.into());
        }
        info.insert("error_description".into(), description.into().into());
        Step {
            status,
            info,
            next_in: NextIn::Pace,
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Step {
        self.info.insert(key.into(), value.into());
        self
    }

    pub fn next_in(mut self, next_in: NextIn) -> Step {
        self.next_in = next_in;
        self
    }
}

pub struct Task {
    pub id: TaskId,
    /// Creation order: of two steps due at the same instant, the older task's goes first.
    pub seq: u64,
    pub status: Status,
    /// The percentage stored at the last step; while TRANSFERRING the shown value rises with time.
    pub progress: u8,
    pub info: Info,
    pub unique_transfer_id: Option<Box<str>>,
    pub created_at: Millis,
    pub expires_at: Millis,
    /// Every status the task has been in, each with how long after the task's creation it
    /// was entered (milliseconds, at most u32::MAX, about 49 days); the first is PREPARATION.
    /// A boxed slice, not a Vec: it grows by one entry per step, and holds no spare room.
    history: Box<[(Status, u32)]>,
    /// When the next step is due; `None` once final, or while only a request can move it.
    pub next_step_at: Option<Millis>,
    /// How the task moves: on the clock, per poll, or only when told.
    pub progression: Progression,
    /// A step is waiting for a poll or an admin call (per-poll and manual progression).
    pub on_demand: bool,
    /// getTaskStatus calls since the last step (per-poll progression).
    pub polls: u32,
    pub job: Box<dyn Job>,
}

/// How the tasks of a type move from one status to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Progression {
    /// Every step, and every wait the world dictates, at once.
    Immediate,
    /// One step per `step_ms`; the world's waits (decision delays, timeouts) as they are.
    Timed { step_ms: Millis },
    /// One step per `polls` getTaskStatus calls of the task.
    PerPoll { polls: u32 },
    /// Only the admin API moves the task (step or force).
    Manual,
}

impl Task {
    /// A task just created, in PREPARATION, with nothing scheduled yet.
    pub fn new(
        id: TaskId,
        seq: u64,
        created_at: Millis,
        expires_at: Millis,
        progression: Progression,
        job: Box<dyn Job>,
    ) -> Task {
        Task {
            id,
            seq,
            status: Status::Preparation,
            progress: 0,
            info: Info::default(),
            unique_transfer_id: None,
            created_at,
            expires_at,
            history: Box::new([(Status::Preparation, 0)]),
            next_step_at: None,
            progression,
            on_demand: false,
            polls: 0,
            job,
        }
    }

    /// Where the task's next step sits in the due queue: (when, creation order).
    pub fn due_key(&self) -> Option<(Millis, u64)> {
        self.next_step_at.map(|at| (at, self.seq))
    }

    /// Every status the task has been in, with the time it entered it.
    pub fn history(&self) -> impl Iterator<Item = (Status, Millis)> + '_ {
        self.history
            .iter()
            .map(|&(status, after)| (status, self.created_at.saturating_add(Millis::from(after))))
    }

    pub fn updated_at(&self) -> Millis {
        self.history().last().map_or(self.created_at, |(_, at)| at)
    }

    fn enter(&mut self, status: Status, at: Millis) {
        let after = u32::try_from(at.saturating_sub(self.created_at)).unwrap_or(u32::MAX);
        let mut history = std::mem::take(&mut self.history).into_vec();
        history.push((status, after));
        self.history = history.into_boxed_slice();
    }

    /// Nothing would move the task if it were polled at `now`: no step due, and no step
    /// waiting for polls.
    pub fn is_settled(&self, now: Millis) -> bool {
        let polls_move_it =
            matches!(self.progression, Progression::PerPoll { .. }) && self.on_demand;
        self.next_step_at.is_none_or(|due| due > now) && !polls_move_it
    }

    pub fn is_expired(&self, now: Millis) -> bool {
        now >= self.expires_at
    }

    /// progressPercent as shown at `now` (cnode-api.md §11.2): 0 at the start, rising
    /// while TRANSFERRING, 100 at FINISHED_OK, kept as it was when a task fails.
    pub fn progress_at(&self, now: Millis) -> u8 {
        match (self.status, self.next_step_at) {
            (Status::Transferring, Some(due)) => {
                let since = self.updated_at();
                let span = due.saturating_sub(since).max(1);
                let done = now.saturating_sub(since).min(span);
                // Never 100 before the task has actually finished.
                ((done * 100 / span) as u8).min(99)
            }
            _ => self.progress,
        }
    }

    /// Applies a step taken at `at`.
    pub fn record(&mut self, step: Step, at: Millis) {
        self.progress = match step.status {
            Status::FinishedOk => 100,
            Status::Transferring => 0,
            _ => self.progress_at(at),
        };
        self.status = step.status;
        self.info.extend(step.info);
        self.enter(step.status, at);
        if self.status.is_final() {
            self.retire_job();
        }
    }

    /// Swaps a finished task's job for the little a finished task still needs, so the
    /// store holds no more than that for the rest of the task's life.
    fn retire_job(&mut self) {
        self.job = Box::new(Retired(self.job.type_name()));
    }
}

/// The job of a finished task: its type, nothing left to do. (The counterparty is gone
/// too: only outcome rules ask for it, when a task is created.)
struct Retired(&'static str);

impl Job for Retired {
    fn type_name(&self) -> &'static str {
        self.0
    }

    fn next(&mut self, current: Status, _: &mut StepCtx) -> Step {
        unreachable!("a finished {} task takes no step from {current}", self.0)
    }

    fn on_request(&mut self, _: JobRequest, _: Status, _: &mut StepCtx) -> Result<Step, Refusal> {
        Err(Refusal::TooLate)
    }
}

/// additionalInfo, kept as the JSON text getTaskStatus answers: a few bytes instead of a
/// map, and written once per step instead of once per poll.
#[derive(Default)]
pub struct Info(Option<Box<str>>);

impl Info {
    pub fn extend(&mut self, more: Map<String, Value>) {
        if more.is_empty() {
            return;
        }
        let mut map = self.to_map();
        map.extend(more);
        let json = serde_json::to_string(&map).expect("a JSON map always serialises");
        self.0 = Some(json.into_boxed_str());
    }

    pub fn to_map(&self) -> Map<String, Value> {
        self.0.as_deref().map_or_else(Map::new, |json| {
            serde_json::from_str(json).expect("additionalInfo is stored as a JSON object")
        })
    }

    pub fn as_json(&self) -> &str {
        self.0.as_deref().unwrap_or("{}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_parse_back() {
        for _ in 0..100 {
            let id = TaskId::random();
            assert_eq!(TaskId::parse(id.as_str()), Some(id));
        }
    }

    #[test]
    fn ids_must_be_26_upper_alphanumerics() {
        assert!(TaskId::parse("7M5M84KS4RM3FALBNUN2C51CLW").is_some());
        assert!(TaskId::parse("7m5m84ks4rm3falbnun2c51clw").is_none());
        assert!(TaskId::parse("QF4KJMNG3ESEG2245J7901KD").is_none());
        assert!(TaskId::parse("7M5M84KS4RM3FALBNUN2C51CL-").is_none());
    }
}
