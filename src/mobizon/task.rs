//! Mobizon's background tasks: their status vocabulary (`data.status` 0 to 3), their types,
//! and the recipient upload's job.

use serde_json::{Map, Value};

use super::DOOR;
use crate::engine::task::{as_dictated, Job, StatusCode, Step, StepCtx, TaskType, Vocabulary};

pub const WAITING: StatusCode = StatusCode(0);
pub const RUNNING: StatusCode = StatusCode(1);
pub const DONE: StatusCode = StatusCode(2);
pub const REJECTED: StatusCode = StatusCode(3);

/// `data.status` as the seed lists it: 0 waiting to start, 1 in progress, 2 completed,
/// 3 rejected.
pub static VOCABULARY: Vocabulary = Vocabulary {
    names: &["0", "1", "2", "3"],
    finals: 1 << 2 | 1 << 3,
    succeeded: DONE,
    rising: None,
    cancelled: REJECTED,
};

/// The kinds of background task the seed names. Only recipient uploads have a documented
/// creating call; contact imports and reports are made through the admin API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    AddRecipients,
    ContactsImport,
    ReportBuild,
}

static TYPES: [TaskType; 3] = [
    task_type("campaign.addRecipients"),
    task_type("contacts.import"),
    task_type("report.build"),
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

/// A dictated status adds nothing: Mobizon shows only progress and status.
fn dictated(_: StatusCode, _: &str) -> Map<String, Value> {
    Map::new()
}

impl TaskKind {
    pub const ALL: &'static [TaskKind] = &[
        TaskKind::AddRecipients,
        TaskKind::ContactsImport,
        TaskKind::ReportBuild,
    ];

    pub fn task_type(self) -> &'static TaskType {
        &TYPES[self as usize]
    }
}

/// Recipients added in the background: each step adds a fifth of them (the campaign they
/// go to stays locked while the task is unfinished: see `ops::add_recipients`).
pub struct AddRecipients {
    task_type: &'static TaskType,
    total: u32,
    done: u32,
}

impl AddRecipients {
    pub fn new(task_type: &'static TaskType, total: u32) -> AddRecipients {
        AddRecipients {
            task_type,
            total: total.max(1),
            done: 0,
        }
    }
}

impl Job for AddRecipients {
    fn task_type(&self) -> &'static TaskType {
        self.task_type
    }

    fn next(&mut self, _: StatusCode, _: &StepCtx) -> Step {
        self.done = (self.done + self.total.div_ceil(5)).min(self.total);
        if self.done == self.total {
            return Step::to(DONE);
        }
        let percent = (u64::from(self.done) * 100 / u64::from(self.total)) as u8;
        Step::to(RUNNING).progress(percent.clamp(1, 99))
    }
}
