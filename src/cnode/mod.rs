//! The CNode front door (seed 001, `cnode-api.md`): SOAP 1.1 at `/`, its 32 operations, its
//! 36 statuses and task types, and the simulated world its jobs change. Built on the engine
//! like every other front door; the engine knows nothing of what is here.

pub mod http;
pub mod jobs;
pub mod ops;
pub mod soap;
pub mod status;
pub mod task;
pub mod world;
pub mod wsdl;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::engine::clock::Millis;
use serde_json::{Map, Value};

use crate::engine::scripted::Scripted;
use crate::engine::task::{
    Door, JobRequest, Lifetime, NextIn, Refusal, StatusCode, TaskId, TaskType,
};
use crate::engine::{Engine, NewTask};
use status::Status;
use task::{lock, InWorld, Job};
use world::{World, WorldFile, WorldPatch};

pub const DOOR: Door = Door {
    name: "cnode",
    tag: 0,
};

#[derive(Clone, Debug)]
pub struct CnodeConfig {
    /// How long a task can be looked up, counted from its creation.
    pub task_ttl: Duration,
    /// How long each status step takes. Zero: a task reaches its final status at once.
    pub step: Duration,
}

impl Default for CnodeConfig {
    fn default() -> CnodeConfig {
        CnodeConfig {
            task_ttl: Duration::from_secs(3600),
            step: Duration::from_millis(500),
        }
    }
}

/// The node: its world, its one-at-a-time session slot, and its tasks in the engine.
pub struct Node {
    engine: Arc<Engine>,
    config: CnodeConfig,
    /// The world file the node started from, for a reset.
    initial_world: WorldFile,
    world: Arc<Mutex<World>>,
    /// The login or registration running now, if any: the node does one at a time.
    session_task: Mutex<Option<TaskId>>,
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
    /// The store holds its most tasks.
    TooManyTasks,
}

impl Node {
    pub fn new(engine: Arc<Engine>, config: CnodeConfig, world: &WorldFile) -> Node {
        let now = engine.wall_now();
        Node {
            engine,
            config,
            initial_world: world.clone(),
            world: Arc::new(Mutex::new(World::new(world, now))),
            session_task: Mutex::new(None),
        }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    pub fn config(&self) -> &CnodeConfig {
        &self.config
    }

    /// The world, locked. Keep the guard short, and never ask the engine for a task while
    /// holding it (a task is taken first, then the world).
    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    /// Starts a task running `job`; with an `outcome`, the task walks those statuses
    /// instead of doing its job (it keeps its type and leaves the world alone).
    pub fn start_task(
        &self,
        job: impl Job + 'static,
        unique_transfer_id: Option<String>,
        outcome: Option<Vec<Status>>,
    ) -> Result<TaskId, StartError> {
        let session = job.is_session_job();
        let new = NewTask {
            job: Box::new(InWorld::new(Arc::clone(&self.world), job)),
            key: unique_transfer_id,
            lifetime: Lifetime::FromCreation(millis(self.config.task_ttl)),
            pace: millis(self.config.step),
            outcome: outcome.map(|path| path.into_iter().map(Status::code).collect()),
            detail: Default::default(),
            first_step: NextIn::Pace,
        };
        let start = |new: NewTask| {
            self.engine
                .start(new, &mut task::random_task_id)
                .map_err(|error| match error {
                    crate::engine::StartError::KeyInUse => StartError::TransferIdInUse,
                    crate::engine::StartError::TooManyTasks => StartError::TooManyTasks,
                })
        };
        if !session {
            return start(new);
        }
        let mut running = lock(&self.session_task);
        if running.is_some_and(|id| self.is_unfinished(id)) {
            return Err(StartError::SessionTaskRunning);
        }
        let id = start(new)?;
        *running = Some(id);
        Ok(id)
    }

    /// getTaskStatus: the task as it stands (a poll: it may move the task a step).
    pub fn poll(&self, id: TaskId) -> Option<TaskView> {
        self.engine.poll(id).map(cnode_view)
    }

    pub fn task(&self, id: TaskId) -> Option<TaskView> {
        self.engine.task(id).map(cnode_view)
    }

    /// Asks for the task's later status changes to be sent (getTaskStatus `callback=true`);
    /// false when status callbacks are off.
    pub fn watch(&self, id: TaskId) -> bool {
        self.engine.watch(id)
    }

    /// Hands a request (cancel, end of series) to a task's job. `None`: no such task.
    pub fn request(&self, id: TaskId, request: JobRequest) -> Option<Result<(), Refusal>> {
        self.engine.request(id, request)
    }

    /// Every status the task has been in, with the time it entered it.
    pub fn task_history(&self, id: TaskId) -> Option<Vec<(Status, Millis)>> {
        let history = self.engine.task_history(id)?;
        Some(
            history
                .into_iter()
                .map(|(code, at)| (Status::from_code(code), at))
                .collect(),
        )
    }

    pub fn task_id_by_transfer_id(&self, unique_transfer_id: &str) -> Option<TaskId> {
        self.engine.task_id_by_key(DOOR.tag, unique_transfer_id)
    }

    /// Whether a live task already carries this uniqueTransferId.
    pub fn transfer_id_in_use(&self, unique_transfer_id: &str) -> bool {
        self.engine.key_in_use(DOOR.tag, unique_transfer_id)
    }

    /// True while a login or registration task runs.
    pub fn session_task_running(&self) -> bool {
        let running = *lock(&self.session_task);
        running.is_some_and(|id| self.is_unfinished(id))
    }

    /// The current time as the wall clock shows it to clients.
    pub fn wall_now(&self) -> chrono::DateTime<chrono::Utc> {
        self.engine.wall_now()
    }

    /// Takes every step that has come due (so the world is as it should be now).
    pub fn catch_up(&self) {
        self.engine.catch_up();
    }

    /// Changes the running world (only the keys given); all or nothing.
    pub fn patch_world(&self, patch: WorldPatch) -> Result<(), String> {
        self.engine.catch_up();
        let now = self.engine.wall_now();
        self.world().patch(patch, now)
    }

    /// The world as its file describes it. Tasks still running give back what they hold
    /// in the old world and end FINISHED_ERR_CANCELLED; finished ones are kept.
    pub fn reset_world(&self) {
        self.engine.end_unfinished(DOOR.name, "the world was reset");
        *self.world() = World::new(&self.initial_world, self.engine.wall_now());
    }

    /// The node as it started (the engine forgets the tasks).
    pub fn reset(&self) {
        *lock(&self.session_task) = None;
        *self.world() = World::new(&self.initial_world, self.engine.wall_now());
    }

    fn is_unfinished(&self, id: TaskId) -> bool {
        self.engine.task(id).is_some_and(|task| !task.is_final())
    }
}

impl crate::state::FrontDoor for Node {
    fn door(&self) -> Door {
        DOOR
    }

    fn start_dictated(
        &self,
        task_type: &'static TaskType,
        path: Option<Vec<StatusCode>>,
        detail: Map<String, Value>,
    ) -> Result<TaskId, String> {
        // A CNode job needs its call's arguments: without a path the task waits.
        let new = NewTask {
            job: Box::new(Scripted::replaced(task_type)),
            key: None,
            lifetime: Lifetime::FromCreation(millis(self.config.task_ttl)),
            pace: millis(self.config.step),
            outcome: Some(path.unwrap_or_default()),
            detail,
            first_step: NextIn::Pace,
        };
        self.engine
            .start(new, &mut task::random_task_id)
            .map_err(|e| format!("{e:?}"))
    }

    fn parse_id(&self, text: &str) -> Option<TaskId> {
        task::parse_task_id(text)
    }

    fn world(&self) -> Value {
        self.engine.catch_up();
        serde_json::to_value(&*self.world()).unwrap_or(Value::Null)
    }

    fn reset_world(&self) {
        Node::reset_world(self);
    }

    fn reset(&self) {
        Node::reset(self);
    }
}

fn cnode_view(view: crate::engine::TaskView) -> TaskView {
    TaskView {
        id: view.id,
        type_name: view.task_type.name,
        status: Status::from_code(view.status),
        progress: view.progress,
        additional_info: view.detail,
    }
}

fn millis(duration: Duration) -> Millis {
    Millis::try_from(duration.as_millis()).unwrap_or(Millis::MAX)
}
