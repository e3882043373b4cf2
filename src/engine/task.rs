//! One background task: what it is, where it stands, and how it got there. Nothing here
//! knows a front door: statuses are positions in the task type's vocabulary, ids are text
//! within a front door's namespace, and what a task learns is a JSON document.

use std::cell::RefCell;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::clock::Millis;

/// A front door, as the engine tells them apart: its name (the admin API's `frontDoor`) and
/// the tag its task ids carry, so that two doors may both have a task "1".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Door {
    pub name: &'static str,
    pub tag: u8,
}

/// A status: its position in its task type's [`Vocabulary`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(pub u8);

/// The statuses a task type goes through, as data: their names as the service writes them,
/// and which of them are final. Every task starts in the first.
#[derive(Debug)]
pub struct Vocabulary {
    pub names: &'static [&'static str],
    /// Bit `i` set: status `i` is final and never changes again.
    pub finals: u64,
    /// The final status of success: progress shows 100 there.
    pub succeeded: StatusCode,
    /// A status in which progress rises with time towards the next step, entered at 0.
    pub rising: Option<StatusCode>,
    /// Where an unfinished task ends when its front door's world is reset under it.
    pub cancelled: StatusCode,
}

impl Vocabulary {
    pub const INITIAL: StatusCode = StatusCode(0);

    pub fn name(&self, status: StatusCode) -> &'static str {
        self.names[usize::from(status.0)]
    }

    pub fn parse(&self, name: &str) -> Option<StatusCode> {
        let at = self.names.iter().position(|n| *n == name)?;
        Some(StatusCode(u8::try_from(at).ok()?))
    }

    pub fn is_final(&self, status: StatusCode) -> bool {
        self.finals & (1 << status.0) != 0
    }
}

/// A kind of task a front door runs.
#[derive(Debug)]
pub struct TaskType {
    pub door: Door,
    /// The type as the service names it (GIVE_MONEY, configuration.import, ...).
    pub name: &'static str,
    pub statuses: &'static Vocabulary,
    /// What a status dictated from outside (force, outcome rule, world reset) adds to the
    /// task's detail where the detail does not say it already, with the reason it was dictated.
    pub dictated: fn(StatusCode, &str) -> Map<String, Value>,
    /// The type's own rules for a dictated path and the detail that comes with it (Bitrix24:
    /// an `exception` stops the import at the next step); most types take them as they are.
    pub dictating: fn(&mut Vec<StatusCode>, &mut Map<String, Value>),
}

/// The `dictating` of a type that takes any dictated path as it is.
pub fn as_dictated(_: &mut Vec<StatusCode>, _: &mut Map<String, Value>) {}

/// Task types are statics: one is equal only to itself.
impl PartialEq for TaskType {
    fn eq(&self, other: &TaskType) -> bool {
        std::ptr::eq(self, other)
    }
}

impl TaskType {
    pub fn status_name(&self, status: StatusCode) -> &'static str {
        self.statuses.name(status)
    }

    pub fn is_final(&self, status: StatusCode) -> bool {
        self.statuses.is_final(status)
    }
}

/// A task id: the text its service shows (at most [`TaskId::MAX_LEN`] bytes), within the
/// namespace of its front door. Copied, hashed and compared without allocating.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId {
    door: u8,
    len: u8,
    bytes: [u8; TaskId::MAX_LEN],
}

impl TaskId {
    /// A UUID's length: the longest id a front door shows.
    pub const MAX_LEN: usize = 36;

    /// The id `text` names at `door`; `None` when it is too long or empty to be one.
    pub fn new(door: Door, text: &str) -> Option<TaskId> {
        let len = text.len();
        if len == 0 || len > Self::MAX_LEN {
            return None;
        }
        let mut bytes = [0; Self::MAX_LEN];
        bytes[..len].copy_from_slice(text.as_bytes());
        Some(TaskId {
            door: door.tag,
            len: len as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).expect("made from a str")
    }

    pub fn door_tag(&self) -> u8 {
        self.door
    }
}

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TaskId({}:{})", self.door, self.as_str())
    }
}

/// What a task does at each step: the business logic of one task type.
///
/// The engine calls [`Job::next`] when a step's time has come and records whatever status it
/// answers. A job never sees the store or the clock itself; whatever world it changes it
/// holds itself (its front door's), and locks only inside these calls.
pub trait Job: Send + Sync {
    fn task_type(&self) -> &'static TaskType;

    /// The status that follows `current`, and any change to the world that comes with it.
    fn next(&mut self, current: StatusCode, ctx: &StepCtx) -> Step;

    /// Called once when the task is created, before any step.
    fn start(&mut self, ctx: &StepCtx) {
        let _ = ctx;
    }

    /// A request from outside (cancel, end) while the task is in `current`.
    fn on_request(
        &mut self,
        request: JobRequest,
        current: StatusCode,
        ctx: &StepCtx,
    ) -> Result<Step, Refusal> {
        let _ = (request, current, ctx);
        Err(Refusal::NotApplicable)
    }

    /// The task is going away before it is final (expired, deleted, forced, the world reset):
    /// whatever it holds goes back.
    fn abandon(&mut self, ctx: &StepCtx) {
        let _ = ctx;
    }

    /// The other party the task is about (a receiver, a payer), for outcome rules.
    fn counterparty(&self) -> Option<&str> {
        None
    }

    /// Whether a dictated path (force, outcome rule) steers this job instead of setting it
    /// aside: a job whose statuses mirror something in its world (ricloud's session), or
    /// whose story goes on after a dictated failure (IntellectMoney's retries), says yes.
    fn steerable(&self) -> bool {
        false
    }

    /// The step into a status dictated from outside, with whatever that status means in
    /// the job's world. Asked only of a steerable job.
    fn steer(&mut self, to: StatusCode, ctx: &StepCtx) -> Step {
        let _ = ctx;
        Step::to(to)
    }

    /// The job a dictated path already steers, handed over to a new path.
    fn take_steered(&mut self) -> Option<Box<dyn Job>> {
        None
    }
}

/// When a step is taken.
pub struct StepCtx {
    pub task_id: TaskId,
    /// The engine time the step is taken at (when it was due).
    pub at: Millis,
    /// When it is taken as far as the world can tell: `at`, or where the clock landed when
    /// an advance jumped over `at` (a schedule can tell the times it missed). The same
    /// whoever takes the step, and whenever.
    pub taken_at: Millis,
    /// The same instant as a wall-clock time, for anything shown to clients.
    pub now: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobRequest {
    /// Stop the work (CNode cancelPaymentRequest).
    Cancel,
    /// Close what stays open (CNode endSeriesPayment).
    End,
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
    /// After the task's pace (one status step).
    Pace,
    /// After a time the world decides (a user's decision delay, a timeout).
    After(Millis),
    /// Only when something else moves the task (a request, the end of a series).
    Never,
    /// At this instant of the clock, whatever the progression: a schedule, not a step
    /// (IntellectMoney's planned runs fire at their time even under manual progression).
    At(Millis),
}

/// One move of a task: its new status, what it learnt (merged into the detail), its
/// progress when the job says, when the next move comes, and the tasks it starts.
pub struct Step {
    pub status: StatusCode,
    pub info: Map<String, Value>,
    /// Merged into the detail only where it does not say these keys already.
    pub defaults: Map<String, Value>,
    pub progress: Option<u8>,
    pub next_in: NextIn,
    /// Tasks this step starts, created at the step's time once the task is let go.
    pub spawn: Vec<Spawn>,
}

/// A task a step starts (a schedule's next run), with the minter of its id.
pub struct Spawn {
    pub task: super::NewTask,
    pub mint: Box<dyn FnMut() -> TaskId + Send>,
}

impl Step {
    pub fn to(status: StatusCode) -> Step {
        Step {
            status,
            info: Map::new(),
            defaults: Map::new(),
            progress: None,
            next_in: NextIn::Pace,
            spawn: Vec::new(),
        }
    }

    /// Starts `task` at this step's time.
    pub fn spawn(mut self, task: super::NewTask, mint: Box<dyn FnMut() -> TaskId + Send>) -> Step {
        self.spawn.push(Spawn { task, mint });
        self
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Step {
        self.info.insert(key.into(), value.into());
        self
    }

    pub fn with_info(mut self, info: Map<String, Value>) -> Step {
        self.info.extend(info);
        self
    }

    /// Detail for the keys the task's detail does not hold yet.
    pub fn with_defaults(mut self, defaults: Map<String, Value>) -> Step {
        self.defaults.extend(defaults);
        self
    }

    pub fn progress(mut self, percent: u8) -> Step {
        self.progress = Some(percent.min(100));
        self
    }

    pub fn next_in(mut self, next_in: NextIn) -> Step {
        self.next_in = next_in;
        self
    }
}

/// How long a task can be looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// Counted from its creation (CNode's task TTL).
    FromCreation(Millis),
    /// Counted from the moment it ends (Bitrix24's 3-day purge); until then, at most
    /// `max_age` from its creation, so a task nothing moves (manual progression, parked by a
    /// force) is not held for ever.
    AfterEnd { retention: Millis, max_age: Millis },
}

/// One task. A store holds up to a million, so what every task keeps is here, and small:
/// what only an unfinished task needs (its job and its schedule) is its [`Run`], dropped
/// when the task ends.
pub struct Task {
    pub id: TaskId,
    /// Creation order: of two steps due at the same instant, the older task's goes first.
    pub seq: u64,
    pub task_type: &'static TaskType,
    pub status: StatusCode,
    /// The percentage stored at the last step; in a rising status the shown value rises with time.
    pub progress: u8,
    pub info: Info,
    /// A key the front door looks the task up by besides its id (CNode's uniqueTransferId).
    pub key: Option<Box<str>>,
    pub created_at: Millis,
    pub expires_at: Millis,
    history: History,
    /// When the entry the due queue holds for this task is due (kept by `Engine::keep_due`
    /// alone); the entry is that time and `seq` (see [`Task::queued`]).
    pub queued_at: Option<Millis>,
    /// `None` once the task is final.
    run: Option<Box<Run>>,
}

/// What an unfinished task needs to move on, and a finished one no longer does.
pub struct Run {
    pub job: Box<dyn Job>,
    pub lifetime: Lifetime,
    /// When the next step is due; `None` while only a request can move the task.
    pub next_step_at: Option<Millis>,
    /// How the task moves: on the clock, per poll, or only when told.
    pub progression: Progression,
    /// A step is waiting for a poll or an admin call (per-poll and manual progression).
    pub on_demand: bool,
    /// Someone asked to hear of its status changes (`Engine::watch`).
    pub watched: bool,
    /// Status polls since the last step (per-poll progression).
    pub polls: u32,
}

/// How the tasks of a type move from one status to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Progression {
    /// Every step, and every wait the world dictates, at once.
    Immediate,
    /// One step per `step_ms`; the world's waits (decision delays, timeouts) as they are.
    Timed { step_ms: Millis },
    /// One step per `polls` status polls of the task.
    PerPoll { polls: u32 },
    /// Only the admin API moves the task (step or force).
    Manual,
}

impl Task {
    /// A task just created, in its type's first status, with nothing scheduled yet.
    pub fn new(
        id: TaskId,
        seq: u64,
        created_at: Millis,
        lifetime: Lifetime,
        progression: Progression,
        job: Box<dyn Job>,
    ) -> Task {
        let expires_at = match lifetime {
            Lifetime::FromCreation(ttl) => created_at.saturating_add(ttl),
            Lifetime::AfterEnd { max_age, .. } => created_at.saturating_add(max_age),
        };
        Task {
            id,
            seq,
            task_type: job.task_type(),
            status: Vocabulary::INITIAL,
            progress: 0,
            info: Info::default(),
            key: None,
            created_at,
            expires_at,
            history: History::new(),
            queued_at: None,
            run: Some(Box::new(Run {
                job,
                lifetime,
                next_step_at: None,
                progression,
                on_demand: false,
                watched: false,
                polls: 0,
            })),
        }
    }

    pub fn is_final(&self) -> bool {
        self.task_type.is_final(self.status)
    }

    pub fn status_name(&self) -> &'static str {
        self.task_type.status_name(self.status)
    }

    /// The job and schedule of an unfinished task; `None` once it is final.
    pub fn run(&self) -> Option<&Run> {
        self.run.as_deref()
    }

    pub fn run_mut(&mut self) -> Option<&mut Run> {
        self.run.as_deref_mut()
    }

    /// When the next step is due; `None` once final, or while only a request can move it.
    pub fn next_step_at(&self) -> Option<Millis> {
        self.run()?.next_step_at
    }

    /// Whether someone hears of its status changes.
    pub fn is_watched(&self) -> bool {
        self.run().is_some_and(|run| run.watched)
    }

    /// Where the task's next step sits in the due queue: (when, creation order).
    pub fn due_key(&self) -> Option<(Millis, u64)> {
        self.next_step_at().map(|at| (at, self.seq))
    }

    /// The entry the due queue holds for this task, if any: (when, creation order).
    pub fn queued(&self) -> Option<(Millis, u64)> {
        self.queued_at.map(|at| (at, self.seq))
    }

    /// Every status the task has been in, with the time it entered it.
    pub fn history(&self) -> impl Iterator<Item = (StatusCode, Millis)> + '_ {
        (0..self.history.len()).map(|i| self.entered(self.history.entry(i)))
    }

    pub fn updated_at(&self) -> Millis {
        self.entered(self.history.last()).1
    }

    fn entered(&self, (status, after): (StatusCode, Millis)) -> (StatusCode, Millis) {
        (status, self.created_at.saturating_add(after))
    }

    fn enter(&mut self, status: StatusCode, at: Millis) {
        self.history
            .push(status, at.saturating_sub(self.created_at));
    }

    /// Nothing would move the task if it were polled at `now`: no step due, and no step
    /// waiting for polls. A finished task is settled for good.
    pub fn is_settled(&self, now: Millis) -> bool {
        self.run().is_none_or(|run| run.is_settled(now))
    }

    pub fn is_expired(&self, now: Millis) -> bool {
        now >= self.expires_at
    }

    /// Progress as shown at `now`: 0 at the start, rising with time in a rising status,
    /// 100 at success, kept as it was when a task fails.
    pub fn progress_at(&self, now: Millis) -> u8 {
        match self.next_step_at() {
            Some(due) if Some(self.status) == self.task_type.statuses.rising => {
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
        debug_assert!(step.spawn.is_empty(), "the engine takes the spawns first");
        let statuses = self.task_type.statuses;
        self.progress = if step.status == statuses.succeeded {
            100
        } else if Some(step.status) == statuses.rising {
            0
        } else {
            step.progress.unwrap_or_else(|| self.progress_at(at))
        };
        self.status = step.status;
        self.info.extend(step.info);
        self.info.extend_missing(step.defaults);
        self.enter(step.status, at);
        if self.is_final() {
            self.end(at);
        }
    }

    /// The task has just ended at `at`: it lets go of its job and schedule, so the store
    /// holds no more than a finished task needs for the rest of its life.
    fn end(&mut self, at: Millis) {
        let Some(run) = self.run.take() else {
            return;
        };
        if let Lifetime::AfterEnd { retention, .. } = run.lifetime {
            self.expires_at = at.saturating_add(retention);
        }
    }
}

impl Run {
    fn is_settled(&self, now: Millis) -> bool {
        let polls_move_it =
            matches!(self.progression, Progression::PerPoll { .. }) && self.on_demand;
        self.next_step_at.is_none_or(|due| due > now) && !polls_move_it
    }

    /// Counts a status poll under per-poll progression: true for the poll that moves the
    /// task, whose next step is then due `now`.
    pub fn count_poll(&mut self, now: Millis) -> bool {
        let Progression::PerPoll { polls } = self.progression else {
            return false;
        };
        if !self.on_demand {
            return false;
        }
        self.polls += 1;
        if self.polls < polls.max(1) {
            return false;
        }
        self.polls = 0;
        self.next_step_at = Some(now);
        true
    }
}

/// Every status a task has been in, each with how long after the task's creation it was
/// entered (milliseconds); the first is the initial.
///
/// Most tasks go through a handful of statuses within weeks: the first [`History::SHORT`]
/// are kept in the task itself, their offsets in 32 bits (about 49 days). Only a longer
/// history, or one that reaches further (a run planned months ahead, the clock moved far),
/// takes an allocation of its own, with full offsets (a boxed slice: it grows by one entry
/// per step, and holds no spare room).
enum History {
    Short {
        len: u8,
        statuses: [StatusCode; History::SHORT],
        after: [u32; History::SHORT],
    },
    Long(Box<[(StatusCode, Millis)]>),
}

impl History {
    /// As many entries as fit in the 32 bytes a history takes (a task's size is checked
    /// by a test: see `a_task_fits_its_allocation_class`).
    const SHORT: usize = 5;

    fn new() -> History {
        History::Short {
            len: 1,
            statuses: [Vocabulary::INITIAL; History::SHORT],
            after: [0; History::SHORT],
        }
    }

    fn len(&self) -> usize {
        match self {
            History::Short { len, .. } => usize::from(*len),
            History::Long(entries) => entries.len(),
        }
    }

    fn entry(&self, i: usize) -> (StatusCode, Millis) {
        match self {
            History::Short {
                statuses, after, ..
            } => (statuses[i], Millis::from(after[i])),
            History::Long(entries) => entries[i],
        }
    }

    fn last(&self) -> (StatusCode, Millis) {
        self.entry(self.len() - 1)
    }

    fn push(&mut self, status: StatusCode, after: Millis) {
        if let (
            History::Short {
                len,
                statuses,
                after: afters,
            },
            Ok(short_after),
        ) = (&mut *self, u32::try_from(after))
        {
            if usize::from(*len) < History::SHORT {
                statuses[usize::from(*len)] = status;
                afters[usize::from(*len)] = short_after;
                *len += 1;
                return;
            }
        }
        let mut entries: Vec<_> = (0..self.len()).map(|i| self.entry(i)).collect();
        entries.push((status, after));
        *self = History::Long(entries.into_boxed_slice());
    }
}

/// The task's detail document (CNode's additionalInfo), kept as the JSON text it is shown
/// as: a few bytes instead of a map, and written once per step instead of once per poll.
/// Many tasks end with the same detail (every login request to one user), so equal texts
/// are shared (see [`shared`]).
#[derive(Default)]
pub struct Info(Option<Arc<str>>);

impl Info {
    pub fn extend(&mut self, more: Map<String, Value>) {
        if more.is_empty() {
            return;
        }
        let mut map = self.to_map();
        map.extend(more);
        let json = serde_json::to_string(&map).expect("a JSON map always serialises");
        self.0 = Some(shared(json));
    }

    /// Adds the keys the detail does not hold yet.
    pub fn extend_missing(&mut self, defaults: Map<String, Value>) {
        if defaults.is_empty() {
            return;
        }
        let held = self.to_map();
        let missing: Map<String, Value> = defaults
            .into_iter()
            .filter(|(key, _)| !held.contains_key(key))
            .collect();
        self.extend(missing);
    }

    pub fn to_map(&self) -> Map<String, Value> {
        self.0.as_deref().map_or_else(Map::new, |json| {
            serde_json::from_str(json).expect("the detail is stored as a JSON object")
        })
    }

    pub fn as_json(&self) -> &str {
        self.0.as_deref().unwrap_or("{}")
    }
}

/// `json` as a shared text: the same allocation as an equal text this thread made
/// recently, if there is one. The cache remembers one text per slot of the text's hash,
/// the latest, so it stays small whatever the tasks' details; it is the thread's own, so
/// the workers that take steps side by side take no lock for it.
fn shared(json: String) -> Arc<str> {
    const SLOTS: usize = 64;
    thread_local! {
        static RECENT: RefCell<[Option<Arc<str>>; SLOTS]> =
            const { RefCell::new([const { None }; SLOTS]) };
    }
    let slot = BuildHasherDefault::<DefaultHasher>::default().hash_one(&json) as usize % SLOTS;
    RECENT.with_borrow_mut(|recent| match &recent[slot] {
        Some(text) if **text == *json => Arc::clone(text),
        _ => {
            let text: Arc<str> = Arc::from(json);
            recent[slot] = Some(Arc::clone(&text));
            text
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Door = Door { name: "a", tag: 1 };
    const B: Door = Door { name: "b", tag: 2 };

    #[test]
    fn ids_are_text_within_a_door() {
        let one = TaskId::new(A, "1").unwrap();
        assert_eq!(one.as_str(), "1");
        assert_ne!(one, TaskId::new(B, "1").unwrap());
        assert_eq!(one, TaskId::new(A, "1").unwrap());
        assert!(TaskId::new(A, "").is_none());
        assert!(TaskId::new(A, &"x".repeat(37)).is_none());
        let uuid = "0b7c8a52-7e0a-4cbb-9c4e-0e3f6a7d1d2f";
        assert_eq!(TaskId::new(A, uuid).unwrap().as_str(), uuid);
    }

    #[test]
    fn equal_details_share_one_text() {
        let detail = |user: &str| {
            let mut info = Info::default();
            info.extend(Map::from_iter([("username".to_owned(), user.into())]));
            info
        };
        let (one, two, other) = (detail("alice"), detail("alice"), detail("bob"));
        assert_eq!(one.as_json(), r#"{"username":"alice"}"#);
        assert!(std::ptr::eq(one.as_json(), two.as_json()));
        assert_eq!(other.as_json(), r#"{"username":"bob"}"#);
    }

    #[test]
    fn a_task_fits_its_allocation_class() {
        // A store holds up to a million boxed tasks, and the allocator rounds each box up
        // to its size class (…, 128, 160, 192, …): one byte past 160 costs 32 per task.
        assert!(std::mem::size_of::<Task>() <= 160);
    }

    #[test]
    fn a_history_keeps_every_status_in_order_short_or_long() {
        let mut history = History::new();
        for n in 1..12 {
            history.push(StatusCode(n), Millis::from(n) * 10);
            assert_eq!(history.len(), usize::from(n) + 1);
            assert_eq!(history.last(), (StatusCode(n), Millis::from(n) * 10));
        }
        let entries: Vec<_> = (0..history.len()).map(|i| history.entry(i)).collect();
        let expected: Vec<_> = (0..12)
            .map(|n| (StatusCode(n), Millis::from(n) * 10))
            .collect();
        assert_eq!(entries, expected);
    }

    #[test]
    fn a_history_reaching_past_49_days_keeps_its_times() {
        // A monthly or yearly IntellectMoney run, or the clock moved far ahead: offsets past
        // u32 milliseconds move the history to its long form instead of being clamped.
        let sixty_days: Millis = 60 * 24 * 3600 * 1000;
        let mut history = History::new();
        history.push(StatusCode(1), 10);
        history.push(StatusCode(2), sixty_days);
        history.push(StatusCode(3), 2 * sixty_days);
        let entries: Vec<_> = (0..history.len()).map(|i| history.entry(i)).collect();
        let expected = [
            (Vocabulary::INITIAL, 0),
            (StatusCode(1), 10),
            (StatusCode(2), sixty_days),
            (StatusCode(3), 2 * sixty_days),
        ];
        assert_eq!(entries, expected);
    }
}
