//! The task core: tasks and their progression, the due queue, expiry and the clock. It
//! knows no front door: a door declares its task types (with their status vocabularies),
//! starts tasks with jobs of its own, and reads them back as plain values. It knows
//! nothing of XML, JSON shapes or HTTP.

pub mod clock;
mod control;
pub mod counters;
mod due;
pub mod ids;
pub mod scripted;
pub mod store;
mod table;
pub mod task;
pub mod ticker;
mod watch;

#[cfg(test)]
mod tests;

pub use control::{ForceError, HistoryStep, OutcomeRule, RuleError, TaskDetail, TaskFilter};
pub use watch::StatusChange;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use clock::{Clock, Millis};
use due::DueQueue;
use store::{KeyInUse, TaskStore};
use task::{Job, JobRequest, Lifetime, NextIn, Progression, Refusal, StatusCode, Step, StepCtx};
use task::{Task, TaskId, TaskType};

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Live tasks the store holds at most, all front doors together; starting one more is refused.
    pub max_tasks: usize,
    /// Status changes of watched tasks queued at most, waiting for their consumer; the
    /// oldest is dropped (and counted) past that. 0: tasks cannot be watched.
    pub status_changes: usize,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            max_tasks: 1_000_000,
            status_changes: 0,
        }
    }
}

pub struct Engine {
    clock: Arc<Clock>,
    config: EngineConfig,
    /// Every task type the front doors declared, for rules, forcing and the admin API.
    types: Vec<&'static TaskType>,
    store: TaskStore,
    due: DueQueue,
    /// Outcomes dictated for future tasks, first match wins.
    rules: Mutex<Vec<control::Rule>>,
    /// Held while due steps are taken, so they happen in due order whoever takes them.
    stepping: Mutex<()>,
    /// Set while someone takes due steps (set before the first is popped from the queue,
    /// cleared once the tasks they started are stored): a read that finds nothing due waits
    /// for them instead of seeing the world half-way through a step.
    catching_up: std::sync::atomic::AtomicBool,
    /// The next task's creation number.
    next_seq: AtomicU64,
    /// How tasks move: by type name, `door/*` for a front door's other types, `*` for all
    /// others; a task type nobody named moves at its door's pace.
    progressions: Mutex<HashMap<String, Progression>>,
    /// Tasks steps started, with the time they were started at, waiting for the stepping
    /// task to be let go.
    spawned: Mutex<Vec<(Millis, task::Spawn)>>,
    /// Status changes of watched tasks, for whoever listens (`Engine::watch`).
    watches: watch::Watches,
    /// Tasks started, finished, expired and swept, for metrics.
    counters: counters::EngineCounters,
}

/// A task to start.
pub struct NewTask {
    pub job: Box<dyn Job>,
    /// A key the front door finds the task by besides its id; one live task per key.
    pub key: Option<String>,
    pub lifetime: Lifetime,
    /// The door's pace: how long a step takes unless a progression says otherwise.
    pub pace: Millis,
    /// A path the caller dictated: the task walks it instead of doing its job (an empty
    /// one: it waits in its first status until forced).
    pub outcome: Option<Vec<StatusCode>>,
    /// The detail document the task starts with.
    pub detail: serde_json::Map<String, serde_json::Value>,
    /// When its first step comes (a schedule's run: at its planned time).
    pub first_step: NextIn,
}

/// A task as its front door shows it at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskView {
    pub id: TaskId,
    pub task_type: &'static TaskType,
    pub status: StatusCode,
    pub progress: u8,
    /// The detail document, as JSON text.
    pub detail: String,
}

impl TaskView {
    pub fn is_final(&self) -> bool {
        self.task_type.is_final(self.status)
    }

    pub fn status_name(&self) -> &'static str {
        self.task_type.status_name(self.status)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum StartError {
    /// A live task of the door already carries this key.
    KeyInUse,
    /// The store holds `max_tasks` live tasks.
    TooManyTasks,
}

impl Engine {
    /// An engine for these task types. Panics on a vocabulary the engine cannot hold (empty,
    /// or more than 64 statuses) or two types of one name: both are mistakes in the code.
    pub fn new(config: EngineConfig, clock: Arc<Clock>, types: Vec<&'static TaskType>) -> Engine {
        for (i, task_type) in types.iter().enumerate() {
            let count = task_type.statuses.names.len();
            assert!(
                (1..=64).contains(&count),
                "{}: {count} statuses",
                task_type.name
            );
            assert!(
                types[..i].iter().all(|t| t.name != task_type.name),
                "two task types named {}",
                task_type.name
            );
        }
        let watches = watch::Watches::new(config.status_changes);
        Engine {
            clock,
            config,
            store: TaskStore::default(),
            due: DueQueue::default(),
            rules: Mutex::new(Vec::new()),
            stepping: Mutex::new(()),
            catching_up: std::sync::atomic::AtomicBool::new(false),
            next_seq: AtomicU64::new(0),
            progressions: Mutex::new(HashMap::new()),
            spawned: Mutex::new(Vec::new()),
            watches,
            counters: counters::EngineCounters::new(&types),
            types,
        }
    }

    pub fn clock(&self) -> &Arc<Clock> {
        &self.clock
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn task_types(&self) -> &[&'static TaskType] {
        &self.types
    }

    /// Starts a task with the id `mint` gives (asked again while the id is taken), and
    /// takes its first steps if they are already due.
    pub fn start(
        &self,
        new: NewTask,
        mint: &mut dyn FnMut() -> TaskId,
    ) -> Result<TaskId, StartError> {
        let started = self.start_at(new, mint, self.clock.now(), true);
        self.start_spawned_and_catch_up();
        started
    }

    /// Starts a task created at `now`; `advance`: takes the steps already due at once (a
    /// spawned task's are left to `catch_up`, in due order with everyone else's).
    fn start_at(
        &self,
        new: NewTask,
        mint: &mut dyn FnMut() -> TaskId,
        now: Millis,
        advance: bool,
    ) -> Result<TaskId, StartError> {
        // At the cap, a few expired tasks make room (the sweeper frees the rest).
        if self.store.len() >= self.config.max_tasks && self.sweep_up_to(64) == 0 {
            return Err(StartError::TooManyTasks);
        }
        // A refused key uses up no rule (the store checks again when it takes the task).
        if new.key.as_deref().is_some_and(|key| {
            self.store
                .key_in_use(new.job.task_type().door.tag, key, self.clock.now())
        }) {
            return Err(StartError::KeyInUse);
        }
        let mut detail = new.detail;
        let outcome = match new.outcome {
            Some(path) => Some(path),
            None => self
                .matching_rule(&*new.job, new.key.as_deref())
                .map(|(path, rule_detail)| {
                    detail.extend(rule_detail);
                    path
                }),
        };
        let outcome = outcome.map(|mut path| {
            (new.job.task_type().dictating)(&mut path, &mut detail);
            path
        });
        let first_step = match &outcome {
            Some(path) if path.is_empty() => NextIn::Never,
            _ => new.first_step,
        };
        let job: Box<dyn Job> = match outcome {
            Some(path) if new.job.steerable() => {
                Box::new(scripted::Scripted::steering(new.job, path))
            }
            Some(path) => Box::new(scripted::Scripted::new(new.job.task_type(), path)),
            None => new.job,
        };
        let job_type = job.task_type();
        let progression = self.progression_of(job_type, new.pace);
        let mut task = Task::new(
            mint(),
            self.next_seq.fetch_add(1, Ordering::Relaxed),
            now,
            new.lifetime,
            progression,
            job,
        );
        task.key = new.key.map(String::into_boxed_str);
        task.info.extend(detail);
        // Stored first, so a key is claimed before the job does anything.
        let id = self
            .store
            .insert(task, now, mint)
            .map_err(|KeyInUse| StartError::KeyInUse)?;
        self.counters.on_created(job_type);
        self.store.with_task(id, now, |task| {
            let ctx = self.step_ctx(task.id, now, now);
            if let Some(run) = task.run_mut() {
                run.job.start(&ctx);
            }
            self.schedule(task, now, first_step);
            if advance {
                self.advance(task, now);
            }
            self.keep_due(task);
        });
        Ok(id)
    }

    /// Starts the tasks steps have spawned, each at the time of the step that spawned it.
    /// Answers whether there were any. Called once the stepping task is let go (a store
    /// shard must not be taken twice).
    fn start_spawned(&self) -> bool {
        let spawned = std::mem::take(&mut *lock(&self.spawned));
        let any = !spawned.is_empty();
        for (at, mut spawn) in spawned {
            if let Err(error) = self.start_at(spawn.task, &mut spawn.mint, at, false) {
                log::warn!("a task a step started was refused: {error:?}");
            }
        }
        any
    }

    /// Tasks spawned but not started yet are dropped (the engine is being reset).
    fn forget_spawned(&self) {
        lock(&self.spawned).clear();
    }

    /// After a step outside `catch_up`: spawned tasks start, and their due steps are taken.
    fn start_spawned_and_catch_up(&self) {
        if self.start_spawned() {
            self.catch_up();
        }
    }

    /// Takes every step that has come due, so every world is as it should be at this instant.
    ///
    /// Steps are taken one at a time in the order they were due, across all tasks, so a step
    /// due earlier always sees the world before a step due later (two transfers from one
    /// wallet, a limit counted by both). One caller at a time does this.
    pub fn catch_up(&self) {
        self.start_spawned();
        let now = self.clock.now();
        if self.due.earliest().is_none_or(|at| at > now) && !self.catching_up.load(Ordering::SeqCst)
        {
            return;
        }
        let _stepping = lock(&self.stepping);
        self.catching_up.store(true, Ordering::SeqCst);
        while let Some((id, key)) = self.due.pop_one(now) {
            self.store.with_task(id, now, |task| {
                if task.queued() == Some(key) {
                    task.queued_at = None;
                }
                self.step_once(task, now);
                self.keep_due(task);
            });
            // A spawned task's steps already due join the queue, to be taken in due order.
            self.start_spawned();
        }
        self.catching_up.store(false, Ordering::SeqCst);
    }

    /// A status poll: the task as it stands; under per-poll progression this poll may be
    /// the one that moves it a step.
    pub fn poll(&self, id: TaskId) -> Option<TaskView> {
        self.catch_up();
        let now = self.clock.now();
        // Most polls find nothing to move: a read is enough, and pollers of one task do not
        // queue behind each other.
        let settled = self.store.peek(id, now, |task| {
            task.is_settled(now).then(|| view(task, now))
        });
        if let Some(view) = settled? {
            return Some(view);
        }
        let polled = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            if task.run_mut().is_some_and(|run| run.count_poll(now)) {
                self.advance(task, now);
            }
            self.keep_due(task);
            view(task, now)
        });
        self.start_spawned_and_catch_up();
        polled
    }

    /// The task as it stands, moving nothing a poll would.
    pub fn task(&self, id: TaskId) -> Option<TaskView> {
        self.catch_up();
        let now = self.clock.now();
        let seen = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            self.keep_due(task);
            view(task, now)
        });
        self.start_spawned_and_catch_up();
        seen
    }

    /// Hands a request (cancel, end) to a task's job. `None`: no such task.
    pub fn request(&self, id: TaskId, request: JobRequest) -> Option<Result<(), Refusal>> {
        self.catch_up();
        let now = self.clock.now();
        let answer = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            let ctx = self.step_ctx(task.id, now, now);
            let status = task.status;
            let answer = match task.run_mut() {
                Some(run) => run.job.on_request(request, status, &ctx),
                // A finished task has no job left to ask.
                None => Err(Refusal::TooLate),
            };
            let outcome = answer.map(|step| self.apply(task, step, now));
            self.keep_due(task);
            outcome
        });
        self.start_spawned_and_catch_up();
        answer
    }

    /// The current time as the wall clock shows it to clients.
    pub fn wall_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.wall(self.clock.now())
    }

    /// Every status the task has been in, with the time it entered it.
    pub fn task_history(&self, id: TaskId) -> Option<Vec<(StatusCode, Millis)>> {
        self.catch_up();
        let now = self.clock.now();
        let history = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            self.keep_due(task);
            task.history().collect()
        });
        self.start_spawned_and_catch_up();
        history
    }

    /// Marks a task watched: each of its later status changes is queued as a
    /// [`StatusChange`] for [`Engine::next_status_change`]. False when there is no such
    /// task, or watching is off (`EngineConfig::status_changes` is 0).
    pub fn watch(&self, id: TaskId) -> bool {
        self.watches.is_on()
            && self
                .store
                .with_task(id, self.clock.now(), |task| {
                    // A finished task never changes again: there is nothing to hear of.
                    if let Some(run) = task.run_mut() {
                        run.watched = true;
                    }
                })
                .is_some()
    }

    /// The oldest status change of a watched task not taken yet.
    pub fn next_status_change(&self) -> Option<StatusChange> {
        self.watches.pop()
    }

    /// Waits until a status change may have been queued since `next_status_change` last
    /// found none (at once if one was queued meanwhile).
    pub async fn status_change_queued(&self) {
        self.watches.ready().await
    }

    /// Status changes dropped unread because the queue was full.
    pub fn status_changes_dropped(&self) -> u64 {
        self.watches.dropped()
    }

    /// Status changes waiting to be taken.
    pub fn status_changes_waiting(&self) -> usize {
        self.watches.len()
    }

    /// The live task of the front door tagged `door` that carries `key`.
    pub fn task_id_by_key(&self, door: u8, key: &str) -> Option<TaskId> {
        self.store.find_by_key(door, key)
    }

    /// Whether a live task of the front door tagged `door` already carries `key`.
    pub fn key_in_use(&self, door: u8, key: &str) -> bool {
        self.store.key_in_use(door, key, self.clock.now())
    }

    /// Frees the memory of every expired task; answers how many. A task that expires
    /// unfinished first takes the steps that came due before its end, then gives back what
    /// it holds.
    pub fn sweep(&self) -> usize {
        self.sweep_up_to(usize::MAX)
    }

    /// Sweeps at most `limit` expired tasks, so a caller can take turns with other work.
    pub fn sweep_up_to(&self, limit: usize) -> usize {
        let now = self.clock.now();
        let mut swept = 0;
        while swept < limit {
            let Some(taken) = self.store.take_expired(now) else {
                break;
            };
            if let Some(mut task) = taken {
                let end = task.expires_at;
                self.advance(&mut task, end.saturating_sub(1));
                self.counters.on_swept(task.task_type, !task.is_final());
                self.abandon(&mut task, end);
                self.due.set(task.id, task.queued(), None);
                swept += 1;
            }
        }
        swept
    }

    /// Lets an unfinished task give back what it holds.
    fn abandon(&self, task: &mut Task, at: Millis) {
        let ctx = self.step_ctx(task.id, at, at);
        if let Some(run) = task.run_mut() {
            run.job.abandon(&ctx);
        }
    }

    /// Tasks started, finished, expired and swept, by type (its index in `task_types`).
    pub fn counters(&self) -> &counters::EngineCounters {
        &self.counters
    }

    /// Live (not expired) tasks by type and status, as they stand (no catching up): a scan
    /// of the store, for metrics; call it off the worker threads.
    pub fn live_counts(&self) -> Vec<(&'static TaskType, StatusCode, u64)> {
        let now = self.clock.now();
        let mut counts: HashMap<(usize, u8), u64> = HashMap::new();
        self.store.for_each(|task| {
            if !task.is_expired(now) {
                *counts
                    .entry((task.task_type as *const TaskType as usize, task.status.0))
                    .or_default() += 1;
            }
        });
        let mut live: Vec<_> = counts
            .into_iter()
            .filter_map(|((type_at, status), count)| {
                let task_type = self
                    .types
                    .iter()
                    .find(|t| std::ptr::eq(**t, type_at as *const TaskType))?;
                Some((*task_type, StatusCode(status), count))
            })
            .collect();
        live.sort_by_key(|(t, status, _)| (t.door.name, t.name, status.0));
        live
    }

    pub fn task_count(&self) -> usize {
        self.store.len()
    }

    /// The next instant at which the engine has something to do: a step or an expiry.
    pub fn next_wakeup(&self) -> Option<Millis> {
        match (self.due.earliest(), self.store.next_expiry()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes a task's next step if it is due by `now`.
    fn step_once(&self, task: &mut Task, now: Millis) {
        let (id, status) = (task.id, task.status);
        let Some(run) = task.run_mut() else {
            return;
        };
        if let Some(due) = run.next_step_at.filter(|&due| due <= now) {
            let taken_at = self.clock.jumped_over(due).unwrap_or(due);
            let step = run.job.next(status, &self.step_ctx(id, due, taken_at));
            self.apply(task, step, due);
        }
    }

    /// Moves a task through every step due by `now`, each taken at the time it was due.
    fn advance(&self, task: &mut Task, now: Millis) {
        while task.next_step_at().is_some_and(|due| due <= now) {
            self.step_once(task, now);
        }
    }

    fn apply(&self, task: &mut Task, mut step: Step, at: Millis) {
        if !step.spawn.is_empty() {
            let spawned = std::mem::take(&mut step.spawn);
            lock(&self.spawned).extend(spawned.into_iter().map(|spawn| (at, spawn)));
        }
        let next_in = step.next_in;
        let expires_at = task.expires_at;
        let before = task.status;
        let was_final = task.is_final();
        // Asked first: a task that ends lets go of its run, and of this with it.
        let watched = task.is_watched();
        task.record(step, at);
        if !was_final && task.is_final() {
            self.counters.on_finished(task.task_type, task.status.0);
        }
        if watched && task.status != before {
            self.watches.push(StatusChange {
                seq: 0,
                id: task.id,
                door: task.task_type.door.name,
                task_type: task.task_type.name,
                status: task.status_name(),
                progress: task.progress_at(at),
                detail: task.info.as_json().to_owned(),
                at: self.clock.wall(at),
            });
        }
        if task.expires_at != expires_at {
            self.store.expire_at(task.expires_at, task.seq, task.id);
        }
        self.schedule(task, at, next_in);
    }

    /// When the step after one taken at `at` comes, by the task's progression.
    fn schedule(&self, task: &mut Task, at: Millis, next_in: NextIn) {
        let waiting = !task.is_final() && next_in != NextIn::Never;
        // A finished task has no schedule left to keep.
        let Some(run) = task.run_mut() else {
            return;
        };
        run.on_demand = false;
        run.next_step_at = match (waiting, run.progression, next_in) {
            (false, _, _) => None,
            // A schedule is kept whatever the progression: it is not a step.
            (true, _, NextIn::At(when)) => Some(when.max(at)),
            (true, Progression::Immediate, _) => Some(at),
            (true, Progression::Timed { step_ms }, NextIn::Pace) => {
                Some(at.saturating_add(step_ms))
            }
            (true, Progression::Timed { .. }, NextIn::After(wait)) => Some(at.saturating_add(wait)),
            (true, Progression::PerPoll { .. } | Progression::Manual, _) => {
                run.on_demand = true;
                None
            }
            (true, _, NextIn::Never) => None,
        };
    }

    /// The one place the due queue learns a task's schedule: called, with the task held,
    /// after anything that may have changed it. So each unfinished task with a step due
    /// has exactly one entry, at that step's time; a schedule that did not change takes no lock.
    fn keep_due(&self, task: &mut Task) {
        let key = task.due_key();
        if task.queued() != key {
            self.due.set(task.id, task.queued(), key);
            task.queued_at = key.map(|(at, _)| at);
        }
    }

    fn progression_of(&self, task_type: &TaskType, pace: Millis) -> Progression {
        let progressions = lock(&self.progressions);
        if progressions.is_empty() {
            return Progression::Timed { step_ms: pace };
        }
        progressions
            .get(task_type.name)
            .or_else(|| progressions.get(&format!("{}/*", task_type.door.name)))
            .or_else(|| progressions.get("*"))
            .copied()
            .unwrap_or(Progression::Timed { step_ms: pace })
    }

    fn step_ctx(&self, task_id: TaskId, at: Millis, taken_at: Millis) -> StepCtx {
        StepCtx {
            task_id,
            at,
            taken_at: taken_at.max(at),
            now: self.clock.wall(at),
        }
    }
}

fn view(task: &Task, now: Millis) -> TaskView {
    TaskView {
        id: task.id,
        task_type: task.task_type,
        status: task.status,
        progress: task.progress_at(now),
        detail: task.info.as_json().to_owned(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Engine state is changed only in whole steps, so a panic elsewhere leaves it usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("tasks", &self.store.len())
            .field("config", &self.config)
            .finish()
    }
}
