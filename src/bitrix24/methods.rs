//! The methods served: `configuration.import.register`, `.unregister`, `.get`, and `batch`
//! (so that clients that wrap every call in a batch, like fast-bitrix24, work).

use serde_json::{json, Map, Value};

use super::reply::{Error, Timing};
use super::task::{FINISHED, IN_PROGRESS, STARTED};
use super::{Bitrix24, DOOR};
use crate::engine::StartError;
use crate::http::params::{Param, Params};
use crate::state::FrontDoor;

/// Most sub-calls one batch takes.
const MAX_BATCH: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Register,
    Unregister,
    Get,
    Batch,
}

impl Method {
    const ALL: &'static [Method] = &[
        Method::Register,
        Method::Unregister,
        Method::Get,
        Method::Batch,
    ];

    /// The method a name calls, in any case.
    pub fn find(name: &str) -> Option<Method> {
        Method::ALL
            .iter()
            .copied()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// As the docs write it; the journal and fault plans use this name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Register => "configuration.import.register",
            Method::Unregister => "configuration.import.unregister",
            Method::Get => "configuration.import.get",
            Method::Batch => "batch",
        }
    }
}

/// A process id as clients send it: decimal digits.
pub fn process_id(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

/// Serves one call (a batch's sub-calls through here too); `Ok` is the `result`.
pub fn call(door: &Bitrix24, method: Method, params: &Params) -> Result<Value, Error> {
    match method {
        Method::Register => register(door, params),
        Method::Unregister => unregister(door, params),
        Method::Get => get(door, params),
        Method::Batch => batch(door, params),
    }
}

/// Starts an import. The archive's links are kept, never fetched. A `data` of empty lists
/// arrives as no `data` at all from PHP-style clients (empty arrays vanish in a query
/// string), so a missing `data` is an empty one.
fn register(door: &Bitrix24, params: &Params) -> Result<Value, Error> {
    let data = match params.get("data") {
        None | Some(Param::Null) => Value::Object(Map::new()),
        Some(list @ Param::List(_)) => list.to_json(),
        Some(_) => {
            return Err(Error::new(
                400,
                "ERROR_ARGUMENT",
                "data must hold STRUCTURE, FILES and MANIFEST",
            ))
        }
    };
    let mut detail = Map::new();
    detail.insert("data".into(), kept(data));
    match door
        .processes
        .start(&door.engine, door.import(), None, detail)
    {
        Ok(id) => {
            let id: u64 = id.as_str().parse().expect("process ids are numbers");
            Ok(json!({ "processId": id }))
        }
        Err(StartError::TooManyTasks | StartError::KeyInUse) => Err(Error::new(
            503,
            "OVERLOAD_LIMIT",
            "REST API is blocked due to overload.",
        )),
    }
}

/// The most of a registration's `data` a process keeps as it came (for the admin API to
/// show); larger ones are kept as how many links each key held.
const KEPT_DATA: usize = 2048;

fn kept(data: Value) -> Value {
    if data.to_string().len() <= KEPT_DATA {
        return data;
    }
    let Value::Object(keys) = data else {
        return Value::Null;
    };
    let counts = keys.into_iter().map(|(key, links)| {
        let count = match &links {
            Value::Array(items) => items.len(),
            Value::Object(items) => items.len(),
            _ => 1,
        };
        (key, json!({ "links": count }))
    });
    Value::Object(counts.collect())
}

fn unregister(door: &Bitrix24, params: &Params) -> Result<Value, Error> {
    let known = params
        .text("processId")
        .and_then(|text| door.parse_id(text))
        .is_some_and(|id| door.engine.delete_task(id));
    if known {
        Ok(json!({"success": "Y"}))
    } else {
        Err(Error::new(
            400,
            "PROCESS_NOT_FOUND",
            "Process doesn't found.",
        ))
    }
}

/// The import's current step; `U` for a process that is unknown, wrong or purged.
fn get(door: &Bitrix24, params: &Params) -> Result<Value, Error> {
    let id = params.text("processId").and_then(process_id);
    // Only processes that were registered are remembered: any digits can be asked for.
    if let Some(id) = id.filter(|&id| door.processes.has_issued(id)) {
        let too_fast = door.polls.poll(id, door.engine.clock().now());
        if too_fast && door.strict_rate() {
            return Err(Error::query_limit());
        }
    }
    let task = id
        .and_then(|id| door.parse_id(&id.to_string()))
        .and_then(|id| door.engine.poll(id))
        .filter(|task| task.task_type.door == DOOR);
    let Some(task) = task else {
        return Ok(json!({"status": "U"}));
    };
    let detail: Map<String, Value> = serde_json::from_str(&task.detail).unwrap_or_default();
    let mut result = Map::new();
    result.insert("status".into(), task.status_name().into());
    for key in ["progress", "notice", "errors", "exception", "additional"] {
        let shown = match key {
            "progress" => task.status == IN_PROGRESS,
            "additional" => task.status == FINISHED,
            "exception" => task.status == IN_PROGRESS || task.is_final() && task.status != FINISHED,
            _ => task.status != STARTED,
        };
        if let Some(value) = detail.get(key).filter(|_| shown) {
            result.insert(key.into(), value.clone());
        }
    }
    Ok(Value::Object(result))
}

/// Up to 50 sub-calls `"key": "method?param=value&..."`; their results, errors and times
/// under the keys they were given; `halt=1` stops at the first error. Empty collections
/// are written `[]`, as PHP writes empty arrays.
fn batch(door: &Bitrix24, params: &Params) -> Result<Value, Error> {
    // In the order they were sent: `halt` stops at the first error in that order.
    let commands: Vec<(&str, &str)> = match params.get("cmd") {
        Some(Param::List(cmd)) => cmd
            .entries()
            .map(|(key, value)| (key, value.as_text().unwrap_or_default()))
            .collect(),
        _ => return Err(Error::new(400, "ERROR_ARGUMENT", "cmd is not found")),
    };
    if commands.len() > MAX_BATCH {
        return Err(Error::new(
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            "Max batch length exceeded",
        ));
    }
    let halt = params.text("halt").is_some_and(|h| h == "1" || h == "true");
    let (mut results, mut errors, mut times) = (Map::new(), Map::new(), Map::new());
    for (key, command) in commands {
        let timing = Timing {
            start: door.engine.wall_now(),
            real: crate::engine::clock::Stopwatch::start(),
        };
        let outcome = sub_call(door, command);
        times.insert(key.to_owned(), timing.to_json(&door.zone, false));
        match outcome {
            Ok(result) => {
                results.insert(key.to_owned(), result);
            }
            Err(error) => {
                errors.insert(key.to_owned(), error.to_json());
                if halt {
                    break;
                }
            }
        }
    }
    let collection = |map: Map<String, Value>| {
        if map.is_empty() {
            json!([])
        } else {
            Value::Object(map)
        }
    };
    Ok(json!({
        "result": collection(results),
        "result_error": collection(errors),
        "result_total": [],
        "result_next": [],
        "result_time": collection(times),
    }))
}

/// One `method?query` of a batch.
fn sub_call(door: &Bitrix24, command: &str) -> Result<Value, Error> {
    let (name, query) = command.split_once('?').unwrap_or((command, ""));
    let method = Method::find(strip_format(name).0).ok_or_else(Error::method_not_found)?;
    if method == Method::Batch {
        return Err(Error::new(
            405,
            "ERROR_BATCH_METHOD_NOT_ALLOWED",
            "Method is not allowed for batch usage",
        ));
    }
    let mut params = Params::default();
    params
        .add_form(query.as_bytes())
        .map_err(|e| Error::new(400, "INVALID_REQUEST", e.to_string()))?;
    call(door, method, &params)
}

/// A method name without its `.json` or `.xml` suffix, and whether XML was asked for.
pub fn strip_format(name: &str) -> (&str, bool) {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        (&name[..name.len() - 5], false)
    } else if lower.ends_with(".xml") {
        (&name[..name.len() - 4], true)
    } else {
        (name, false)
    }
}
