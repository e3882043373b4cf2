//! The engine's one source of time. Progression, expiry and every timestamp the emulator
//! writes read it, so a test (or, later, the admin API) can freeze it and move it.

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// Milliseconds since the clock was made: the engine's unit of time.
pub type Millis = u64;

/// Read on every call, changed only by tests: reads take no lock, changes take turns.
pub struct Clock {
    real_start: Instant,
    wall_start: DateTime<Utc>,
    /// Added to real elapsed time while running.
    offset: AtomicU64,
    /// Virtual time at which the clock stands still, or RUNNING.
    frozen_at: AtomicU64,
    /// Held while the clock is changed, so that two changes never interleave.
    changing: Mutex<()>,
    /// Odd while a change is being written: a reader that saw a change begin or end
    /// reads again, so it never mixes the state before a change with the state after.
    version: AtomicU64,
    /// Bumped on every freeze, resume or advance, so sleepers can recompute their deadlines.
    moved: watch::Sender<u64>,
    /// The latest advances, (from, to): a step due inside one was passed over by a jump,
    /// not reached by time going by (IntellectMoney's FireOnSkip tells the two apart).
    jumps: Mutex<std::collections::VecDeque<(Millis, Millis)>>,
    /// Where the latest advance landed: a step due at or after it was jumped over by none
    /// (time never goes back), which most steps learn without taking `jumps`.
    last_landing: AtomicU64,
}

/// Advances remembered: enough for every step still due, since every read catches up.
const JUMPS_KEPT: usize = 256;

const RUNNING: Millis = Millis::MAX;

/// A real duration being measured: how long a call took, never what time it is. The
/// journal and Bitrix24's `time.duration` show these.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    #[allow(clippy::disallowed_methods)]
    pub fn start() -> Stopwatch {
        Stopwatch(Instant::now())
    }

    pub fn elapsed(&self) -> std::time::Duration {
        self.0.elapsed()
    }
}

impl Clock {
    /// A clock that follows real time.
    pub fn running() -> Clock {
        Clock::new(None)
    }

    /// A clock that stands still at its start until advanced or resumed.
    pub fn frozen() -> Clock {
        Clock::new(Some(0))
    }

    // The one place the emulator's time meets the real one.
    #[allow(clippy::disallowed_methods)]
    fn new(frozen_at: Option<Millis>) -> Clock {
        Clock {
            real_start: Instant::now(),
            wall_start: Utc::now(),
            offset: AtomicU64::new(0),
            frozen_at: AtomicU64::new(frozen_at.unwrap_or(RUNNING)),
            changing: Mutex::new(()),
            version: AtomicU64::new(0),
            moved: watch::channel(0).0,
            jumps: Mutex::default(),
            last_landing: AtomicU64::new(0),
        }
    }

    pub fn now(&self) -> Millis {
        loop {
            let before = self.version.load(SeqCst);
            let now = match self.frozen_at.load(SeqCst) {
                RUNNING => self
                    .real_elapsed()
                    .saturating_add(self.offset.load(SeqCst))
                    .min(RUNNING - 1),
                at => at,
            };
            if before % 2 == 0 && self.version.load(SeqCst) == before {
                return now;
            }
            std::hint::spin_loop();
        }
    }

    /// The wall-clock time of a virtual instant, for timestamps shown to clients.
    pub fn wall(&self, at: Millis) -> DateTime<Utc> {
        chrono::TimeDelta::try_milliseconds(i64::try_from(at).unwrap_or(i64::MAX))
            .and_then(|since| self.wall_start.checked_add_signed(since))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen_at.load(SeqCst) != RUNNING
    }

    pub fn freeze(&self) {
        self.change(|| {
            if !self.is_frozen() {
                let now = self.running_now();
                self.frozen_at.store(now, SeqCst);
            }
        });
    }

    pub fn resume(&self) {
        self.change(|| {
            let at = self.frozen_at.load(SeqCst);
            if at != RUNNING {
                self.offset
                    .store(at.saturating_sub(self.real_elapsed()), SeqCst);
                self.frozen_at.store(RUNNING, SeqCst);
            }
        });
    }

    pub fn advance(&self, by: Duration) {
        let by = Millis::try_from(by.as_millis()).unwrap_or(RUNNING - 1);
        self.change(|| {
            let from = match self.frozen_at.load(SeqCst) {
                RUNNING => self.running_now(),
                at => at,
            };
            match self.frozen_at.load(SeqCst) {
                RUNNING => self
                    .offset
                    .swap(self.offset.load(SeqCst).saturating_add(by), SeqCst),
                // Never as far as RUNNING itself: that would unfreeze the clock.
                at => {
                    let to = at.saturating_add(by).min(RUNNING - 1);
                    self.frozen_at.swap(to, SeqCst)
                }
            };
            // Recorded before the new time is published, so no step can be taken at the new
            // time without seeing that it was jumped over.
            let mut jumps = self.jumps.lock().unwrap_or_else(|p| p.into_inner());
            let to = from.saturating_add(by).min(RUNNING - 1);
            jumps.push_back((from, to));
            self.last_landing.fetch_max(to, SeqCst);
            if jumps.len() > JUMPS_KEPT {
                jumps.pop_front();
            }
        });
    }

    /// Where the advance that passed over `at` landed, if one did (`at` strictly inside
    /// it); `None` when time reached `at` by going by, or a jump landed right on it.
    pub fn jumped_over(&self, at: Millis) -> Option<Millis> {
        if at >= self.last_landing.load(SeqCst) {
            return None;
        }
        let jumps = self.jumps.lock().unwrap_or_else(|p| p.into_inner());
        jumps
            .iter()
            .rev()
            .find(|&&(from, to)| from < at && at < to)
            .map(|&(_, to)| to)
    }

    /// Applies a change, one at a time, marked so that readers never see half of it.
    fn change(&self, write: impl FnOnce()) {
        {
            let _changing = self.lock();
            self.version.fetch_add(1, SeqCst);
            write();
            self.version.fetch_add(1, SeqCst);
        }
        self.notify_moved();
    }

    /// The time while running, read by a change in progress (which `now` would wait for).
    fn running_now(&self) -> Millis {
        self.real_elapsed()
            .saturating_add(self.offset.load(SeqCst))
            .min(RUNNING - 1)
    }

    /// How long to sleep in real time until the clock reads `at`; `None` while frozen.
    pub fn real_time_until(&self, at: Millis) -> Option<Duration> {
        if self.is_frozen() {
            return None;
        }
        Some(Duration::from_millis(at.saturating_sub(self.now())))
    }

    /// A receiver that changes whenever the clock is frozen, resumed or advanced.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.moved.subscribe()
    }

    fn notify_moved(&self) {
        self.moved.send_modify(|moves| *moves += 1);
    }

    fn real_elapsed(&self) -> Millis {
        self.real_start.elapsed().as_millis() as Millis
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        // The state is two plain numbers: a panic elsewhere cannot leave it inconsistent.
        self.changing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A duration as engine time, saturating at the end of time.
pub fn millis(duration: std::time::Duration) -> Millis {
    Millis::try_from(duration.as_millis()).unwrap_or(Millis::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_can_tell_an_advance_jumped_over_it() {
        let clock = Clock::frozen();
        clock.advance(Duration::from_millis(100));
        clock.advance(Duration::from_millis(50));
        assert_eq!(clock.jumped_over(50), Some(100));
        assert_eq!(clock.jumped_over(120), Some(150));
        // Where a jump landed, and before the first, nothing was jumped over.
        assert_eq!(clock.jumped_over(100), None);
        assert_eq!(clock.jumped_over(150), None);
        assert_eq!(clock.jumped_over(0), None);
        assert_eq!(clock.jumped_over(200), None);
    }

    #[test]
    fn frozen_clock_moves_only_when_advanced() {
        let clock = Clock::frozen();
        assert_eq!(clock.now(), 0);
        clock.advance(Duration::from_secs(2));
        assert_eq!(clock.now(), 2000);
        assert_eq!(clock.real_time_until(5000), None);
    }

    #[test]
    fn resume_continues_from_the_frozen_instant() {
        let clock = Clock::frozen();
        clock.advance(Duration::from_secs(60));
        clock.resume();
        let now = clock.now();
        assert!((60_000..61_000).contains(&now), "{now}");
        clock.freeze();
        let frozen = clock.now();
        assert!(frozen >= now);
        assert_eq!(
            clock.wall(1000) - clock.wall(0),
            chrono::TimeDelta::seconds(1)
        );
    }

    #[test]
    fn every_move_is_announced() {
        let clock = Clock::frozen();
        let rx = clock.subscribe();
        clock.advance(Duration::from_millis(1));
        clock.resume();
        clock.freeze();
        assert_eq!(*rx.borrow(), 3);
    }

    /// A reader racing freezes and resumes never sees time go back (it once could mix the
    /// state before a resume with the state after it).
    #[test]
    fn time_never_goes_back_while_the_clock_is_frozen_and_resumed() {
        let clock = std::sync::Arc::new(Clock::running());
        let changer = {
            let clock = clock.clone();
            std::thread::spawn(move || {
                for _ in 0..20_000 {
                    clock.freeze();
                    clock.resume();
                }
            })
        };
        let mut last = 0;
        while !changer.is_finished() {
            let now = clock.now();
            assert!(now >= last, "{now} after {last}");
            last = now;
        }
        changer.join().unwrap();
    }

    #[test]
    fn a_huge_advance_saturates_instead_of_panicking() {
        let clock = Clock::frozen();
        clock.advance(Duration::MAX);
        assert!(clock.is_frozen());
        let _ = clock.wall(clock.now());
    }
}
