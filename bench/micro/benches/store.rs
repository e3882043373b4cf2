//! The task store: storing a new task, finding a stored one, sweeping expired ones.

use std::hint::black_box;
use std::time::Instant;

use cnode_emulator::cnode::status::Status;
use cnode_emulator::cnode::task::{random_task_id, TaskKind};
use cnode_emulator::engine::clock::Millis;
use cnode_emulator::engine::scripted::Scripted;
use cnode_emulator::engine::store::TaskStore;
use cnode_emulator::engine::task::{Lifetime, Progression, Task, TaskId};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};

/// Tasks held while a lookup or an insert is measured.
const STORED: usize = 100_000;
/// Expired tasks drained by one sweep.
const EXPIRED: usize = 10_000;
/// The engine's default task TTL (one hour).
const TTL: Millis = 3_600_000;

/// A task as the engine makes one for CNode: fresh id, timed progression, a boxed job.
fn task(seq: u64, created_at: Millis) -> Task {
    Task::new(
        random_task_id(),
        seq,
        created_at,
        Lifetime::FromCreation(TTL),
        Progression::Timed { step_ms: 500 },
        Box::new(Scripted::new(
            TaskKind::GiveMoney.task_type(),
            [Status::Searching, Status::Transferring, Status::FinishedOk]
                .map(Status::code)
                .to_vec(),
        )),
    )
}

fn filled_store(count: usize) -> TaskStore {
    let store = TaskStore::default();
    for seq in 0..count {
        store
            .insert(task(seq as u64, 0), 0, &mut random_task_id)
            .expect("no transfer id, no refusal");
    }
    store
}

fn insert(c: &mut Criterion) {
    let mut group = c.benchmark_group("store_insert");
    group.throughput(Throughput::Elements(1));
    // Each sample starts from a store holding STORED tasks and adds `iters` more; building
    // the tasks and the store, and dropping them, is not timed. The map's growth is.
    group.bench_function("into_100k", |b| {
        b.iter_custom(|iters| {
            let store = filled_store(STORED);
            let tasks: Vec<Task> = (0..iters).map(|n| task(STORED as u64 + n, 1)).collect();
            time_inserts(&store, tasks)
        })
    });
    // The same with a uniqueTransferId, as giveMoneyRequest and its kind store their tasks:
    // one more map entry, and the check that no live task holds it.
    group.bench_function("into_100k_with_transfer_id", |b| {
        b.iter_custom(|iters| {
            let store = filled_store(STORED);
            let tasks: Vec<Task> = (0..iters)
                .map(|n| {
                    let mut task = task(STORED as u64 + n, 1);
                    task.key = Some(format!("11-42225-{n}-A").into_boxed_str());
                    task
                })
                .collect();
            time_inserts(&store, tasks)
        })
    });
    group.finish();
}

fn lookup(c: &mut Criterion) {
    let store = filled_store(STORED);
    let ids = store.ids();
    assert_eq!(ids.len(), STORED);
    // Every stored id, scattered (a stride coprime with their count) so that successive
    // lookups land on unrelated buckets and tasks; read in order, so the list itself costs
    // no cache miss.
    let stride = 7_919;
    let order: Vec<TaskId> = (0..STORED).map(|n| ids[n * stride % STORED]).collect();
    let mut group = c.benchmark_group("store_lookup");
    group.throughput(Throughput::Elements(1));
    group.bench_function("hit_among_100k", |b| {
        let mut ids = order.iter().cycle();
        b.iter(|| {
            let id = *ids.next().expect("cycle never ends");
            store.with_task(black_box(id), 1, |task| task.status)
        })
    });
    // The same task every time: the cost of with_task itself, everything in cache.
    group.bench_function("hit_same_id", |b| {
        let id = order[0];
        b.iter(|| store.with_task(black_box(id), 1, |task| task.status))
    });
    group.bench_function("miss_among_100k", |b| {
        let absent = random_task_id();
        b.iter(|| store.with_task(black_box(absent), 1, |task| task.status))
    });
    group.finish();
}

fn sweep(c: &mut Criterion) {
    let mut group = c.benchmark_group("store_sweep");
    // One sweep takes milliseconds: few, flat samples keep the (untimed) setup affordable.
    group.sample_size(20);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(EXPIRED as u64));
    group.bench_function("drain_10k_expired", |b| {
        b.iter_batched(
            || filled_store(EXPIRED),
            |store| {
                let now = TTL + 1;
                let mut swept = 0;
                while let Some(taken) = store.take_expired(now) {
                    swept += usize::from(black_box(taken).is_some());
                }
                assert_eq!(swept, EXPIRED);
                store
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, insert, lookup, sweep);
criterion_main!(benches);

// The emulator binary's allocator (src/main.rs), so allocations cost what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long inserting these tasks takes (the store is dropped afterwards, untimed).
fn time_inserts(store: &TaskStore, tasks: Vec<Task>) -> std::time::Duration {
    let started = Instant::now();
    for task in tasks {
        black_box(store.insert(task, 1, &mut random_task_id).ok());
    }
    started.elapsed()
}
