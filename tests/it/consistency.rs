//! Under load: while many clients poll, the clock moves and outcomes are forced, no poller
//! ever sees a status its task did not pass through, or two statuses out of order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cnode_emulator::cnode::status::Status;
use cnode_emulator::cnode::task::parse_task_id;

use crate::harness::{paced, start_with, Style};

const TASKS: usize = 24;
const POLLERS: usize = 8;

/// Waits until every poller has made a whole sweep over its tasks that began after this call
/// (two counts on: the sweep under way may have started before).
fn each_sweeps_again(sweeps: &[AtomicUsize]) {
    let before: Vec<usize> = sweeps.iter().map(|s| s.load(Ordering::Acquire)).collect();
    crate::harness::eventually("each poller sweeps once", || {
        sweeps
            .iter()
            .zip(&before)
            .all(|(s, b)| s.load(Ordering::Acquire) >= b + 2)
    });
}

#[test]
fn pollers_only_ever_see_a_tasks_own_path_in_order() {
    let emulator = Arc::new(start_with(paced(Duration::from_millis(100))));
    emulator.log_in_as("shop");
    let receivers = [
        "alice",
        "flaky_connection",
        "needs_verification",
        "bob",
        "times_out",
        "small_receiver",
    ];
    let tasks: Vec<String> = (0..TASKS)
        .map(|i| {
            let args = format!(
                "<username>{}</username><uniqueTransferId>load-{i}</uniqueTransferId><type>GIVE_MONEY</type><amount><amount>{}</amount></amount>",
                receivers[i % receivers.len()],
                1000 + i
            );
            emulator.call_xml("giveMoneyRequest", &args).answer().get("taskId").to_owned()
        })
        .collect();
    // What each poller saw of each task, in the order it saw it.
    let seen: Arc<Mutex<Vec<Vec<Vec<String>>>>> =
        Arc::new(Mutex::new(vec![vec![Vec::new(); TASKS]; POLLERS]));
    let done = Arc::new(AtomicBool::new(false));
    let sweeps: Arc<Vec<AtomicUsize>> =
        Arc::new((0..POLLERS).map(|_| AtomicUsize::new(0)).collect());

    let pollers: Vec<_> = (0..POLLERS)
        .map(|p| {
            let (emulator, tasks, seen, done, sweeps) = (
                emulator.clone(),
                tasks.clone(),
                seen.clone(),
                done.clone(),
                sweeps.clone(),
            );
            std::thread::spawn(move || {
                let mut rounds = 0;
                while !done.load(Ordering::Acquire) && rounds < 2000 {
                    rounds += 1;
                    sweeps[p].fetch_add(1, Ordering::AcqRel);
                    for (i, task) in tasks.iter().enumerate().skip(p % 3) {
                        let answer = emulator.call(Style::B, "getTaskStatus", &[("taskId", task)]);
                        let status = answer.get("status").to_owned();
                        let mut seen = seen.lock().unwrap();
                        let mine = &mut seen[p][i];
                        if mine.last() != Some(&status) {
                            mine.push(status);
                        }
                    }
                }
            })
        })
        .collect();

    // The controller: time moves in small steps and some tasks are forced along the way.
    for round in 0..40 {
        emulator.advance(Duration::from_millis(50));
        if round % 10 == 5 {
            let id = parse_task_id(&tasks[round % TASKS]).unwrap();
            let _ = emulator.engine().force(
                id,
                &[
                    Status::WaitingForRestart.as_str().to_owned(),
                    Status::FinishedErr.as_str().to_owned(),
                ],
                None,
                None,
            );
        }
        // Every poller completes a whole sweep over the tasks before time moves again.
        each_sweeps_again(&sweeps);
    }
    emulator.advance(Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(20));
    done.store(true, Ordering::Release);
    for poller in pollers {
        poller.join().unwrap();
    }

    let seen = seen.lock().unwrap();
    let transitions_seen: usize = seen
        .iter()
        .flatten()
        .map(|s| s.len().saturating_sub(1))
        .sum();
    assert!(
        transitions_seen >= TASKS,
        "the pollers must have watched tasks move: {seen:?}"
    );
    for (i, task) in tasks.iter().enumerate() {
        let history = emulator.history(task);
        assert!(
            history
                .last()
                .is_some_and(|s| Status::parse(s).unwrap().is_final()),
            "{task} ended: {history:?}"
        );
        // What a poller saw is the task's history with some statuses skipped, never reordered.
        for poller in seen.iter() {
            let mut rest = history.iter();
            for status in &poller[i] {
                assert!(
                    rest.any(|h| h == status),
                    "task {i} showed {:?}, its path was {history:?}",
                    poller[i]
                );
            }
        }
    }
}

#[test]
fn a_reset_while_pollers_run_makes_tasks_vanish_not_change() {
    let emulator = Arc::new(start_with(paced(Duration::from_millis(100))));
    emulator.log_in_as("shop");
    let tasks: Vec<String> = (0..8)
        .map(|i| {
            let args = format!("<username>alice</username><uniqueTransferId>reset-{i}</uniqueTransferId><type>GIVE_MONEY</type><amount><amount>100</amount></amount>");
            emulator.call_xml("giveMoneyRequest", &args).answer().get("taskId").to_owned()
        })
        .collect();
    let done = Arc::new(AtomicBool::new(false));
    let sweeps: Arc<Vec<AtomicUsize>> = Arc::new((0..4).map(|_| AtomicUsize::new(0)).collect());
    let pollers: Vec<_> = (0..4)
        .map(|p| {
            let (emulator, tasks, done, sweeps) = (
                emulator.clone(),
                tasks.clone(),
                done.clone(),
                sweeps.clone(),
            );
            std::thread::spawn(move || {
                let mut seen: Vec<Vec<String>> = vec![Vec::new(); tasks.len()];
                let mut rounds = 0;
                while !done.load(Ordering::Acquire) && rounds < 5000 {
                    rounds += 1;
                    sweeps[p].fetch_add(1, Ordering::AcqRel);
                    for (i, task) in tasks.iter().enumerate() {
                        let answer = emulator.call(Style::B, "getTaskStatus", &[("taskId", task)]);
                        let status = match answer.get("requestStatus") {
                            "SUCCESS" => answer.get("status").to_owned(),
                            gone => gone.to_owned(),
                        };
                        if seen[i].last() != Some(&status) {
                            seen[i].push(status);
                        }
                    }
                }
                seen
            })
        })
        .collect();
    emulator.advance(Duration::from_millis(150));
    each_sweeps_again(&sweeps);
    let histories: Vec<Vec<String>> = tasks.iter().map(|t| emulator.history(t)).collect();
    emulator.engine().reset();
    each_sweeps_again(&sweeps);
    emulator.advance(Duration::from_secs(5));
    each_sweeps_again(&sweeps);
    done.store(true, Ordering::Release);
    for poller in pollers {
        let seen = poller.join().unwrap();
        for (i, sequence) in seen.iter().enumerate() {
            let gone = sequence.iter().position(|s| s == "ERR_TASK_DOES_NOT_EXIST");
            assert!(gone.is_some(), "task {i} never vanished: {sequence:?}");
            let gone = gone.unwrap();
            assert_eq!(
                gone,
                sequence.len() - 1,
                "a vanished task never comes back: {sequence:?}"
            );
            let mut rest = histories[i].iter();
            for status in &sequence[..gone] {
                assert!(
                    rest.any(|h| h == status),
                    "task {i} showed {sequence:?}, its path was {:?}",
                    histories[i]
                );
            }
        }
    }
}

const CLIENTS: usize = 12;
const TASKS_PER_CLIENT: usize = 6;
const DONE: usize = usize::MAX;

/// How far along its life a status is, for the task types this test starts: a poller may
/// skip statuses but never sees a task go back a phase, or anything after a final status.
fn phase(status: &str) -> u8 {
    match status {
        "PREPARATION" => 0,
        "SEARCHING" => 1,
        "WAITING_FOR_USER_DECISION" | "WAITING_FOR_VERIFICATION" => 2,
        // A dropped connection parks a transfer and resumes it: one phase.
        "TRANSFERRING" | "WAITING_FOR_RESTART" => 3,
        other if Status::parse(other).is_some_and(Status::is_final) => 4,
        other => panic!("a status these tasks never take: {other}"),
    }
}

#[test]
fn many_clients_creating_and_polling_lose_no_task_and_see_only_allowed_orders() {
    let emulator = Arc::new(start_with(paced(Duration::from_millis(100))));
    emulator.log_in_as("shop");
    let tasks_before = emulator.engine().task_count();
    let receivers = [
        "alice",
        "bob",
        "needs_verification",
        "flaky_connection",
        "times_out",
    ];
    let finished = Arc::new(AtomicUsize::new(0));
    // Polling rounds each client has completed; DONE once it has seen all its tasks end.
    let rounds: Arc<Vec<AtomicUsize>> =
        Arc::new((0..CLIENTS).map(|_| AtomicUsize::new(0)).collect());
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (emulator, finished, rounds) = (emulator.clone(), finished.clone(), rounds.clone());
            std::thread::spawn(move || {
                // Each client starts its tasks (transfers and vault moves, interleaved with
                // the other clients'), then polls them all until they end.
                let tasks: Vec<String> = (0..TASKS_PER_CLIENT)
                    .map(|t| {
                        let reply = if t % 3 == 2 {
                            emulator.call_xml("sendMoneyToVault", "<amount><amount>7</amount></amount>")
                        } else {
                            let args = format!(
                                "<username>{}</username><uniqueTransferId>client-{c}-{t}</uniqueTransferId><type>GIVE_MONEY</type><amount><amount>{}</amount></amount>",
                                receivers[(c + t) % receivers.len()],
                                100 + t
                            );
                            emulator.call_xml("giveMoneyRequest", &args)
                        };
                        let answer = reply.answer();
                        assert_eq!(answer.get("requestStatus"), "SUCCESS", "client {c} task {t}");
                        answer.get("taskId").to_owned()
                    })
                    .collect();
                let mut seen: Vec<Vec<String>> = vec![Vec::new(); tasks.len()];
                while seen.iter().any(|s| s.last().is_none_or(|s| phase(s) != 4)) {
                    for (task, seen) in tasks.iter().zip(&mut seen) {
                        let answer = emulator.call(Style::B, "getTaskStatus", &[("taskId", task)]);
                        assert_eq!(answer.get("requestStatus"), "SUCCESS", "task {task} was lost");
                        let status = answer.get("status").to_owned();
                        if seen.last() != Some(&status) {
                            seen.push(status);
                        }
                    }
                    rounds[c].fetch_add(1, Ordering::AcqRel);
                }
                rounds[c].store(DONE, Ordering::Release);
                finished.fetch_add(1, Ordering::AcqRel);
                (tasks, seen)
            })
        })
        .collect();
    // Time moves while the clients work, each step once every client has polled all its
    // tasks, until they are all done (at most 10 virtual minutes).
    for _ in 0..12_000 {
        if finished.load(Ordering::Acquire) == CLIENTS {
            break;
        }
        let before: Vec<usize> = rounds.iter().map(|r| r.load(Ordering::Acquire)).collect();
        crate::harness::eventually("each client polls its tasks", || {
            rounds.iter().zip(&before).all(|(r, b)| {
                let now = r.load(Ordering::Acquire);
                now > *b || now == DONE
            })
        });
        emulator.advance(Duration::from_millis(50));
    }
    let mut all_tasks = std::collections::HashSet::new();
    let mut moves_seen = 0;
    for client in clients {
        let (tasks, seen) = client.join().expect("every client finishes");
        for (task, sequence) in tasks.iter().zip(&seen) {
            moves_seen += sequence.len() - 1;
            assert!(
                all_tasks.insert(task.clone()),
                "two tasks share the id {task}"
            );
            let phases: Vec<u8> = sequence.iter().map(|s| phase(s)).collect();
            assert!(
                phases.windows(2).all(|w| w[0] <= w[1])
                    && phases.iter().filter(|&&p| p == 4).count() == 1,
                "{task} went {sequence:?}"
            );
            let history = emulator.history(task);
            let mut rest = history.iter();
            assert!(
                sequence.iter().all(|status| rest.any(|h| h == status)),
                "{task} showed {sequence:?}, its path was {history:?}"
            );
        }
    }
    assert_eq!(all_tasks.len(), CLIENTS * TASKS_PER_CLIENT);
    assert!(
        moves_seen >= all_tasks.len(),
        "the clients must have watched their tasks move ({moves_seen} moves seen)"
    );
    assert_eq!(
        emulator.engine().task_count(),
        tasks_before + CLIENTS * TASKS_PER_CLIENT,
        "every task is still in the store"
    );
}
