//! A task whose path was dictated from outside (the admin API's force, an outcome rule, a
//! front door's outcome header) instead of decided by its job: it walks the given statuses,
//! one per step.
//!
//! Most jobs are set aside for the walk, and the world is left alone. A job that can be
//! steered ([`Job::steerable`]: one whose statuses mirror something in its world, or whose
//! story goes on after a failure) is told each dictated status instead, does what that
//! status means in its world, and takes over again when the path ends in a status that is
//! not final.

use std::collections::VecDeque;

use super::task::{Job, JobRequest, NextIn, Refusal, StatusCode, Step, StepCtx, TaskType};

/// Why a dictated status is in a task's detail.
pub const DICTATED: &str = "outcome set by the emulator's controls";

pub struct Scripted {
    task_type: &'static TaskType,
    /// The statuses still to come, in order; the task waits after the last one if it is not
    /// final (unless a steered job takes over).
    remaining: VecDeque<StatusCode>,
    /// The task's own job, told each dictated status and in charge again after the path.
    steered: Option<Box<dyn Job>>,
}

impl Scripted {
    pub fn new(task_type: &'static TaskType, path: Vec<StatusCode>) -> Scripted {
        Scripted {
            task_type,
            remaining: path.into(),
            steered: None,
        }
    }

    /// The job of a task started with a dictated path (`NewTask::outcome`), which replaces
    /// it: a task must have a job, and this one is never asked for a step.
    pub fn replaced(task_type: &'static TaskType) -> Scripted {
        Scripted::new(task_type, Vec::new())
    }

    /// `job` walks `path`, told each status, and goes on by itself after it. A job already
    /// walking a path gives it up for the new one.
    pub fn steering(mut job: Box<dyn Job>, path: Vec<StatusCode>) -> Scripted {
        let job = job.take_steered().unwrap_or(job);
        Scripted {
            task_type: job.task_type(),
            remaining: path.into(),
            steered: Some(job),
        }
    }

    /// `job` walks `path`: steered when it can be, else set aside (after giving back what it
    /// holds, through `abandon`).
    pub fn dictate(mut job: Box<dyn Job>, path: Vec<StatusCode>, ctx: &StepCtx) -> Scripted {
        if job.steerable() {
            Scripted::steering(job, path)
        } else {
            job.abandon(ctx);
            Scripted::new(job.task_type(), path)
        }
    }
}

impl Job for Scripted {
    fn task_type(&self) -> &'static TaskType {
        self.task_type
    }

    fn next(&mut self, current: StatusCode, ctx: &StepCtx) -> Step {
        let Some(status) = self.remaining.pop_front() else {
            return match &mut self.steered {
                Some(job) => job.next(current, ctx),
                // Only a path that ends in a final status is walked to its end unasked.
                None => Step::to(current).next_in(NextIn::Never),
            };
        };
        let defaults = (self.task_type.dictated)(status, DICTATED);
        let last = self.remaining.is_empty();
        match &mut self.steered {
            Some(job) => {
                let step = job.steer(status, ctx).with_defaults(defaults);
                // Along the path, one status per step; after it, the job's own timing.
                if last {
                    step
                } else {
                    step.next_in(NextIn::Pace)
                }
            }
            None => {
                let step = Step::to(status).with_defaults(defaults);
                if last && !self.task_type.is_final(status) {
                    // Parked: only another force moves it on.
                    return step.next_in(NextIn::Never);
                }
                step
            }
        }
    }

    fn start(&mut self, ctx: &StepCtx) {
        if let Some(job) = &mut self.steered {
            job.start(ctx);
        }
    }

    fn on_request(
        &mut self,
        request: JobRequest,
        current: StatusCode,
        ctx: &StepCtx,
    ) -> Result<Step, Refusal> {
        match &mut self.steered {
            Some(job) => job.on_request(request, current, ctx),
            None => Err(Refusal::NotApplicable),
        }
    }

    fn abandon(&mut self, ctx: &StepCtx) {
        if let Some(job) = &mut self.steered {
            job.abandon(ctx);
        }
    }

    fn counterparty(&self) -> Option<&str> {
        self.steered.as_ref().and_then(|job| job.counterparty())
    }

    fn steerable(&self) -> bool {
        self.steered.is_some()
    }

    fn take_steered(&mut self) -> Option<Box<dyn Job>> {
        self.steered.take()
    }
}
