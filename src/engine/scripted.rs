//! A task whose path was dictated from outside (the admin API's force, an outcome rule, a
//! front door's outcome header) instead of decided by its job: it walks the given statuses,
//! one per step, and leaves the world alone.

use std::collections::VecDeque;

use super::task::{Job, NextIn, StatusCode, Step, StepCtx, TaskType};

/// Why a dictated status is in a task's detail.
pub const DICTATED: &str = "outcome set by the emulator's controls";

pub struct Scripted {
    task_type: &'static TaskType,
    /// The statuses still to come, in order; the task waits after the last one if it is not final.
    remaining: VecDeque<StatusCode>,
}

impl Scripted {
    pub fn new(task_type: &'static TaskType, path: Vec<StatusCode>) -> Scripted {
        Scripted {
            task_type,
            remaining: path.into(),
        }
    }
}

impl Scripted {
    /// The job of a task started with a dictated path (`NewTask::outcome`), which replaces
    /// it: a task must have a job, and this one is never asked for a step.
    pub fn replaced(task_type: &'static TaskType) -> Scripted {
        Scripted::new(task_type, Vec::new())
    }
}

impl Job for Scripted {
    fn task_type(&self) -> &'static TaskType {
        self.task_type
    }

    fn next(&mut self, current: StatusCode, _: &StepCtx) -> Step {
        let Some(status) = self.remaining.pop_front() else {
            // Only a path that ends in a final status is walked to its end unasked.
            return Step::to(current).next_in(NextIn::Never);
        };
        let step = Step::to(status).with_defaults((self.task_type.dictated)(status, DICTATED));
        if self.remaining.is_empty() && !self.task_type.is_final(status) {
            // Parked: only another force moves it on.
            return step.next_in(NextIn::Never);
        }
        step
    }
}
