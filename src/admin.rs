//! The admin API under /__admin/ (JSON): tasks, forced outcomes, the clock, the world, the
//! journal, and a full reset. Described by /__admin/openapi.json.

use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::cnode::world::WorldPatch;
use crate::engine::task::{Progression, TaskId};
use crate::engine::{ForceError, OutcomeRule, TaskDetail, TaskFilter};
use crate::faults::FaultPlan;
use crate::state::{AppState, FrontDoor};
use crate::units::parse_duration;

mod ui;

const OPENAPI: &str = include_str!("admin/openapi.json");

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/openapi.json", web::get().to(openapi))
        .route("/health", web::get().to(health))
        .route("/health/ready", web::get().to(ready))
        .route("/ui", web::get().to(ui::page))
        .route("/ui/", web::get().to(ui::page))
        .route("/ui/{file}", web::get().to(ui::asset))
        .route("/tasks", web::get().to(list_tasks))
        .route("/tasks", web::post().to(create_task))
        .route("/tasks/{id}", web::get().to(get_task))
        .route("/tasks/{id}", web::delete().to(delete_task))
        .route("/tasks/{id}/force", web::post().to(force_task))
        .route("/tasks/{id}/step", web::post().to(step_task))
        .route("/rules", web::get().to(list_rules))
        .route("/rules", web::post().to(add_rule))
        .route("/rules", web::delete().to(clear_rules))
        .route("/rules/{id}", web::delete().to(delete_rule))
        .route("/progression", web::get().to(progressions))
        .route("/progression", web::put().to(set_progression))
        .route("/faults", web::get().to(faults))
        .route("/faults", web::put().to(set_fault))
        .route("/faults", web::delete().to(clear_faults))
        .route("/clock", web::get().to(clock))
        .route("/clock/freeze", web::post().to(freeze))
        .route("/clock/resume", web::post().to(resume))
        .route("/clock/advance", web::post().to(advance))
        .route("/world", web::get().to(world))
        .route("/world", web::patch().to(patch_world))
        .route("/world/reset", web::post().to(reset_world))
        .route("/journal", web::get().to(journal))
        .route("/journal", web::delete().to(clear_journal))
        .route("/journal/verify", web::post().to(verify))
        .route("/reset", web::post().to(reset))
        .route("/metrics", web::get().to(metrics))
        .default_service(web::to(|| async {
            Err::<HttpResponse, _>(problem(StatusCode::NOT_FOUND, "no such admin endpoint"))
        }));
}

type Answer = Result<HttpResponse, Problem>;

/// An admin call that went wrong: an HTTP status and a JSON `{"error": ...}`.
#[derive(Debug)]
pub struct Problem {
    status: StatusCode,
    message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl actix_web::ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(json!({ "error": self.message }))
    }
}

/// Every admin call goes through here: the bearer token, when one is set.
fn authorized(req: &HttpRequest, state: &AppState) -> Result<(), Problem> {
    if token_sent(req, state, None) {
        Ok(())
    } else {
        Err(problem(
            StatusCode::UNAUTHORIZED,
            "the admin API needs Authorization: Bearer <token>",
        ))
    }
}

/// Whether the call may pass: no token is set, or it came as `Authorization: Bearer`, or
/// (the dashboard's page and files only, which a browser loads without headers) as `query`.
fn token_sent(req: &HttpRequest, state: &AppState, query: Option<&str>) -> bool {
    let Some(Some(token)) = &state.admin else {
        return true;
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    sent.and_then(|v| v.strip_prefix("Bearer ")) == Some(token.as_str())
        || query == Some(token.as_str())
}

fn problem(status: StatusCode, message: &str) -> Problem {
    Problem {
        status,
        message: message.to_owned(),
    }
}

fn bad_request(message: impl AsRef<str>) -> Problem {
    problem(StatusCode::BAD_REQUEST, message.as_ref())
}

/// `?frontDoor=...` on a task's routes: which door's id the path names (CNode's by default).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DoorQuery {
    front_door: Option<String>,
}

fn front_door<'s>(state: &'s AppState, name: Option<&str>) -> Result<&'s dyn FrontDoor, Problem> {
    state.front_door(name).ok_or_else(|| {
        bad_request(format!(
            "no front door \"{}\" (cnode, mobizon, bitrix24, ricloud)",
            name.unwrap_or_default()
        ))
    })
}

/// The task a route names: its id in the path, its door in `?frontDoor=`.
fn task_id(req: &HttpRequest, state: &AppState, text: &str) -> Result<TaskId, Problem> {
    let query = web::Query::<DoorQuery>::from_query(req.query_string())
        .map_err(|e| bad_request(e.to_string()))?;
    front_door(state, query.front_door.as_deref())?
        .parse_id(text)
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, "no such task"))
}

/// Alive: what runs, for how long, holding how many tasks. Open without the admin token, as
/// health checks are (it shows nothing a call could not learn).
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let doors: Vec<&str> = state
        .front_doors()
        .into_iter()
        .map(|door| door.door().name)
        .filter(|name| state.serving.contains(name))
        .collect();
    HttpResponse::Ok().json(json!({
        "status": "alive",
        "version": env!("CARGO_PKG_VERSION"),
        "uptimeSeconds": state.started.elapsed().as_secs_f64(),
        "liveTasks": state.engine.task_count(),
        "frontDoors": doors,
    }))
}

/// Ready: the world is loaded and every door is built before the server accepts a call, so
/// an emulator that answers is ready.
async fn ready() -> HttpResponse {
    HttpResponse::Ok().json(json!({"ready": true}))
}

async fn openapi(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TaskQuery {
    front_door: Option<String>,
    #[serde(rename = "type")]
    type_name: Option<String>,
    status: Option<String>,
    finished: Option<bool>,
    unique_transfer_id: Option<String>,
    /// IntellectMoney: the runs of one scheduled operation.
    operation: Option<String>,
    created_before: Option<DateTime<Utc>>,
    created_after: Option<DateTime<Utc>>,
    offset: Option<usize>,
    limit: Option<usize>,
}

async fn list_tasks(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let query = web::Query::<TaskQuery>::from_query(req.query_string())
        .map_err(|e| bad_request(e.to_string()))?;
    if let Some(name) = &query.status {
        let door = query.front_door.as_deref();
        let known = state
            .engine
            .task_types()
            .iter()
            .any(|t| door.is_none_or(|d| d == t.door.name) && t.statuses.parse(name).is_some());
        if !known {
            return Err(bad_request(format!("\"{name}\" is not a task status")));
        }
    }
    let filter = TaskFilter {
        front_door: query.front_door.clone(),
        type_name: query.type_name.clone(),
        status: query.status.clone(),
        finished: query.finished,
        key: query.unique_transfer_id.clone(),
        detail: query
            .operation
            .iter()
            .map(|id| ("operation".to_owned(), id.clone()))
            .collect(),
        created_before: query.created_before,
        created_after: query.created_after,
    };
    let (offset, limit) = (query.offset.unwrap_or(0), query.limit.unwrap_or(100));
    let engine = state.engine.clone();
    let (total, page) = off_the_worker(move || engine.tasks_page(&filter, offset, limit)).await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "total": total, "offset": offset, "limit": limit, "tasks": page })))
}

async fn get_task(req: HttpRequest, path: web::Path<String>, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let task = state
        .engine
        .task_detail(task_id(&req, &state, &path)?)
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, "no such task"))?;
    Ok(HttpResponse::Ok().json(task))
}

async fn delete_task(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Answer {
    authorized(&req, &state)?;
    let id = task_id(&req, &state, &path)?;
    // Not a task: maybe what the door's tasks belong to (an IntellectMoney operation).
    let door = state
        .front_doors()
        .into_iter()
        .find(|door| door.door().tag == id.door_tag());
    if state.engine.delete_task(id) || door.is_some_and(|door| door.forget(&path)) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(problem(StatusCode::NOT_FOUND, "no such task"))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Force {
    /// The status to move to now (shorthand for a path of one).
    status: Option<String>,
    /// Statuses to walk, the first now, the rest one per pace.
    path: Option<Vec<String>>,
    progress_percent: Option<u8>,
    additional_info: Option<Map<String, Value>>,
}

async fn force_task(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Answer {
    authorized(&req, &state)?;
    let id = task_id(&req, &state, &path)?;
    let force: Force = serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    let names: Vec<String> = force
        .path
        .unwrap_or_default()
        .into_iter()
        .chain(force.status)
        .collect();
    if names.is_empty() {
        return Err(bad_request("give a status or a path"));
    }
    moved(
        state
            .engine
            .force(id, &names, force.progress_percent, force.additional_info),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateTask {
    /// The front door whose task it is (CNode when absent).
    front_door: Option<String>,
    #[serde(rename = "type")]
    type_name: String,
    /// The statuses to walk from the first, one per step; absent: the type's own story
    /// where its door has one.
    path: Option<Vec<String>>,
    #[serde(default)]
    detail: Map<String, Value>,
}

/// Starts a task of any front door that walks a given path (dialects.md 0.3): for doors
/// whose creating calls are not served, and for tests that want a task without its story.
async fn create_task(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let create: CreateTask =
        serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    let door = front_door(&state, create.front_door.as_deref())?;
    let task_type = state
        .engine
        .task_types()
        .iter()
        .find(|t| t.door == door.door() && t.name == create.type_name)
        .ok_or_else(|| {
            bad_request(format!(
                "\"{}\" is not a task type of {}",
                create.type_name,
                door.door().name
            ))
        })?;
    let path = match &create.path {
        None => None,
        Some(names) => Some(
            names
                .iter()
                .map(|name| {
                    task_type
                        .statuses
                        .parse(name)
                        .ok_or_else(|| bad_request(format!("\"{name}\" is not a task status")))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let id = door
        .start_dictated(task_type, path, create.detail)
        .map_err(|e| problem(StatusCode::SERVICE_UNAVAILABLE, &e))?;
    let task = state
        .engine
        .task_detail(id)
        .ok_or_else(|| problem(StatusCode::INTERNAL_SERVER_ERROR, "the task is gone"))?;
    let mut answer = serde_json::to_value(task)
        .map_err(|e| problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
    answer["id"] = id.as_str().into();
    Ok(HttpResponse::Created().json(answer))
}

/// The answer to a force or a step: the task as it now stands.
fn moved(result: Result<TaskDetail, ForceError>) -> Answer {
    match result {
        Ok(task) => Ok(HttpResponse::Ok().json(task)),
        Err(ForceError::NoSuchTask) => Err(problem(StatusCode::NOT_FOUND, "no such task")),
        Err(ForceError::AlreadyFinal(status)) => Err(problem(
            StatusCode::CONFLICT,
            &format!("the task is already final ({status})"),
        )),
        Err(ForceError::UnknownStatus(name)) => {
            Err(bad_request(format!("\"{name}\" is not a task status")))
        }
    }
}

/// Takes a task's next step now (the manual progression's move).
async fn step_task(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Answer {
    authorized(&req, &state)?;
    moved(state.engine.step(task_id(&req, &state, &path)?))
}

async fn list_rules(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    Ok(HttpResponse::Ok().json(json!({ "rules": state.engine.rules() })))
}

async fn add_rule(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let rule: OutcomeRule =
        serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    let id = state
        .engine
        .add_rule(rule)
        .map_err(|e| bad_request(e.to_string()))?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

async fn clear_rules(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    state.engine.clear_rules();
    Ok(HttpResponse::NoContent().finish())
}

async fn delete_rule(req: HttpRequest, path: web::Path<u64>, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    if state.engine.remove_rule(*path) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(problem(StatusCode::NOT_FOUND, "no such rule"))
    }
}

async fn progressions(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    Ok(HttpResponse::Ok().json(state.engine.progressions()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "camelCase")]
struct SetProgression {
    /// A task type, or `*` for every type not named (of `frontDoor` when one is given).
    #[serde(rename = "type")]
    type_name: String,
    front_door: Option<String>,
    /// immediate, timed, per_poll or manual.
    mode: String,
    /// timed: how long each step takes.
    step: Option<String>,
    /// per_poll: getTaskStatus calls per step.
    polls: Option<u32>,
}

async fn set_progression(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let set: SetProgression =
        serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    let progression = match set.mode.as_str() {
        "immediate" => Progression::Immediate,
        "timed" => {
            let step = parse_duration(
                set.step
                    .as_deref()
                    .ok_or_else(|| bad_request("timed needs a step"))?,
            )
            .map_err(bad_request)?;
            Progression::Timed {
                step_ms: step.as_millis() as u64,
            }
        }
        "per_poll" => Progression::PerPoll {
            polls: set.polls.unwrap_or(1).max(1),
        },
        "manual" => Progression::Manual,
        other => {
            return Err(bad_request(format!(
                "mode \"{other}\" is not immediate, timed, per_poll or manual"
            )))
        }
    };
    let door = match &set.front_door {
        Some(name) => Some(front_door(&state, Some(name))?.door()),
        None => None,
    };
    let key = match (door, set.type_name.as_str()) {
        (Some(door), "*") => format!("{}/*", door.name),
        (door, name) => {
            // A type's name is unique across doors; with a door, it must be one of its types.
            let known = state
                .engine
                .task_types()
                .iter()
                .any(|t| t.name == name && door.is_none_or(|d| d == t.door));
            if !known {
                return Err(bad_request(format!(
                    "\"{name}\" is not a task type of that front door"
                )));
            }
            name.to_owned()
        }
    };
    state.engine.set_progression(&key, progression);
    Ok(HttpResponse::Ok().json(state.engine.progressions()))
}

async fn faults(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    Ok(HttpResponse::Ok().json(json!({ "faults": state.faults.plans() })))
}

async fn set_fault(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let plan: FaultPlan = serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    if let Some(name) = plan.front_door.as_deref() {
        front_door(&state, Some(name))?;
    }
    state.faults.set(plan).map_err(bad_request)?;
    Ok(HttpResponse::Ok().json(json!({ "faults": state.faults.plans() })))
}

async fn clear_faults(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    state.faults.clear();
    Ok(HttpResponse::NoContent().finish())
}

fn clock_state(state: &AppState) -> HttpResponse {
    let clock = state.engine.clock();
    let now = clock.now();
    HttpResponse::Ok()
        .json(json!({ "now": clock.wall(now), "millis": now, "frozen": clock.is_frozen() }))
}

async fn clock(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    Ok(clock_state(&state))
}

async fn freeze(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    state.engine.clock().freeze();
    Ok(clock_state(&state))
}

async fn resume(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    state.engine.clock().resume();
    Ok(clock_state(&state))
}

#[derive(Deserialize)]
struct Advance {
    by: String,
}

async fn advance(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let advance: Advance = serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    let by: Duration = parse_duration(&advance.by).map_err(bad_request)?;
    state.engine.clock().advance(by);
    // Everything that came due happens before the answer, so the caller sees it at once;
    // off the worker thread, so that a long sweep does not hold up the calls it serves.
    let engine = state.engine.clone();
    off_the_worker(move || {
        engine.catch_up();
        engine.sweep();
    })
    .await?;
    Ok(clock_state(&state))
}

async fn world(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    // CNode's world at the top (as it always was), each other door's under its name.
    let [cnode, others @ ..] = state.front_doors();
    let mut world = cnode.world();
    for door in others {
        world[door.door().name] = door.world();
    }
    Ok(HttpResponse::Ok().json(world))
}

/// Changes the running world: `{"node": {...}, "users": {"alice": {"behaviour": "reject"}}}`.
async fn patch_world(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let patch: WorldPatch =
        serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    state.node.patch_world(patch).map_err(bad_request)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn reset_world(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let all = state.clone();
    off_the_worker(move || {
        for door in all.front_doors() {
            door.reset_world();
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
struct JournalQuery {
    operation: Option<String>,
    limit: Option<usize>,
}

async fn journal(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let query = web::Query::<JournalQuery>::from_query(req.query_string())
        .map_err(|e| bad_request(e.to_string()))?;
    let entries = state.journal.entries(
        query.operation.as_deref(),
        query.limit.unwrap_or(usize::MAX),
    );
    let too_fast: Map<String, Value> = state
        .front_doors()
        .into_iter()
        .filter_map(|door| Some((door.door().name.to_owned(), door.too_fast_polls()?.into())))
        .collect();
    Ok(HttpResponse::Ok().json(
        json!({ "enabled": state.journal.is_on(), "tooFastPolls": too_fast, "entries": entries }),
    ))
}

async fn clear_journal(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    state.journal.clear();
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
struct Verify {
    operation: Option<String>,
    count: Option<usize>,
}

/// How many journalled calls match; with `count`, whether exactly that many did (HTTP 200
/// either way: `matches` says).
async fn verify(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    let verify: Verify = serde_json::from_slice(&body).map_err(|e| bad_request(e.to_string()))?;
    let count = state.journal.count(verify.operation.as_deref());
    let matches = verify.count.is_none_or(|expected| expected == count);
    Ok(HttpResponse::Ok()
        .json(json!({ "operation": verify.operation, "count": count, "matches": matches })))
}

/// Tasks, rules, progressions, faults, world and journal back to the start (the clock keeps its time).
async fn reset(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    // All in one piece of work, so a client that hangs up cannot leave a half-reset.
    let all = state.clone();
    off_the_worker(move || {
        all.reset();
        all.journal.clear();
        all.faults.clear();
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs work that grows with the number of tasks on actix's blocking pool: a million tasks
/// swept or dropped must not stall the calls served on this worker.
async fn off_the_worker<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Problem> {
    web::block(work)
        .await
        .map_err(|e| problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))
}

/// `GET /__admin/metrics`: the Prometheus text format (`crate::metrics`).
async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> Answer {
    authorized(&req, &state)?;
    scrape(state).await
}

async fn scrape(state: web::Data<AppState>) -> Answer {
    // Live tasks by status are counted by a scan of the store: off the worker threads.
    let text = off_the_worker(move || state.metrics.render(&state)).await?;
    Ok(HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .body(text))
}

/// `/metrics` at the root: `GET` the metrics (no token, unless `--metrics off`); anything
/// else there is CNode's, as at any path it does not serve (`cnode`: whether CNode is on).
pub fn metrics_at_root(cnode: bool) -> actix_web::Resource {
    async fn elsewhere(
        req: HttpRequest,
        payload: web::Payload,
        state: web::Data<AppState>,
        cnode: bool,
    ) -> HttpResponse {
        if cnode {
            crate::cnode::http::fallback(req, payload, state).await
        } else {
            HttpResponse::NotFound().finish()
        }
    }
    web::resource("/metrics")
        .route(web::get().to(
            move |req: HttpRequest, payload: web::Payload, state: web::Data<AppState>| async move {
                if state.metrics.at_root {
                    scrape(state).await.unwrap_or_else(|problem| {
                        actix_web::ResponseError::error_response(&problem)
                    })
                } else {
                    elsewhere(req, payload, state, cnode).await
                }
            },
        ))
        .default_service(web::to(
            move |req: HttpRequest, payload: web::Payload, state: web::Data<AppState>| {
                elsewhere(req, payload, state, cnode)
            },
        ))
}
