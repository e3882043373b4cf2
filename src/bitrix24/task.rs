//! An import process: its statuses (`S`, `P`, `F`, `E`; `U` is what `get` answers for a
//! process it does not know, not a status a process is in) and the job that walks the
//! import's sections, one per agent run.

use serde_json::{json, Map, Value};

use super::DOOR;
use crate::engine::task::{Job, StatusCode, Step, StepCtx, TaskType, Vocabulary};

/// The scope the methods belong to.
pub const SCOPE: &str = "configuration.import";

pub const STARTED: StatusCode = StatusCode(0);
pub const IN_PROGRESS: StatusCode = StatusCode(1);
pub const FINISHED: StatusCode = StatusCode(2);
pub const ERROR: StatusCode = StatusCode(3);

pub static VOCABULARY: Vocabulary = Vocabulary {
    names: &["S", "P", "F", "E"],
    finals: 1 << 2 | 1 << 3,
    succeeded: FINISHED,
    rising: None,
    cancelled: ERROR,
};

/// The one task type: an import registered by `configuration.import.register`.
pub static IMPORT: TaskType = TaskType {
    door: DOOR,
    name: SCOPE,
    statuses: &VOCABULARY,
    dictated,
    dictating,
};

/// A dictated error keeps its reason in `errors`, where clients read it; a dictated finish
/// has the `additional` every finished import has (both unless the detail says otherwise).
fn dictated(status: StatusCode, reason: &str) -> Map<String, Value> {
    let mut detail = Map::new();
    if status == ERROR {
        detail.insert("errors".into(), json!([reason]));
    }
    if status == FINISHED {
        detail.insert("additional".into(), json!({}));
    }
    detail
}

/// An `exception` stops the import (seed 004): the path goes on to its first `P`, where the
/// exception is shown, and the next step is `E`, whose `errors` keep the exception's text.
fn dictating(path: &mut Vec<StatusCode>, detail: &mut Map<String, Value>) {
    let Some(exception) = detail.get("exception").and_then(Value::as_str) else {
        return;
    };
    let exception = exception.to_owned();
    // Shown at the first P (or where the path would have ended), then E.
    let shown_at = path
        .iter()
        .position(|&s| s == IN_PROGRESS || VOCABULARY.is_final(s))
        .unwrap_or(path.len());
    path.truncate(shown_at);
    path.extend([IN_PROGRESS, ERROR]);
    let errors = detail.entry("errors").or_insert_with(|| json!([]));
    if !errors.is_array() {
        // Errors are a list of texts (dialects.md 4.6): one given as a single text stays.
        *errors = json!([errors.clone()]);
    }
    if let Value::Array(errors) = errors {
        if !errors.iter().any(|e| e.as_str() == Some(&exception)) {
            errors.push(exception.into());
        }
    }
}

/// The import: `S` until the agent first runs, then `P` through each section
/// (`progress {action, step, section}`), then `F`.
pub struct Import {
    sections: Vec<String>,
    step: usize,
}

impl Import {
    pub fn new(sections: Vec<String>) -> Import {
        Import { sections, step: 0 }
    }
}

impl Job for Import {
    fn task_type(&self) -> &'static TaskType {
        &IMPORT
    }

    fn next(&mut self, _: StatusCode, _: &StepCtx) -> Step {
        let Some(section) = self.sections.get(self.step) else {
            return Step::to(FINISHED).with("additional", json!({}));
        };
        let progress = json!({"action": "manifest", "step": self.step, "section": section});
        self.step += 1;
        let percent = (self.step * 100 / (self.sections.len() + 1)) as u8;
        Step::to(IN_PROGRESS)
            .with("progress", progress)
            .progress(percent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dictate(path: &[StatusCode], detail: Value) -> (Vec<StatusCode>, Value) {
        let mut path = path.to_vec();
        let Value::Object(mut detail) = detail else {
            panic!("an object")
        };
        dictating(&mut path, &mut detail);
        (path, Value::Object(detail))
    }

    #[test]
    fn an_exception_ends_the_path_at_p_then_e_keeping_earlier_errors() {
        let (path, detail) = dictate(
            &[IN_PROGRESS, IN_PROGRESS, FINISHED],
            json!({"exception": "broken", "errors": ["earlier"]}),
        );
        assert_eq!(path, [IN_PROGRESS, ERROR]);
        assert_eq!(detail["errors"], json!(["earlier", "broken"]));
        // A path that would finish before any P stops where it would have finished.
        let (path, _) = dictate(&[FINISHED], json!({"exception": "broken"}));
        assert_eq!(path, [IN_PROGRESS, ERROR]);
        let (path, detail) = dictate(&[], json!({"exception": "broken", "errors": "one"}));
        assert_eq!(path, [IN_PROGRESS, ERROR]);
        assert_eq!(detail["errors"], json!(["one", "broken"]));
        let (path, _) = dictate(&[IN_PROGRESS, FINISHED], json!({}));
        assert_eq!(path, [IN_PROGRESS, FINISHED], "no exception, no change");
    }
}
