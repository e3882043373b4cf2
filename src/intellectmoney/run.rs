//! A run: one execution of a scheduled operation, as an engine task (dialects.md 3.3).
//!
//! A run waits `Planned` for its time (a schedule, kept even under manual progression), and
//! when that time comes it plans the operation's next run, then executes (`Executing`, one
//! step: the invoice it creates is charged) and ends `Succeeded`, or `Failed`; a failed run
//! is tried again per `RetryOnFailPlan` (`RetryPlanned`, then `Executing` again) until
//! `RetryOnFailCount` retries are used (`Exhausted`). A run whose time was missed while the
//! clock jumped is `Skipped` unless `FireOnSkip`; a run the operation no longer wants
//! (disabled, edited, deactivated, past `EndExecDate`) is `Cancelled`.
//!
//! Runs are steerable: a status dictated from outside (force, outcome rule) has its effects
//! on the operation, and a dictated failure is retried like any other.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::schedule::{Operation, Schedule};
use super::DOOR;
use crate::engine::clock::Millis;
use crate::engine::ids::Guids;
use crate::engine::task::{
    as_dictated, Job, JobRequest, Lifetime, NextIn, Refusal, StatusCode, Step, StepCtx, TaskId,
    TaskType, Vocabulary,
};
use crate::engine::NewTask;

pub const PLANNED: StatusCode = StatusCode(0);
pub const EXECUTING: StatusCode = StatusCode(1);
pub const SUCCEEDED: StatusCode = StatusCode(2);
pub const FAILED: StatusCode = StatusCode(3);
pub const RETRY_PLANNED: StatusCode = StatusCode(4);
pub const EXHAUSTED: StatusCode = StatusCode(5);
pub const SKIPPED: StatusCode = StatusCode(6);
pub const CANCELLED: StatusCode = StatusCode(7);

pub static VOCABULARY: Vocabulary = Vocabulary {
    names: &[
        "Planned",
        "Executing",
        "Succeeded",
        "Failed",
        "RetryPlanned",
        "Exhausted",
        "Skipped",
        "Cancelled",
    ],
    finals: 1 << 2 | 1 << 5 | 1 << 6 | 1 << 7,
    succeeded: SUCCEEDED,
    rising: None,
    cancelled: CANCELLED,
};

pub static RUN: TaskType = TaskType {
    door: DOOR,
    name: "scheduler.run",
    statuses: &VOCABULARY,
    dictated,
    dictating: as_dictated,
};

/// Runs missed while the clock jumped that `FireOnSkip` still gives a run each, at most:
/// older ones are skipped, so a year's jump over a one-second plan stays a bounded amount of work.
pub const MAX_CATCH_UP_RUNS: usize = 1000;

/// How often a run kept waiting by `IsSingle` looks again whether it may start.
const SINGLE_RECHECK_MS: Millis = 60_000;

/// A dictated failure says why, unless the detail says it already.
fn dictated(status: StatusCode, reason: &str) -> Map<String, Value> {
    let mut detail = Map::new();
    if status == FAILED {
        detail.insert("error".into(), reason.into());
    }
    detail
}

/// What every run of the door shares: the operations, the zone plans are read in, the
/// invoices whose charges fail, and how long runs are kept.
pub struct Runs {
    pub schedule: Arc<Schedule>,
    pub zone: FixedOffset,
    /// Source invoices whose card declines every charge: their runs fail.
    pub declined: Vec<u64>,
    pub lifetime: Lifetime,
    pub pace: Millis,
    /// The door's GUIDs: operations, answers and runs.
    pub ids: Arc<Guids>,
}

impl Runs {
    /// A run of `operation` planned for `at` (wall time; `now`/`now_ms` the same instant
    /// on both clocks, to place it on the engine's).
    pub fn planned(
        self: &Arc<Runs>,
        operation: Uuid,
        at: DateTime<Utc>,
        (now, now_ms): (DateTime<Utc>, Millis),
    ) -> NewTask {
        let ahead = ms_between(now, at).max(0);
        let mut detail = Map::new();
        detail.insert("operation".into(), operation.to_string().into());
        detail.insert("plannedFor".into(), at.to_rfc3339().into());
        NewTask {
            job: Box::new(RunJob::new(Arc::clone(self), Some(operation), at)),
            key: None,
            lifetime: self.lifetime,
            pace: self.pace,
            outcome: None,
            detail,
            first_step: NextIn::At(now_ms.saturating_add(ahead as Millis)),
        }
    }

    /// What mints a new run's id (a GUID, as the service's own ids are).
    pub fn minter(&self) -> Box<dyn FnMut() -> TaskId + Send> {
        let ids = Arc::clone(&self.ids);
        Box::new(move || ids.task_id(DOOR))
    }

    /// A run of no operation (the admin API's, without a path): it executes at once.
    pub fn standalone(self: &Arc<Runs>, now: DateTime<Utc>) -> NewTask {
        NewTask {
            job: Box::new(RunJob::new(Arc::clone(self), None, now)),
            key: None,
            lifetime: self.lifetime,
            pace: self.pace,
            outcome: None,
            detail: Map::new(),
            first_step: NextIn::Pace,
        }
    }
}

pub struct RunJob {
    runs: Arc<Runs>,
    operation: Option<Uuid>,
    /// The planned time this run is for.
    planned: DateTime<Utc>,
    /// It has planned the operation's next run already (done once, when its time came).
    successor_planned: bool,
    /// It has started (its operation counted it, `LastExecDate` moved).
    started: bool,
    /// It counts in the operation's `executing`.
    executing: bool,
    retries: u32,
}

impl RunJob {
    fn new(runs: Arc<Runs>, operation: Option<Uuid>, planned: DateTime<Utc>) -> RunJob {
        RunJob {
            runs,
            operation,
            planned,
            successor_planned: operation.is_none(),
            started: false,
            executing: false,
            retries: 0,
        }
    }

    fn operation(&self) -> Option<Operation> {
        self.runs.schedule.get(self.operation?)
    }

    fn change(&self, change: impl FnOnce(&mut Operation)) {
        if let Some(id) = self.operation {
            self.runs.schedule.update(id, change);
        }
    }

    /// The planned time has come: the next run is planned, and this one starts, waits for
    /// a run still executing (`IsSingle`), or is skipped (missed while the clock jumped).
    fn fire(&mut self, ctx: &StepCtx) -> Step {
        let Some(operation) = self.operation() else {
            return self.standalone_or_cancelled(ctx);
        };
        if !operation.runs_at(ctx.now, self.runs.zone) {
            self.forget_as_next(ctx.task_id);
            return Step::to(CANCELLED).with("reason", "the operation no longer runs");
        }
        let (successor, stale) = self.plan_successor(&operation, ctx);
        let step = if stale {
            self.change(|operation| operation.skipped += 1);
            Step::to(SKIPPED).with("reason", "a later planned time has come")
        } else if operation.settings.is_single && operation.executing > 0 {
            return self.wait_for_single(&operation, ctx, successor);
        } else {
            self.execute(ctx)
        };
        self.with_successor(step, successor)
    }

    /// A run of no operation starts at once; one whose operation is gone is cancelled.
    fn standalone_or_cancelled(&mut self, ctx: &StepCtx) -> Step {
        if self.operation.is_none() {
            self.execute(ctx)
        } else {
            Step::to(CANCELLED).with("reason", "the operation is gone")
        }
    }

    /// `IsSingle`: another run executes. Look again a little later, until the next planned
    /// time makes this one stale.
    fn wait_for_single(
        &mut self,
        operation: &Operation,
        ctx: &StepCtx,
        successor: Option<NewTask>,
    ) -> Step {
        let next = operation.settings.repeat.plan.next_after(
            self.planned,
            self.runs.zone,
            operation.created,
        );
        let recheck = ctx.at.saturating_add(SINGLE_RECHECK_MS);
        let until_next = next.map(|next| wall_to_ms(next, ctx));
        let step = Step::to(PLANNED)
            .with("waiting", "another run of the operation is executing")
            .next_in(NextIn::At(until_next.map_or(recheck, |n| n.min(recheck))));
        self.with_successor(step, successor)
    }

    /// Plans the operation's next run (once), and says whether this run is stale: its
    /// time was missed and `FireOnSkip` is off, or it is older than the runs still given.
    fn plan_successor(&mut self, operation: &Operation, ctx: &StepCtx) -> (Option<NewTask>, bool) {
        let settings = &operation.settings;
        let (zone, anchor) = (self.runs.zone, operation.created);
        let plan = &settings.repeat.plan;
        let late = ctx.now + chrono::Duration::milliseconds((ctx.taken_at - ctx.at) as i64);
        if self.successor_planned {
            let next = plan.next_after(self.planned, zone, anchor);
            return (None, next.is_some_and(|next| next <= late));
        }
        self.successor_planned = true;
        self.forget_as_next(ctx.task_id);
        let Some(next) = plan.next_after(self.planned, zone, anchor) else {
            return (None, false);
        };
        let (successor_at, stale) = if next > late {
            (next, false)
        } else if !settings.fire_on_skip {
            // Only the latest missed time runs; those between get no run at all.
            let latest = plan
                .last_in(self.planned, late, zone, anchor)
                .unwrap_or(next);
            let between = plan.count_in(self.planned, latest, zone, anchor, usize::MAX);
            self.change(|operation| operation.skipped += between.saturating_sub(1) as u64);
            (latest, true)
        } else if plan.count_in(self.planned, late, zone, anchor, MAX_CATCH_UP_RUNS + 1)
            > MAX_CATCH_UP_RUNS
        {
            let first = plan
                .nth_last_in(self.planned, late, zone, anchor, MAX_CATCH_UP_RUNS)
                .unwrap_or(next);
            (first, true)
        } else {
            (next, false)
        };
        if !operation.runs_at(successor_at, zone) {
            return (None, stale);
        }
        let successor = self
            .runs
            .planned(operation.id, successor_at, (ctx.now, ctx.at));
        (Some(successor), stale)
    }

    /// `step`, starting the operation's next run when there is one.
    fn with_successor(&self, step: Step, successor: Option<NewTask>) -> Step {
        match successor {
            Some(task) => step.spawn(task, self.runs.minter()),
            None => step,
        }
    }

    /// This run is no longer the operation's next.
    fn forget_as_next(&self, id: TaskId) {
        self.change(|operation| {
            if operation.next_run == Some(id) {
                operation.next_run = None;
            }
        });
    }

    /// The run starts: the operation's `LastExecDate` moves, and an invoice is made.
    fn execute(&mut self, ctx: &StepCtx) -> Step {
        if !self.executing {
            self.executing = true;
            self.change(|operation| operation.executing += 1);
        }
        self.record_start(ctx);
        Step::to(EXECUTING)
            .with("invoice", invoice_id())
            .with("attempt", self.retries + 1)
    }

    /// The operation learns a run (or a retry) started now: at its planned time when it
    /// started on time (the engine counts whole milliseconds from a wall time that need not
    /// be whole, so "on time" may read a fraction of a millisecond late).
    fn record_start(&mut self, ctx: &StepCtx) {
        let first = !std::mem::replace(&mut self.started, true);
        let late = ctx.now.signed_duration_since(self.planned);
        let on_time = first
            && (chrono::TimeDelta::zero()..chrono::TimeDelta::milliseconds(1)).contains(&late);
        let at = if on_time { self.planned } else { ctx.now };
        self.change(|operation| {
            operation.runs += u64::from(first);
            operation.last_exec = Some(at);
        });
    }

    fn stop_executing(&mut self) {
        if std::mem::take(&mut self.executing) {
            self.change(|operation| operation.executing = operation.executing.saturating_sub(1));
        }
    }

    /// The invoice is charged: it fails when the source invoice's card declines.
    fn finish(&mut self, ctx: &StepCtx) -> Step {
        self.stop_executing();
        let object_id = self
            .operation()
            .map(|operation| operation.settings.object_id);
        if object_id.is_some_and(|id| self.runs.declined.contains(&id)) {
            return self
                .failed(ctx)
                .with("error", "the card declined the charge");
        }
        Step::to(SUCCEEDED)
    }

    /// Failed: what follows (a retry or the end) is decided at once.
    fn failed(&mut self, ctx: &StepCtx) -> Step {
        self.stop_executing();
        Step::to(FAILED).next_in(NextIn::At(ctx.at))
    }

    /// After a failure: a retry at `RetryOnFailPlan`'s next time, while retries remain.
    fn after_failure(&mut self, ctx: &StepCtx) -> Step {
        let operation = self.operation();
        if operation
            .as_ref()
            .is_some_and(|operation| !operation.runs_at(ctx.now, self.runs.zone))
        {
            return Step::to(CANCELLED).with("reason", "the operation no longer runs");
        }
        let retry = operation.as_ref().and_then(|operation| {
            let settings = &operation.settings;
            let plan = settings.retry.as_ref()?;
            if self.retries >= settings.retry_count {
                return None;
            }
            plan.plan.next_after(ctx.now, self.runs.zone, ctx.now)
        });
        match retry {
            Some(at) => {
                self.retries += 1;
                Step::to(RETRY_PLANNED)
                    .with("retry", self.retries)
                    .with("retryAt", at.to_rfc3339())
                    .next_in(NextIn::At(wall_to_ms(at, ctx)))
            }
            None => Step::to(EXHAUSTED),
        }
    }

    /// A retry's time has come.
    fn retry(&mut self, ctx: &StepCtx) -> Step {
        match self.operation() {
            Some(operation) if !operation.runs_at(ctx.now, self.runs.zone) => {
                Step::to(CANCELLED).with("reason", "the operation no longer runs")
            }
            _ => self.execute(ctx),
        }
    }
}

/// A wall time as engine time, through the step's own instant on both clocks.
fn wall_to_ms(at: DateTime<Utc>, ctx: &StepCtx) -> Millis {
    ctx.at.saturating_add_signed(ms_between(ctx.now, at))
}

/// Milliseconds from `from` to `to`, rounded up: a run never fires before its time.
fn ms_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let micros = to
        .signed_duration_since(from)
        .num_microseconds()
        .unwrap_or(i64::MAX);
    micros.div_euclid(1000) + i64::from(micros.rem_euclid(1000) != 0)
}

/// The invoice a run creates: `3` and nine digits, as the service numbers invoices.
fn invoice_id() -> u64 {
    3_000_000_000 + fastrand::u64(0..1_000_000_000)
}

impl Job for RunJob {
    fn task_type(&self) -> &'static TaskType {
        &RUN
    }

    fn start(&mut self, ctx: &StepCtx) {
        // The operation's next run is the one started last for it.
        if !self.successor_planned {
            self.change(|operation| operation.next_run = Some(ctx.task_id));
        }
    }

    fn next(&mut self, current: StatusCode, ctx: &StepCtx) -> Step {
        match current {
            PLANNED => self.fire(ctx),
            EXECUTING => self.finish(ctx),
            FAILED => self.after_failure(ctx),
            RETRY_PLANNED => self.retry(ctx),
            _ => Step::to(current).next_in(NextIn::Never),
        }
    }

    fn steerable(&self) -> bool {
        true
    }

    fn steer(&mut self, to: StatusCode, ctx: &StepCtx) -> Step {
        // Leaving `Planned` by any road but cancellation plans the operation's next run, and
        // a run dictated to an outcome has started, as far as its operation can tell.
        let leaves_planned = !matches!(to, PLANNED | CANCELLED);
        let successor = match (self.successor_planned, self.operation()) {
            (false, Some(operation)) if leaves_planned => self.plan_successor(&operation, ctx).0,
            _ => None,
        };
        if !self.started && leaves_planned && !matches!(to, EXECUTING | SKIPPED) {
            self.record_start(ctx);
        }
        let step = match to {
            EXECUTING => self.execute(ctx),
            FAILED => self.failed(ctx),
            RETRY_PLANNED => {
                self.stop_executing();
                self.after_failure(ctx)
            }
            PLANNED => {
                self.stop_executing();
                Step::to(PLANNED).next_in(NextIn::At(wall_to_ms(self.planned, ctx)))
            }
            other => {
                self.stop_executing();
                if other == CANCELLED {
                    self.forget_as_next(ctx.task_id);
                }
                Step::to(other)
            }
        };
        self.with_successor(step, successor)
    }

    fn on_request(
        &mut self,
        request: JobRequest,
        current: StatusCode,
        ctx: &StepCtx,
    ) -> Result<Step, Refusal> {
        match (request, current) {
            (JobRequest::Cancel, PLANNED | RETRY_PLANNED) => {
                self.forget_as_next(ctx.task_id);
                Ok(Step::to(CANCELLED).with("reason", "the operation was changed"))
            }
            _ => Err(Refusal::TooLate),
        }
    }

    fn abandon(&mut self, ctx: &StepCtx) {
        self.stop_executing();
        self.forget_as_next(ctx.task_id);
    }
}
