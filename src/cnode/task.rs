//! CNode's tasks as the engine runs them: the task types (an enum, each with its engine
//! [`TaskType`]), the job trait CNode's business logic implements (statuses as [`Status`],
//! the world at hand), and the adapter that runs such a job inside the engine.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::status::{Status, VOCABULARY};
use super::world::World;
use super::DOOR;
use crate::engine::clock::Millis;
use crate::engine::task::{self as core, as_dictated, StatusCode, TaskId, TaskType};

pub use crate::engine::task::{JobRequest, NextIn, Refusal};

macro_rules! task_kinds {
    ($($variant:ident => $name:literal,)*) => {
        /// CNode's task types (cnode-api.md §11.2).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum TaskKind { $($variant),* }

        static TYPES: &[TaskType] = &[$(TaskType {
            door: DOOR,
            name: $name,
            statuses: &VOCABULARY,
            dictated,
            dictating: as_dictated,
        }),*];

        impl TaskKind {
            pub const ALL: &'static [TaskKind] = &[$(TaskKind::$variant),*];
        }
    };
}

task_kinds! {
    Login => "LOGIN",
    Register => "REGISTER",
    GiveMoney => "GIVE_MONEY",
    MoneyCollect => "MONEY_COLLECT",
    PaymentRequest => "PAYMENT_REQUEST",
    PingPaymentRequest => "PING_PAYMENT_REQUEST",
    PersonalDataRequest => "PERSONAL_DATA_REQUEST",
    LoginAuthenticationRequest => "LOGIN_AUTHENTICATION_REQUEST",
    ExpectedPayment => "EXPECTED_PAYMENT",
    MoneyCollectSeries => "MONEY_COLLECT_SERIES",
    SendMoneyToVault => "SEND_MONEY_TO_VAULT",
    GetMoneyFromVault => "GET_MONEY_FROM_VAULT",
    SendMoneyToTreasury => "SEND_MONEY_TO_TREASURY",
    ChangeMoney => "CHANGE_MONEY",
    ChangeMonexAtBnode => "CHANGE_MONEX_AT_BNODE",
    AddSlaves => "ADD_SLAVES",
    CheckSlaveStatus => "CHECK_SLAVE_STATUS",
}

impl TaskKind {
    pub fn task_type(self) -> &'static TaskType {
        &TYPES[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.task_type().name
    }

    /// Every CNode task type, for the engine's registry.
    pub fn task_types() -> impl Iterator<Item = &'static TaskType> {
        TYPES.iter()
    }
}

/// What a dictated failure shows in additionalInfo: the `error_name` and
/// `error_description` clients read, and that it was forced.
fn dictated(status: StatusCode, reason: &str) -> Map<String, Value> {
    let mut info = Map::new();
    if let Some(name) = Status::from_code(status).error_name() {
        info.insert("error_name".into(), name.into());
        info.insert("error_description".into(), reason.into());
        info.insert("forced".into(), true.into());
    }
    info
}

/// A fresh CNode task id: 26 characters from `[0-9A-Z]` (cnode-api.md §7, §11.2).
pub fn random_task_id() -> TaskId {
    const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let bytes: [u8; TASK_ID_LEN] =
        std::array::from_fn(|_| ALPHABET[fastrand::usize(..ALPHABET.len())]);
    TaskId::new(DOOR, std::str::from_utf8(&bytes).expect("ASCII")).expect("26 bytes")
}

pub const TASK_ID_LEN: usize = 26;

/// The id `text` names, if it could be one the emulator made.
pub fn parse_task_id(text: &str) -> Option<TaskId> {
    let well_formed = text.len() == TASK_ID_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    well_formed.then(|| TaskId::new(DOOR, text)).flatten()
}

/// What a CNode task does at each step: the business logic of one task type.
///
/// The engine calls [`Job::next`] when a step's time has come, with the world at hand, and
/// records whatever status it answers. A job never sees the store or the clock itself.
pub trait Job: Send + Sync {
    fn kind(&self) -> TaskKind;

    /// The task `type` shown by getTaskStatus (cnode-api.md §11.2).
    fn type_name(&self) -> &'static str {
        self.kind().name()
    }

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

    fn into_core(self) -> core::Step {
        core::Step::to(self.status.code())
            .with_info(self.info)
            .next_in(self.next_in)
    }
}

/// A CNode job as the engine runs it: with the node's world, locked only while it steps.
pub struct InWorld<J> {
    world: Arc<Mutex<World>>,
    job: J,
}

impl<J: Job> InWorld<J> {
    pub fn new(world: Arc<Mutex<World>>, job: J) -> InWorld<J> {
        InWorld { world, job }
    }
}

/// Runs `f` with the world locked, as a CNode step context for the engine's.
fn in_world<R>(world: &Mutex<World>, ctx: &core::StepCtx, f: impl FnOnce(&mut StepCtx) -> R) -> R {
    let mut world = lock(world);
    f(&mut StepCtx {
        task_id: ctx.task_id,
        at: ctx.at,
        now: ctx.now,
        world: &mut world,
    })
}

impl<J: Job> core::Job for InWorld<J> {
    fn task_type(&self) -> &'static TaskType {
        self.job.kind().task_type()
    }

    fn next(&mut self, current: StatusCode, ctx: &core::StepCtx) -> core::Step {
        let InWorld { world, job } = self;
        in_world(world, ctx, |ctx| job.next(Status::from_code(current), ctx)).into_core()
    }

    fn start(&mut self, ctx: &core::StepCtx) {
        let InWorld { world, job } = self;
        in_world(world, ctx, |ctx| job.start(ctx));
    }

    fn on_request(
        &mut self,
        request: JobRequest,
        current: StatusCode,
        ctx: &core::StepCtx,
    ) -> Result<core::Step, Refusal> {
        let InWorld { world, job } = self;
        in_world(world, ctx, |ctx| {
            job.on_request(request, Status::from_code(current), ctx)
        })
        .map(Step::into_core)
    }

    fn abandon(&mut self, ctx: &core::StepCtx) {
        let InWorld { world, job } = self;
        in_world(world, ctx, |ctx| job.abandon(ctx));
    }

    fn counterparty(&self) -> Option<&str> {
        self.job.counterparty()
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The world is changed only in whole steps, so a panic elsewhere leaves it usable.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
