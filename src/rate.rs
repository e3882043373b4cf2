//! Polling advice on the virtual clock ("no more than once a second", "once a minute"): which
//! polls came too soon after the last one for the same key, and how many did. A door serves
//! them anyway and counts them, or, in strict mode, refuses them in its own words.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::engine::clock::Millis;

/// Keys remembered before the stale ones (last polled longer than a window ago) are dropped.
const PRUNE_OVER: usize = 4096;
/// Keys remembered at most: past this, the map starts over (a poll by a forgotten key is
/// never too fast), so no stream of distinct keys grows it without end.
const MAX_KEYS: usize = 65_536;

pub struct RateWindow<K> {
    window: Millis,
    last: Mutex<Keys<K>>,
    too_fast: AtomicU64,
}

struct Keys<K> {
    at: HashMap<K, Millis>,
    /// The size at which stale keys are dropped next: doubled when a prune frees little, so
    /// pruning costs a constant per poll however many keys are live.
    prune_at: usize,
}

impl<K> Default for Keys<K> {
    fn default() -> Keys<K> {
        Keys {
            at: HashMap::new(),
            prune_at: PRUNE_OVER,
        }
    }
}

impl<K: Hash + Eq> RateWindow<K> {
    pub fn new(window: Millis) -> RateWindow<K> {
        RateWindow {
            window,
            last: Mutex::default(),
            too_fast: AtomicU64::new(0),
        }
    }

    /// Notes a poll for `key` at `now`; `true` when it came within the window of the last one.
    pub fn poll(&self, key: K, now: Millis) -> bool {
        let mut keys = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if keys.at.len() >= keys.prune_at {
            let window = self.window;
            keys.at.retain(|_, at| now.saturating_sub(*at) < window);
            if keys.at.len() >= MAX_KEYS {
                keys.at.clear();
            }
            keys.prune_at = (2 * keys.at.len()).max(PRUNE_OVER);
        }
        let previous = keys.at.insert(key, now);
        let too_fast = previous.is_some_and(|at| now.saturating_sub(at) < self.window);
        if too_fast {
            self.too_fast.fetch_add(1, Ordering::Relaxed);
        }
        too_fast
    }

    /// How many polls came too soon since the start (or the last reset).
    pub fn too_fast(&self) -> u64 {
        self.too_fast.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Keys::default();
        self.too_fast.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_within_the_window_are_too_fast_and_counted() {
        let rate = RateWindow::new(1000);
        assert!(!rate.poll("k", 0));
        assert!(rate.poll("k", 999));
        assert!(!rate.poll("k", 1999));
        assert!(!rate.poll("other", 1999));
        assert_eq!(rate.too_fast(), 1);
    }

    #[test]
    fn stale_keys_are_dropped_so_the_map_stays_bounded() {
        let rate = RateWindow::new(10);
        for key in 0..10 * PRUNE_OVER as u64 {
            rate.poll(key, key * 100);
        }
        assert!(rate.last.lock().unwrap().at.len() <= PRUNE_OVER);
    }

    #[test]
    fn keys_live_in_one_window_are_bounded_and_cheap() {
        let rate = RateWindow::new(60_000);
        for key in 0..4 * MAX_KEYS as u64 {
            rate.poll(key, 0);
        }
        assert!(rate.last.lock().unwrap().at.len() <= MAX_KEYS);
    }
}
