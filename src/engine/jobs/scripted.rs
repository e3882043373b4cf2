//! A task whose path was dictated from outside (the admin API's force, an outcome rule, the
//! X-Cnode-Outcome header) instead of decided by its job: it walks the given statuses, one per
//! step, and leaves the world alone.

use crate::engine::status::Status;
use crate::engine::task::{Job, NextIn, Step, StepCtx};

pub struct Scripted {
    type_name: &'static str,
    /// The statuses still to come, in order; the task waits after the last one if it is not final.
    remaining: std::collections::VecDeque<Status>,
}

impl Scripted {
    pub fn new(type_name: &'static str, path: Vec<Status>) -> Scripted {
        Scripted {
            type_name,
            remaining: path.into(),
        }
    }
}

impl Job for Scripted {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn next(&mut self, _: Status, _: &mut StepCtx) -> Step {
        let Some(status) = self.remaining.pop_front() else {
            return Step::fail(Status::InternalError, "a scripted task ran out of statuses");
        };
        let step = match status.error_name() {
            Some(_) => {
                Step::fail(status, "outcome set by the emulator's controls").with("forced", true)
            }
            None => Step::to(status),
        };
        if self.remaining.is_empty() && !status.is_final() {
            // Parked: only another force moves it on.
            return step.next_in(NextIn::Never);
        }
        step
    }
}
