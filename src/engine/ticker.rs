//! The engine's one background task: takes steps as they come due and frees expired
//! tasks, with no timer per task. It sleeps until the next thing to do, and wakes early
//! when the clock is moved.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::Engine;

/// The longest the ticker sleeps: bounds how late it notices tasks started meanwhile.
const MAX_NAP: Duration = Duration::from_millis(100);

/// Expired tasks freed between two looks at everything else (a stop, a moved clock).
const SWEEP_BATCH: usize = 4096;

pub async fn run(engine: Arc<Engine>, mut shutdown: watch::Receiver<bool>) {
    let mut clock_moved = engine.clock().subscribe();
    loop {
        engine.catch_up();
        while engine.sweep_up_to(SWEEP_BATCH) == SWEEP_BATCH {
            if *shutdown.borrow() {
                return;
            }
            tokio::task::yield_now().await;
        }
        let nap = engine
            .next_wakeup()
            .and_then(|at| engine.clock().real_time_until(at))
            .map_or(MAX_NAP, |until| until.min(MAX_NAP));
        tokio::select! {
            _ = tokio::time::sleep(nap) => {}
            changed = clock_moved.changed() => if changed.is_err() { break },
            _ = shutdown.changed() => break,
        }
    }
}
