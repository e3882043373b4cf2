//! ricloud's tasks: the `state` vocabulary, the six task types, and the one job they all run
//! (pending → processing → succeeded; a poll's task first waits, `suspended`, for its
//! session's `session.init`).

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::DOOR;
use crate::engine::clock::Millis;
use crate::engine::task::{
    as_dictated, Job, NextIn, StatusCode, Step, StepCtx, TaskType, Vocabulary,
};

pub const PENDING: StatusCode = StatusCode(0);
pub const PROCESSING: StatusCode = StatusCode(1);
pub const SUSPENDED: StatusCode = StatusCode(2);
pub const SUCCEEDED: StatusCode = StatusCode(3);
pub const FAILED: StatusCode = StatusCode(4);

/// The task `state`s the seed lists; a cancelled task is `failed`.
pub static VOCABULARY: Vocabulary = Vocabulary {
    names: &["pending", "processing", "suspended", "succeeded", "failed"],
    finals: 1 << 3 | 1 << 4,
    succeeded: SUCCEEDED,
    rising: None,
    cancelled: FAILED,
};

/// The error a failure shows when nobody chose one (dialects.md 2.6).
pub const DEFAULT_ERROR: &str = "internal-error";
/// What a poll's task fails with when its session could not be opened.
pub const SESSION_EXPIRED: &str = "session-expired";

pub static SESSION_INIT: TaskType = task_type("session.init");
pub static INFO: TaskType = task_type("info");
pub static DATA: TaskType = task_type("data");
pub static FILES: TaskType = task_type("files");
pub static WEBHOOK_TEST: TaskType = task_type("webhook_config.test");
pub static STORAGE_TEST: TaskType = task_type("storage_config.test");

pub static TYPES: [&TaskType; 6] = [
    &SESSION_INIT,
    &INFO,
    &DATA,
    &FILES,
    &WEBHOOK_TEST,
    &STORAGE_TEST,
];

const fn task_type(name: &'static str) -> TaskType {
    TaskType {
        door: DOOR,
        name,
        statuses: &VOCABULARY,
        dictated,
        dictating: as_dictated,
    }
}

/// A dictated failure (force, rule, reset) shows an `error` code, the default one unless the
/// detail names another.
fn dictated(status: StatusCode, _: &str) -> Map<String, Value> {
    let mut detail = Map::new();
    if status == FAILED {
        detail.insert("error".into(), DEFAULT_ERROR.into());
    }
    detail
}

/// Whether a task of this type publishes a result when it succeeds (the poll's work).
pub fn publishes(task_type: &TaskType) -> bool {
    [&INFO, &DATA, &FILES]
        .iter()
        .any(|t| std::ptr::eq(*t, task_type))
}

/// Where a session's `session.init` stands, shared by the init's job (which sets it) and the
/// jobs of its polls' tasks (which wait on it): jobs never reach other tasks, so the outcome
/// lives here. The door also sets it when it reads a forced init from the engine.
#[derive(Debug, Default)]
pub struct InitOutcome(AtomicU8);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    Pending,
    Active,
    Failed,
    /// The session was deleted (its polls' tasks fail as after a failed init).
    Expired,
}

impl InitOutcome {
    pub fn get(&self) -> Init {
        match self.0.load(Ordering::Acquire) {
            1 => Init::Active,
            2 => Init::Failed,
            3 => Init::Expired,
            _ => Init::Pending,
        }
    }

    /// Records the end of the init; an outcome once set stays (but a deletion expires it).
    pub fn set(&self, outcome: Init) {
        let code = match outcome {
            Init::Pending => return,
            Init::Active => 1,
            Init::Failed => 2,
            Init::Expired => 3,
        };
        if outcome == Init::Expired {
            self.0.store(code, Ordering::Release);
        } else {
            let _ = self
                .0
                .compare_exchange(0, code, Ordering::AcqRel, Ordering::Acquire);
        }
    }
}

/// The longest a waiting task sleeps between two looks at its session.
const MAX_WAIT_MS: Millis = 3_600_000;

/// Every ricloud task's job: one pace pending, one processing, then succeeded. The init of a
/// session records its success in the session's cell; a poll's task waits `suspended` while
/// that cell is pending, looking again after a pace that doubles each time (so a parked init
/// does not grow its history by a step a second), and fails with `session-expired` when the
/// session failed.
pub struct Work {
    task_type: &'static TaskType,
    /// The session this task opens (`session.init`).
    opens: Option<Arc<InitOutcome>>,
    /// The session this task needs open (a poll's task).
    needs: Option<Arc<InitOutcome>>,
    pace: Millis,
    looks: u32,
    last_look: Option<Millis>,
}

impl Work {
    pub fn new(task_type: &'static TaskType, pace: Millis) -> Work {
        Work {
            task_type,
            opens: None,
            needs: None,
            pace,
            looks: 0,
            last_look: None,
        }
    }

    pub fn opening(mut self, session: Arc<InitOutcome>) -> Work {
        self.opens = Some(session);
        self
    }

    pub fn needing(mut self, session: Arc<InitOutcome>) -> Work {
        self.needs = Some(session);
        self
    }

    fn wait(&mut self, at: Millis) -> Step {
        let step = Step::to(SUSPENDED);
        if self.last_look == Some(at) {
            // Looked already at this very instant (immediate progression, a frozen clock
            // polled twice): park; the door wakes the task when it sees the session end.
            return step.with("waiting", true).next_in(NextIn::Never);
        }
        self.last_look = Some(at);
        let wait = self
            .pace
            .max(1000)
            .saturating_mul(1 << self.looks.min(12))
            .min(MAX_WAIT_MS);
        self.looks += 1;
        step.with("waiting", false).next_in(NextIn::After(wait))
    }
}

impl Job for Work {
    fn task_type(&self) -> &'static TaskType {
        self.task_type
    }

    fn next(&mut self, current: StatusCode, ctx: &StepCtx) -> Step {
        match current {
            PENDING | SUSPENDED => match self.needs.as_ref().map(|s| s.get()) {
                Some(Init::Pending) => self.wait(ctx.at),
                Some(Init::Failed | Init::Expired) => Step::to(FAILED)
                    .with("error", SESSION_EXPIRED)
                    .with("waiting", false),
                None | Some(Init::Active) => Step::to(PROCESSING).with("waiting", false),
            },
            PROCESSING => {
                if let Some(session) = &self.opens {
                    session.set(Init::Active);
                }
                Step::to(SUCCEEDED)
            }
            // A final task takes no step; nothing else is reached by this job.
            other => Step::to(other).next_in(NextIn::Never),
        }
    }

    /// A session's init is steered, so that a dictated end opens or fails its session at
    /// once, whoever reads it (the poll's waiting tasks see it on their next look).
    fn steerable(&self) -> bool {
        self.opens.is_some()
    }

    fn steer(&mut self, to: StatusCode, _: &StepCtx) -> Step {
        if let Some(session) = &self.opens {
            match to {
                SUCCEEDED => session.set(Init::Active),
                FAILED => session.set(Init::Failed),
                _ => {}
            }
        }
        // A dictated status that is not final parks the task, as in every door.
        let step = Step::to(to);
        if self.task_type.is_final(to) {
            step
        } else {
            step.next_in(NextIn::Never)
        }
    }
}

/// Whether tasks of the type named so publish a result when they succeed.
pub fn publishes_named(name: &str) -> bool {
    [&INFO, &DATA, &FILES].iter().any(|t| t.name == name)
}
