//! The engine: tasks and their progression, the simulated world, and the clock.
//! It knows nothing of XML or HTTP; `ops/` calls it with plain values.

pub mod clock;
mod control;

pub use control::{ForceError, HistoryStep, OutcomeRule, TaskDetail, TaskFilter};
pub mod jobs;
pub mod status;
pub mod store;
pub mod task;
pub mod ticker;
pub mod world;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use clock::{Clock, Millis};
use status::Status;
use store::{TaskStore, TransferIdInUse};
use task::{Job, JobRequest, NextIn, Refusal, Step, StepCtx, Task, TaskId};
use world::{World, WorldFile};

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// How long a task can be looked up, counted from its creation.
    pub task_ttl: Duration,
    /// How long each status step takes. Zero: a task reaches its final status at once.
    pub step: Duration,
    /// Live tasks the store holds at most; starting one more is refused.
    pub max_tasks: usize,
}

impl Default for EngineConfig {
    fn default() -> EngineConfig {
        EngineConfig {
            task_ttl: Duration::from_secs(3600),
            step: Duration::from_millis(500),
            max_tasks: 1_000_000,
        }
    }
}

pub struct Engine {
    clock: Arc<Clock>,
    config: EngineConfig,
    /// The world file the engine started from, for a reset.
    initial_world: WorldFile,
    world: Mutex<World>,
    store: TaskStore,
    due: DueQueue,
    /// The login or registration running now, if any: the node does one at a time.
    session_task: Mutex<Option<TaskId>>,
    /// Outcomes dictated for future tasks, first match wins.
    rules: Mutex<Vec<control::OutcomeRule>>,
    /// Held while due steps are taken, so they happen in due order whoever takes them.
    stepping: Mutex<()>,
    /// The next task's creation number.
    next_seq: AtomicU64,
    /// How tasks move, by type (`*` for every type not named).
    progressions: Mutex<std::collections::HashMap<String, task::Progression>>,
}

/// What getTaskStatus shows of a task at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskView {
    pub id: TaskId,
    pub type_name: &'static str,
    pub status: Status,
    pub progress: u8,
    pub additional_info: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum StartError {
    /// A live task already carries this uniqueTransferId.
    TransferIdInUse,
    /// A login or registration is already running.
    SessionTaskRunning,
    /// The store holds `max_tasks` live tasks.
    TooManyTasks,
}

impl Engine {
    pub fn new(world: &WorldFile, config: EngineConfig, clock: Arc<Clock>) -> Engine {
        let initial_world = world.clone();
        let world = World::new(world, clock.wall(clock.now()));
        Engine {
            clock,
            config,
            initial_world,
            world: Mutex::new(world),
            store: TaskStore::default(),
            due: DueQueue::default(),
            session_task: Mutex::new(None),
            rules: Mutex::new(Vec::new()),
            stepping: Mutex::new(()),
            next_seq: AtomicU64::new(0),
            progressions: Mutex::new(std::collections::HashMap::new()),
        }
    }

    pub fn clock(&self) -> &Arc<Clock> {
        &self.clock
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The world, locked. Keep the guard short, and never take a task while holding it
    /// (the engine takes a task first, then the world).
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    /// Starts a task running `job`, and takes its first steps if they are already due.
    pub fn start_task(
        &self,
        job: Box<dyn Job>,
        unique_transfer_id: Option<String>,
    ) -> Result<TaskId, StartError> {
        self.start_task_with_outcome(job, unique_transfer_id, None)
    }

    /// Starts a task; with an `outcome`, the task walks those statuses instead of doing its
    /// job (it keeps its type and leaves the world alone).
    pub fn start_task_with_outcome(
        &self,
        job: Box<dyn Job>,
        unique_transfer_id: Option<String>,
        outcome: Option<Vec<Status>>,
    ) -> Result<TaskId, StartError> {
        let outcome = outcome.or_else(|| self.matching_rule(&*job, unique_transfer_id.as_deref()));
        let job: Box<dyn Job> = match outcome {
            Some(path) => Box::new(jobs::Scripted::new(job.type_name(), path)),
            None => job,
        };
        if job.is_session_job() {
            let mut running = lock(&self.session_task);
            if running.is_some_and(|id| self.is_unfinished(id)) {
                return Err(StartError::SessionTaskRunning);
            }
            let id = self.insert_task(job, unique_transfer_id)?;
            *running = Some(id);
            return Ok(id);
        }
        self.insert_task(job, unique_transfer_id)
    }

    fn insert_task(
        &self,
        job: Box<dyn Job>,
        unique_transfer_id: Option<String>,
    ) -> Result<TaskId, StartError> {
        // At the cap, a few expired tasks make room (the sweeper frees the rest).
        if self.store.len() >= self.config.max_tasks && self.sweep_up_to(64) == 0 {
            return Err(StartError::TooManyTasks);
        }
        let now = self.clock.now();
        let progression = self.progression_of(job.type_name());
        let mut task = Task::new(
            self.store.fresh_id(),
            self.next_seq.fetch_add(1, Ordering::Relaxed),
            now,
            now.saturating_add(self.config.task_ttl.as_millis() as Millis),
            progression,
            job,
        );
        task.unique_transfer_id = unique_transfer_id.map(String::into_boxed_str);
        self.schedule(&mut task, now, NextIn::Pace);
        // Stored first, so a transfer id is claimed before the job does anything.
        let id = self
            .store
            .insert(task, now)
            .map_err(|TransferIdInUse| StartError::TransferIdInUse)?;
        let next_step_at = self.store.with_task(id, now, |task| {
            {
                let mut world = self.world();
                let mut ctx = self.step_ctx(task.id, now, &mut world);
                task.job.start(&mut ctx);
            }
            self.advance(task, now);
            task.due_key()
        });
        if let Some(Some(at)) = next_step_at {
            self.due.push(at, id);
        }
        Ok(id)
    }

    /// Takes every step that has come due, so the world is as it should be at this instant.
    ///
    /// Steps are taken one at a time in the order they were due, across all tasks, so a step
    /// due earlier always sees the world before a step due later (two transfers from one
    /// wallet, a limit counted by both). One caller at a time does this.
    pub fn catch_up(&self) {
        let now = self.clock.now();
        if self.due.earliest().is_none_or(|at| at > now) {
            return;
        }
        let _stepping = lock(&self.stepping);
        while let Some(id) = self.due.pop_one(now) {
            let pending = self.store.with_task(id, now, |task| {
                self.step_once(task, now);
                task.due_key()
            });
            if let Some(Some(at)) = pending {
                self.due.push(at, id);
            }
        }
    }

    /// getTaskStatus: the task as it stands; under per-poll progression this poll may be
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
        let (view, next) = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            if let task::Progression::PerPoll { polls } = task.progression {
                if task.on_demand {
                    task.polls += 1;
                    if task.polls >= polls.max(1) {
                        task.polls = 0;
                        task.next_step_at = Some(now);
                        self.advance(task, now);
                    }
                }
            }
            (view(task, now), task.due_key())
        })?;
        if let Some(at) = next {
            self.due.push(at, id);
        }
        Some(view)
    }

    pub fn task(&self, id: TaskId) -> Option<TaskView> {
        self.catch_up();
        let now = self.clock.now();
        self.store.with_task(id, now, |task| {
            self.advance(task, now);
            view(task, now)
        })
    }

    /// Hands a request (cancel, end of series) to a task's job. `None`: no such task.
    pub fn request(&self, id: TaskId, request: JobRequest) -> Option<Result<(), Refusal>> {
        self.catch_up();
        let now = self.clock.now();
        let outcome = self.store.with_task(id, now, |task| {
            self.advance(task, now);
            let step = {
                let mut world = self.world();
                let mut ctx = self.step_ctx(task.id, now, &mut world);
                task.job.on_request(request, task.status, &mut ctx)?
            };
            self.apply(task, step, now);
            Ok(task.due_key())
        })?;
        if let Ok(Some(at)) = outcome {
            self.due.push(at, id);
        }
        Some(outcome.map(drop))
    }

    /// The current time as the wall clock shows it to clients.
    pub fn wall_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.wall(self.clock.now())
    }

    /// Every status the task has been in, with the time it entered it.
    pub fn task_history(&self, id: TaskId) -> Option<Vec<(Status, Millis)>> {
        self.catch_up();
        let now = self.clock.now();
        self.store.with_task(id, now, |task| {
            self.advance(task, now);
            task.history().collect()
        })
    }

    pub fn task_id_by_transfer_id(&self, unique_transfer_id: &str) -> Option<TaskId> {
        self.store.find_by_transfer_id(unique_transfer_id)
    }

    /// True while a login or registration task runs.
    pub fn session_task_running(&self) -> bool {
        let running = *lock(&self.session_task);
        running.is_some_and(|id| self.is_unfinished(id))
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
                self.abandon(&mut task, end);
                swept += 1;
            }
        }
        swept
    }

    /// Lets an unfinished task give back what it holds.
    fn abandon(&self, task: &mut Task, at: Millis) {
        if !task.status.is_final() {
            let mut world = self.world();
            let mut ctx = self.step_ctx(task.id, at, &mut world);
            task.job.abandon(&mut ctx);
        }
    }

    /// Whether a live task already carries this uniqueTransferId.
    pub fn transfer_id_in_use(&self, unique_transfer_id: &str) -> bool {
        self.store
            .transfer_id_in_use(unique_transfer_id, self.clock.now())
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

    fn is_unfinished(&self, id: TaskId) -> bool {
        self.task(id).is_some_and(|task| !task.status.is_final())
    }

    fn step_millis(&self) -> Millis {
        self.config.step.as_millis() as Millis
    }

    /// Takes a task's next step if it is due by `now`.
    fn step_once(&self, task: &mut Task, now: Millis) {
        if let Some(due) = task.next_step_at.filter(|&due| due <= now) {
            let step = {
                let mut world = self.world();
                let mut ctx = self.step_ctx(task.id, due, &mut world);
                task.job.next(task.status, &mut ctx)
            };
            self.apply(task, step, due);
        }
    }

    /// Moves a task through every step due by `now`, each taken at the time it was due.
    fn advance(&self, task: &mut Task, now: Millis) {
        while let Some(due) = task.next_step_at.filter(|&due| due <= now) {
            let step = {
                let mut world = self.world();
                let mut ctx = self.step_ctx(task.id, due, &mut world);
                task.job.next(task.status, &mut ctx)
            };
            self.apply(task, step, due);
        }
    }

    fn apply(&self, task: &mut Task, step: Step, at: Millis) {
        let next_in = step.next_in;
        task.record(step, at);
        self.schedule(task, at, next_in);
    }

    /// When the step after one taken at `at` comes, by the task's progression.
    fn schedule(&self, task: &mut Task, at: Millis, next_in: NextIn) {
        use task::Progression;
        let waiting = !task.status.is_final() && next_in != NextIn::Never;
        task.on_demand = false;
        task.next_step_at = match (waiting, task.progression, next_in) {
            (false, _, _) => None,
            (true, Progression::Immediate, _) => Some(at),
            (true, Progression::Timed { step_ms }, NextIn::Pace) => {
                Some(at.saturating_add(step_ms))
            }
            (true, Progression::Timed { .. }, NextIn::After(wait)) => Some(at.saturating_add(wait)),
            (true, Progression::PerPoll { .. } | Progression::Manual, _) => {
                task.on_demand = true;
                None
            }
            (true, _, NextIn::Never) => None,
        };
    }

    fn progression_of(&self, type_name: &str) -> task::Progression {
        let progressions = lock(&self.progressions);
        progressions
            .get(type_name)
            .or_else(|| progressions.get("*"))
            .copied()
            .unwrap_or(task::Progression::Timed {
                step_ms: self.step_millis(),
            })
    }

    fn step_ctx<'w>(&self, task_id: TaskId, at: Millis, world: &'w mut World) -> StepCtx<'w> {
        StepCtx {
            task_id,
            at,
            now: self.clock.wall(at),
            world,
        }
    }
}

fn view(task: &Task, now: Millis) -> TaskView {
    TaskView {
        id: task.id,
        type_name: task.job.type_name(),
        status: task.status,
        progress: task.progress_at(now),
        additional_info: task.info.as_json().to_owned(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Engine state is changed only in whole steps, so a panic elsewhere leaves it usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Steps waiting for their time, earliest first. Each unfinished task has one entry, due
/// no later than its next step; `earliest` lets the request path skip the lock.
struct DueQueue {
    heap: Mutex<BinaryHeap<Reverse<(Millis, u64, TaskId)>>>,
    earliest: AtomicU64,
}

impl Default for DueQueue {
    fn default() -> DueQueue {
        DueQueue {
            heap: Mutex::new(BinaryHeap::new()),
            earliest: AtomicU64::new(Millis::MAX),
        }
    }
}

impl DueQueue {
    fn push(&self, (at, seq): (Millis, u64), id: TaskId) {
        let mut heap = lock(&self.heap);
        heap.push(Reverse((at, seq, id)));
        self.earliest.fetch_min(at, Ordering::AcqRel);
    }

    /// The earliest entry due by `now`, taken out.
    fn pop_one(&self, now: Millis) -> Option<TaskId> {
        if self.earliest.load(Ordering::Acquire) > now {
            return None;
        }
        let mut heap = lock(&self.heap);
        let popped = match heap.peek() {
            Some(&Reverse((at, _, id))) if at <= now => {
                heap.pop();
                Some(id)
            }
            _ => None,
        };
        let next = heap.peek().map_or(Millis::MAX, |Reverse((at, _, _))| *at);
        self.earliest.store(next, Ordering::Release);
        popped
    }

    fn clear(&self) {
        lock(&self.heap).clear();
        self.earliest.store(Millis::MAX, Ordering::Release);
    }

    fn earliest(&self) -> Option<Millis> {
        Some(self.earliest.load(Ordering::Acquire)).filter(|&at| at != Millis::MAX)
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("tasks", &self.store.len())
            .field("config", &self.config)
            .finish()
    }
}
