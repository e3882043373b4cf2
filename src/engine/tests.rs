//! The engine's own mechanics on a toy door: schedules that start their next run (`Step::spawn`,
//! `NextIn::At`, `StepCtx::taken_at`) and dictated paths that steer a job instead of setting
//! it aside.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Map;

use super::clock::{Clock, Millis};
use super::task::{
    as_dictated, Door, Job, Lifetime, NextIn, Progression, StatusCode, Step, StepCtx, TaskId,
    TaskType, Vocabulary,
};
use super::{Engine, EngineConfig, NewTask};

const DOOR: Door = Door {
    name: "toy",
    tag: 9,
};
const WAITING: StatusCode = StatusCode(0);
const RUNNING: StatusCode = StatusCode(1);
const DONE: StatusCode = StatusCode(2);
const FAILED: StatusCode = StatusCode(3);
const RETRYING: StatusCode = StatusCode(4);

static VOCABULARY: Vocabulary = Vocabulary {
    names: &["waiting", "running", "done", "failed", "retrying"],
    finals: 1 << 2,
    succeeded: DONE,
    rising: None,
    cancelled: DONE,
};

static RUN: TaskType = TaskType {
    door: DOOR,
    name: "toy.run",
    statuses: &VOCABULARY,
    dictated: |_, _| Map::new(),
    dictating: as_dictated,
};

const PERIOD: Millis = 60_000;

/// What the runs saw: (planned time, time the engine took the step).
type Fired = Arc<Mutex<Vec<(Millis, Millis)>>>;

/// A run planned at `at`: when it fires it plans the next one, a period later.
struct Run {
    at: Millis,
    fired: Fired,
    ids: Arc<AtomicU64>,
    retried: bool,
}

fn run(at: Millis, fired: &Fired, ids: &Arc<AtomicU64>) -> NewTask {
    NewTask {
        job: Box::new(Run {
            at,
            fired: Arc::clone(fired),
            ids: Arc::clone(ids),
            retried: false,
        }),
        key: None,
        lifetime: Lifetime::AfterEnd {
            retention: 1_000_000_000,
            max_age: 1_000_000_000,
        },
        pace: 1000,
        outcome: None,
        detail: Map::new(),
        first_step: NextIn::At(at),
    }
}

fn minter(ids: &Arc<AtomicU64>) -> Box<dyn FnMut() -> TaskId + Send> {
    let ids = Arc::clone(ids);
    Box::new(move || {
        let n = ids.fetch_add(1, Ordering::Relaxed);
        TaskId::new(DOOR, &n.to_string()).expect("a short id")
    })
}

/// A toy schedule started on `engine`, its first run due `at`: the run's id ("0") and what
/// the schedule fires (the runs it spawns take the next ids).
fn schedule(engine: &Engine, at: Millis) -> (TaskId, Fired) {
    schedule_shaped(engine, at, |_| {})
}

/// [`schedule`], its first run shaped by `shape` before it starts.
fn schedule_shaped(
    engine: &Engine,
    at: Millis,
    shape: impl FnOnce(&mut NewTask),
) -> (TaskId, Fired) {
    let fired = Fired::default();
    let ids = Arc::new(AtomicU64::new(0));
    let mut new = run(at, &fired, &ids);
    shape(&mut new);
    let id = engine.start(new, &mut minter(&ids)).unwrap();
    (id, fired)
}

impl Job for Run {
    fn task_type(&self) -> &'static TaskType {
        &RUN
    }

    fn next(&mut self, current: StatusCode, ctx: &StepCtx) -> Step {
        match current {
            WAITING => {
                self.fired.lock().unwrap().push((ctx.at, ctx.taken_at));
                let next = run(self.at + PERIOD, &self.fired, &self.ids);
                Step::to(RUNNING).spawn(next, minter(&self.ids))
            }
            FAILED if !self.retried => {
                self.retried = true;
                Step::to(RETRYING).next_in(NextIn::At(ctx.at + 5000))
            }
            _ => Step::to(DONE),
        }
    }

    fn steerable(&self) -> bool {
        true
    }

    /// Told a dictated status: the toy notes it where the runs note their firing.
    fn steer(&mut self, to: StatusCode, ctx: &StepCtx) -> Step {
        self.fired.lock().unwrap().push((Millis::MAX, ctx.at));
        Step::to(to)
    }
}

fn engine() -> Engine {
    Engine::new(
        EngineConfig::default(),
        Arc::new(Clock::frozen()),
        vec![&RUN],
    )
}

fn status(engine: &Engine, id: &str) -> &'static str {
    let id = TaskId::new(DOOR, id).unwrap();
    engine.task(id).expect("the run exists").status_name()
}

#[test]
fn a_schedule_fires_every_missed_time_in_order_at_its_own_time() {
    let engine = engine();
    let start = engine.clock().now();
    let (_, fired) = schedule(&engine, start + PERIOD);
    assert!(fired.lock().unwrap().is_empty(), "not due yet");

    engine
        .clock()
        .advance(Duration::from_millis(3 * PERIOD + 10));
    engine.catch_up();
    let now = engine.clock().now();
    let fired = fired.lock().unwrap().clone();
    let planned: Vec<Millis> = fired.iter().map(|&(at, _)| at).collect();
    assert_eq!(
        planned,
        vec![start + PERIOD, start + 2 * PERIOD, start + 3 * PERIOD]
    );
    assert!(fired.iter().all(|&(_, taken)| taken == now), "{fired:?}");
    // Three runs fired (and finished a pace later), the fourth waits for its time.
    assert_eq!(engine.task_count(), 4);
    assert_eq!(status(&engine, "0"), "done");
    assert_eq!(status(&engine, "3"), "waiting");
}

#[test]
fn a_schedule_fires_on_time_even_under_manual_progression() {
    let engine = engine();
    engine.set_progression("*", Progression::Manual);
    schedule(&engine, engine.clock().now() + PERIOD);
    engine.clock().advance(Duration::from_millis(PERIOD));
    assert_eq!(status(&engine, "0"), "running", "fired at its time");
    engine.clock().advance(Duration::from_millis(10 * PERIOD));
    assert_eq!(
        status(&engine, "0"),
        "running",
        "the step waits to be taken"
    );
}

#[test]
fn a_steered_job_is_told_the_dictated_status_and_goes_on_by_itself() {
    let engine = engine();
    let (id, fired) = schedule(&engine, engine.clock().now());
    assert_eq!(status(&engine, "0"), "running");
    engine.force(id, &["failed".into()], None, None).unwrap();
    assert_eq!(status(&engine, "0"), "failed");
    let told = fired
        .lock()
        .unwrap()
        .iter()
        .any(|&(mark, _)| mark == Millis::MAX);
    assert!(told, "the job was told the dictated status");
    // The job takes over after the path: a pace later it plans its retry, 5 s after that.
    engine.clock().advance(Duration::from_millis(1000));
    assert_eq!(status(&engine, "0"), "retrying");
    engine.clock().advance(Duration::from_millis(4999));
    assert_eq!(status(&engine, "0"), "retrying");
    engine.clock().advance(Duration::from_millis(1));
    assert_eq!(status(&engine, "0"), "done");
}

fn watching(queue: usize) -> Engine {
    Engine::new(
        EngineConfig {
            status_changes: queue,
            ..EngineConfig::default()
        },
        Arc::new(Clock::frozen()),
        vec![&RUN],
    )
}

/// The statuses of the changes queued, in order, taken out of the queue.
fn changes(engine: &Engine) -> Vec<(u64, &'static str)> {
    std::iter::from_fn(|| engine.next_status_change())
        .map(|change| (change.seq, change.status))
        .collect()
}

#[test]
fn a_watched_task_queues_each_later_status_change_forced_ones_too() {
    let engine = watching(100);
    let start = engine.clock().now();
    let (id, _) = schedule(&engine, start + PERIOD);
    assert!(engine.watch(id));
    assert!(!engine.watch(TaskId::new(DOOR, "nobody").unwrap()));
    assert!(
        changes(&engine).is_empty(),
        "the current status is not a change"
    );

    engine.clock().advance(Duration::from_millis(PERIOD));
    engine.catch_up();
    engine.force(id, &["failed".into()], None, None).unwrap();
    engine.clock().advance(Duration::from_millis(1000));
    engine.catch_up();
    let seen = changes(&engine);
    assert_eq!(
        seen,
        vec![(1, "running"), (2, "failed"), (3, "retrying")],
        "the run it spawned is not watched"
    );
    engine.clock().advance(Duration::from_millis(5000));
    engine.catch_up();
    let change = engine.next_status_change().expect("done is queued");
    assert_eq!(
        (change.id, change.door, change.task_type),
        (id, "toy", "toy.run")
    );
    assert_eq!((change.status, change.detail.as_str()), ("done", "{}"));
    assert_eq!(change.at, engine.clock().wall(start + PERIOD + 6000));
}

#[test]
fn the_queue_keeps_the_newest_changes_and_counts_the_dropped() {
    let engine = watching(2);
    let (id, _) = schedule(&engine, engine.clock().now());
    assert!(engine.watch(id));
    engine.force(id, &["failed".into()], None, None).unwrap();
    engine.clock().advance(Duration::from_millis(6000));
    engine.catch_up();
    // running → failed → retrying → done: three changes, room for two.
    assert_eq!(engine.status_changes_dropped(), 1);
    assert_eq!(engine.status_changes_waiting(), 2);
    assert_eq!(changes(&engine), vec![(2, "retrying"), (3, "done")]);
}

#[test]
fn with_watching_off_nothing_is_watched_or_queued() {
    let engine = engine();
    let (id, _) = schedule(&engine, engine.clock().now());
    assert!(!engine.watch(id));
    engine.clock().advance(Duration::from_millis(10_000));
    engine.catch_up();
    assert_eq!(engine.status_changes_waiting(), 0);
}

#[test]
fn a_step_taken_months_after_creation_is_recorded_at_its_time() {
    // A run planned 60 days ahead (past the 49 days a short history's offsets reach).
    let engine = engine();
    let far: Millis = 60 * 24 * 3600 * 1000;
    let (id, _) = schedule_shaped(&engine, engine.clock().now() + far, |new| {
        new.lifetime = Lifetime::AfterEnd {
            retention: far * 10,
            max_age: far * 10,
        };
    });
    engine.clock().advance(Duration::from_millis(far + 10));
    let detail = engine.task_detail(id).expect("the run is kept");
    let entered = detail.history[1].at - detail.history[0].at;
    assert_eq!(entered.num_milliseconds(), far as i64);
}
