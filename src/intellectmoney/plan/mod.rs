//! `RepeatPlan` and `RetryOnFailPlan` (dialects.md §3.2 "The two plan formats", §3.5
//! "Plans"): a Quartz cron expression or a JSON period, and when it fires.
//!
//! Everything is a pure function of the times passed in: the engine asks "when next after
//! now?" and, when its virtual clock jumps, "which fire times did I skip?" — possibly
//! millions for a one-second plan over a year, so [`Plan::last_in`] and
//! [`Plan::nth_last_in`] search instead of walking every fire time.
//!
//! No fire time is found in or after the year 2200 (the end of Quartz's year range): a
//! search that would go further answers "never", so every search ends.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeDelta, TimeZone, Utc};

mod cron;
mod period;
#[cfg(test)]
mod tests;

pub use cron::Cron;
pub use period::{Period, PeriodType};

/// A schedule, in either of the two formats the service takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    Cron(Cron),
    Period(Period),
}

/// Why a plan text is not a plan; the text names what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError(pub String);

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlanError {}

fn error<T>(why: impl Into<String>) -> Result<T, PlanError> {
    Err(PlanError(why.into()))
}

/// The last year a plan may fire in (Quartz's year field ends at 2199).
const LAST_YEAR: i32 = 2199;
/// 2200-01-01T00:00:00Z: a period plan fires only before it.
const HORIZON_TIMESTAMP: i64 = 7_258_118_400;
const NANOS: i128 = 1_000_000_000;

fn horizon() -> DateTime<Utc> {
    DateTime::from_timestamp(HORIZON_TIMESTAMP, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Plan {
    /// Quartz cron (6 or 7 fields: sec min hour day-of-month month day-of-week [year]) or
    /// the JSON form (`{"StartAt": ..., "PeriodLength": 1, "PeriodType": "Day"}`), told
    /// apart by a leading `{`.
    pub fn parse(text: &str) -> Result<Plan, PlanError> {
        let text = text.trim();
        if text.is_empty() {
            return error("the plan is empty");
        }
        if text.starts_with('{') {
            return Period::parse(text).map(Plan::Period);
        }
        Cron::parse(text).map(Plan::Cron)
    }

    /// The first fire time strictly after `t`. Cron fields are read in `zone`; a period
    /// plan fires at StartAt + k·period (k ≥ 0), or `anchor` + k·period (k ≥ 1) when it has
    /// no StartAt. None: it never fires again (a cron year range exhausted; the search
    /// gives up at the year 2200).
    pub fn next_after(
        &self,
        t: DateTime<Utc>,
        zone: FixedOffset,
        anchor: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Plan::Cron(cron) => cron.next_after(t, zone),
            Plan::Period(period) => period.next_after(t, zone, anchor),
        }
    }

    /// The latest fire time in (lo, hi], if any — a binary search over `next_after`
    /// (which is monotonic), not a walk over every fire time.
    pub fn last_in(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        zone: FixedOffset,
        anchor: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let fires_by_hi =
            |s: DateTime<Utc>| self.next_after(s, zone, anchor).is_some_and(|f| f <= hi);
        let start = latest_start(lo, hi, fires_by_hi)?;
        self.next_after(start, zone, anchor)
    }

    /// How many fire times lie in (lo, hi], counting at most `cap` (it stops there).
    pub fn count_in(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        zone: FixedOffset,
        anchor: DateTime<Utc>,
        cap: usize,
    ) -> usize {
        if let Plan::Period(period) = self {
            if let Some(count) = period.count_in(lo, hi, zone, anchor) {
                return count.min(cap);
            }
        }
        let mut count = 0;
        let mut at = lo;
        while count < cap {
            match self.next_after(at, zone, anchor) {
                Some(fire) if fire <= hi => {
                    count += 1;
                    at = fire;
                }
                _ => break,
            }
        }
        count
    }

    /// The n-th latest fire time in (lo, hi] (n = 1 is [`Plan::last_in`]): a binary search
    /// for the latest start point that still leaves n fire times before `hi`, so millions
    /// of fire times cost about 64·n steps (a period plan counts in one step).
    pub fn nth_last_in(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        zone: FixedOffset,
        anchor: DateTime<Utc>,
        n: usize,
    ) -> Option<DateTime<Utc>> {
        if n == 0 {
            return None;
        }
        let leaves_n = |s: DateTime<Utc>| self.count_in(s, hi, zone, anchor, n) >= n;
        let start = latest_start(lo, hi, leaves_n)?;
        self.next_after(start, zone, anchor)
    }
}

/// The latest `s` in [lo, hi) for which `holds(s)`, given that `holds` is true up to some
/// point and false after it (and false at `hi`); None when it does not hold at `lo`.
/// Nanosecond resolution, so a period plan's fractional start is found exactly.
fn latest_start(
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    holds: impl Fn(DateTime<Utc>) -> bool,
) -> Option<DateTime<Utc>> {
    if lo >= hi || !holds(lo) {
        return None;
    }
    let (mut yes, mut no) = (0i128, nanos_between(lo, hi));
    while no - yes > 1 {
        let mid = yes + (no - yes) / 2;
        match add_nanos(lo, mid) {
            Some(at) if holds(at) => yes = mid,
            _ => no = mid,
        }
    }
    add_nanos(lo, yes)
}

fn nanos_between(a: DateTime<Utc>, b: DateTime<Utc>) -> i128 {
    let delta = b.signed_duration_since(a);
    i128::from(delta.num_seconds()) * NANOS + i128::from(delta.subsec_nanos())
}

fn add_nanos(t: DateTime<Utc>, nanos: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(nanos.div_euclid(NANOS)).ok()?;
    let rest = u32::try_from(nanos.rem_euclid(NANOS)).ok()?;
    t.checked_add_signed(TimeDelta::new(secs, rest)?)
}

/// A UTC instant as the wall-clock time in a fixed zone.
fn to_local(t: DateTime<Utc>, zone: FixedOffset) -> Option<NaiveDateTime> {
    t.naive_utc()
        .checked_add_signed(TimeDelta::seconds(i64::from(zone.local_minus_utc())))
}

/// A wall-clock time in a fixed zone as a UTC instant.
fn from_local(local: NaiveDateTime, zone: FixedOffset) -> Option<DateTime<Utc>> {
    Some(zone.from_local_datetime(&local).single()?.to_utc())
}
