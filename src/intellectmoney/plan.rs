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

use chrono::{
    DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveDateTime, TimeDelta, TimeZone,
    Timelike, Utc,
};
use serde_json::Value;

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

// ---------------------------------------------------------------------------------------
// Quartz cron

/// A Quartz cron expression: the allowed values of each field.
///
/// Unsupported (refused when parsing): `L`, `W` and `#` (last day, nearest weekday, n-th
/// weekday of the month) — no IntellectMoney example uses them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    second: Values,
    minute: Values,
    hour: Values,
    day: Values,
    month: Values,
    /// 1 = Sunday ... 7 = Saturday, as Quartz numbers them.
    weekday: Values,
    /// None: any year (up to [`LAST_YEAR`]).
    year: Option<Years>,
    /// The day-of-month field was `*` or `?`.
    day_any: bool,
    /// The day-of-week field was `*` or `?`.
    weekday_any: bool,
    /// No day of any allowed month is allowed (`0 0 0 30 2 ?`): it never fires.
    never: bool,
}

/// One field's range and names.
struct Spec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    /// Whether a range may wrap past the end (`FRI-MON`, `22-2`); not for years.
    cyclic: bool,
}

const fn spec(name: &'static str, min: u32, max: u32) -> Spec {
    Spec {
        name,
        min,
        max,
        names: &[],
        cyclic: true,
    }
}

const SECOND: Spec = spec("seconds", 0, 59);
const MINUTE: Spec = spec("minutes", 0, 59);
const HOUR: Spec = spec("hours", 0, 23);
const DAY: Spec = spec("day-of-month", 1, 31);
const MONTH: Spec = Spec {
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
    ..spec("month", 1, 12)
};
const WEEKDAY: Spec = Spec {
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    ..spec("day-of-week", 1, 7)
};
const YEAR: Spec = Spec {
    cyclic: false,
    ..spec("year", 1970, LAST_YEAR as u32)
};

/// A set of values of one field: up to 64·W of them from `min` (W = 1 for every field but
/// the year, so a [`Cron`] stays small).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Values<const W: usize = 1> {
    min: u32,
    max: u32,
    bits: [u64; W],
}

/// The year field: 1970 to 2199.
type Years = Values<4>;

impl<const W: usize> Values<W> {
    fn empty(spec: &Spec) -> Values<W> {
        Values {
            min: spec.min,
            max: spec.max,
            bits: [0; W],
        }
    }

    fn insert(&mut self, value: u32) {
        let i = value.saturating_sub(self.min) as usize;
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    fn contains(&self, value: u32) -> bool {
        if value < self.min || value > self.max {
            return false;
        }
        let i = (value - self.min) as usize;
        self.bits
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    /// The smallest allowed value ≥ `from`.
    fn first_from(&self, from: u32) -> Option<u32> {
        (from.max(self.min)..=self.max).find(|&v| self.contains(v))
    }
}

impl Cron {
    /// `sec min hour day-of-month month day-of-week [year]`.
    pub fn parse(text: &str) -> Result<Cron, PlanError> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        if !(6..=7).contains(&parts.len()) {
            return error(format!(
                "a cron plan has 6 or 7 fields (sec min hour day-of-month month day-of-week \
                 [year]), \"{text}\" has {}",
                parts.len()
            ));
        }
        let any = |part: &str| part == "*" || part == "?";
        let year = match parts.get(6) {
            Some(part) if !any(part) => Some(field(part, &YEAR)?),
            _ => None,
        };
        let mut cron = Cron {
            second: field(parts[0], &SECOND)?,
            minute: field(parts[1], &MINUTE)?,
            hour: field(parts[2], &HOUR)?,
            day: field(parts[3], &DAY)?,
            month: field(parts[4], &MONTH)?,
            weekday: field(parts[5], &WEEKDAY)?,
            year,
            day_any: any(parts[3]),
            weekday_any: any(parts[5]),
            never: false,
        };
        cron.never = cron.weekday_any && !cron.some_day_exists();
        Ok(cron)
    }

    /// Whether some allowed month has some allowed day (February counted with 29 days).
    fn some_day_exists(&self) -> bool {
        (1..=12).any(|m| {
            self.month.contains(m) && (1..=days_in_month(2000, m)).any(|d| self.day.contains(d))
        })
    }

    /// Quartz's rule for the two day fields: when one is `*`/`?` the other alone decides;
    /// when both are restricted a day fires when either matches (the standard cron OR —
    /// Quartz itself refuses that combination, the emulator is lenient).
    fn day_matches(&self, at: &Cursor) -> bool {
        let by_day = || self.day.contains(at.day);
        let by_weekday = || self.weekday.contains(at.weekday());
        match (self.day_any, self.weekday_any) {
            (true, true) => true,
            (true, false) => by_weekday(),
            (false, true) => by_day(),
            (false, false) => by_day() || by_weekday(),
        }
    }

    fn next_after(&self, t: DateTime<Utc>, zone: FixedOffset) -> Option<DateTime<Utc>> {
        if self.never {
            return None;
        }
        // Whole seconds strictly after `t`.
        let local = to_local(t, zone)?.with_nanosecond(0)?;
        let start = local.checked_add_signed(TimeDelta::seconds(1))?;
        let found = self.find(Cursor::at(start))?;
        from_local(found.naive()?, zone)
    }

    /// The first allowed wall-clock second at or after `at`, advancing one field at a time
    /// (a disallowed year skips the year, a disallowed month the month, ...).
    fn find(&self, mut at: Cursor) -> Option<Cursor> {
        loop {
            if at.year > LAST_YEAR {
                return None;
            }
            if let Some(years) = &self.year {
                if !years.contains(u32::try_from(at.year).unwrap_or(0)) {
                    let from = u32::try_from(at.year).unwrap_or(0);
                    at = Cursor::year_start(i32::try_from(years.first_from(from)?).ok()?);
                    continue;
                }
            }
            if !self.month.contains(at.month) {
                at = match self.month.first_from(at.month) {
                    Some(month) => Cursor::month_start(at.year, month),
                    None => Cursor::year_start(at.year + 1),
                };
                continue;
            }
            if !self.day_matches(&at) {
                at = at.next_day();
                continue;
            }
            if !self.hour.contains(at.hour) {
                at = match self.hour.first_from(at.hour) {
                    Some(hour) => at.with_time(hour, 0, 0),
                    None => at.next_day(),
                };
                continue;
            }
            if !self.minute.contains(at.minute) {
                at = match self.minute.first_from(at.minute) {
                    Some(minute) => at.with_time(at.hour, minute, 0),
                    None => at.next_hour(),
                };
                continue;
            }
            if !self.second.contains(at.second) {
                at = match self.second.first_from(at.second) {
                    Some(second) => at.with_time(at.hour, at.minute, second),
                    None => at.next_minute(),
                };
                continue;
            }
            return Some(at);
        }
    }
}

/// One cron field: a list of `*`, `?`, `n`, `a-b`, `a/s`, `*/s`, `a-b/s`.
fn field<const W: usize>(text: &str, spec: &Spec) -> Result<Values<W>, PlanError> {
    let mut values = Values::empty(spec);
    for item in text.split(',') {
        add_item(item, spec, &mut values)?;
    }
    Ok(values)
}

fn add_item<const W: usize>(
    item: &str,
    spec: &Spec,
    values: &mut Values<W>,
) -> Result<(), PlanError> {
    let (range, step) = match item.split_once('/') {
        Some((range, step)) => (range, Some(step_of(step, spec)?)),
        None => (item, None),
    };
    let (from, to) = match range.split_once('-') {
        _ if range == "*" || range == "?" => (spec.min, spec.max),
        Some((from, to)) => (value_of(from, spec)?, value_of(to, spec)?),
        // `a/s` runs from a to the end of the range.
        None if step.is_some() => (value_of(range, spec)?, spec.max),
        None => {
            let value = value_of(range, spec)?;
            (value, value)
        }
    };
    if from > to && !spec.cyclic {
        return error(format!("{}: the range {range} runs backwards", spec.name));
    }
    // A range may wrap past the end (`FRI-MON`): walk it cyclically.
    let size = spec.max - spec.min + 1;
    let length = (to + size - from) % size + 1;
    for i in (0..length).step_by(step.unwrap_or(1)) {
        values.insert(spec.min + (from - spec.min + i) % size);
    }
    Ok(())
}

fn step_of(text: &str, spec: &Spec) -> Result<usize, PlanError> {
    match text.parse::<usize>() {
        Ok(step) if step >= 1 => Ok(step),
        _ => error(format!(
            "{}: the step \"{text}\" is not a whole number from 1",
            spec.name
        )),
    }
}

/// A number in the field's range, or a month or day name.
fn value_of(text: &str, spec: &Spec) -> Result<u32, PlanError> {
    let value = if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        text.parse::<u32>().ok()
    } else if let Some(i) = spec.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        u32::try_from(i).ok().map(|i| spec.min + i)
    } else if text.contains(['L', 'W', '#', 'l', 'w']) {
        return error(format!(
            "{}: \"{text}\" uses L, W or #, which are not supported",
            spec.name
        ));
    } else {
        None
    };
    match value {
        Some(value) if (spec.min..=spec.max).contains(&value) => Ok(value),
        _ => error(format!(
            "{}: \"{text}\" is not a value from {} to {}",
            spec.name, spec.min, spec.max
        )),
    }
}

/// A wall-clock second, always a valid date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cursor {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Cursor {
    fn at(t: NaiveDateTime) -> Cursor {
        Cursor {
            year: t.year(),
            month: t.month(),
            day: t.day(),
            hour: t.hour(),
            minute: t.minute(),
            second: t.second(),
        }
    }

    fn month_start(year: i32, month: u32) -> Cursor {
        Cursor {
            year,
            month,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
        }
    }

    fn year_start(year: i32) -> Cursor {
        Cursor::month_start(year, 1)
    }

    fn with_time(self, hour: u32, minute: u32, second: u32) -> Cursor {
        Cursor {
            hour,
            minute,
            second,
            ..self
        }
    }

    fn next_day(self) -> Cursor {
        if self.day < days_in_month(self.year, self.month) {
            return Cursor {
                day: self.day + 1,
                ..self
            }
            .with_time(0, 0, 0);
        }
        if self.month < 12 {
            return Cursor::month_start(self.year, self.month + 1);
        }
        Cursor::year_start(self.year + 1)
    }

    fn next_hour(self) -> Cursor {
        match self.hour {
            23 => self.next_day(),
            hour => self.with_time(hour + 1, 0, 0),
        }
    }

    fn next_minute(self) -> Cursor {
        match self.minute {
            59 => self.next_hour(),
            minute => self.with_time(self.hour, minute + 1, 0),
        }
    }

    /// Quartz's day-of-week number: 1 = Sunday ... 7 = Saturday.
    fn weekday(&self) -> u32 {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)
            .map_or(0, |date| date.weekday().num_days_from_sunday() + 1)
    }

    fn naive(&self) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)?.and_hms_opt(
            self.hour,
            self.minute,
            self.second,
        )
    }
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------------------
// JSON period

/// The JSON plan: every `PeriodLength` `PeriodType`s from `StartAt` (or, without one, from
/// the anchor the caller gives: the creation time for a RepeatPlan, the failure for a
/// RetryOnFailPlan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    start: Option<Start>,
    length: u32,
    unit: PeriodType,
}

/// When a period plan starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// Given with an offset (or `Z`).
    At(DateTime<Utc>),
    /// Given without an offset: a wall-clock time in the caller's zone.
    Local(NaiveDateTime),
}

/// A period's unit. A month is a calendar month in the caller's zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodType {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

impl PeriodType {
    const ALL: [(PeriodType, &'static str); 6] = [
        (PeriodType::Second, "Second"),
        (PeriodType::Minute, "Minute"),
        (PeriodType::Hour, "Hour"),
        (PeriodType::Day, "Day"),
        (PeriodType::Week, "Week"),
        (PeriodType::Month, "Month"),
    ];

    fn parse(text: &str) -> Option<PeriodType> {
        Self::ALL
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(text.trim()))
            .map(|(unit, _)| *unit)
    }

    /// Seconds in one unit; None for a month (its length varies).
    fn seconds(self) -> Option<i128> {
        match self {
            PeriodType::Second => Some(1),
            PeriodType::Minute => Some(60),
            PeriodType::Hour => Some(3600),
            PeriodType::Day => Some(86_400),
            PeriodType::Week => Some(604_800),
            PeriodType::Month => None,
        }
    }
}

impl Period {
    /// `{"StartAt": "2025-01-01T12:00:00+00:00", "PeriodLength": 1, "PeriodType": "Day"}`;
    /// keys case-insensitive, `StartAt` optional (or null), `PeriodLength` a whole number ≥ 1
    /// (a JSON number or numeric string), no other keys.
    pub fn parse(text: &str) -> Result<Period, PlanError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| PlanError(format!("the plan is not valid JSON: {e}")))?;
        let Value::Object(object) = value else {
            return error("a JSON plan is an object");
        };
        let (mut start, mut length, mut unit) = (None, None, None);
        for (key, value) in &object {
            match key.to_ascii_lowercase().as_str() {
                "startat" => once(&mut start, key, start_at(value)?)?,
                "periodlength" => once(&mut length, key, period_length(value)?)?,
                "periodtype" => once(&mut unit, key, period_type(value)?)?,
                _ => return error(format!("the plan has an unknown key \"{key}\"")),
            }
        }
        Ok(Period {
            start: start.flatten(),
            length: length.ok_or_else(|| PlanError("the plan has no PeriodLength".into()))?,
            unit: unit.ok_or_else(|| PlanError("the plan has no PeriodType".into()))?,
        })
    }

    pub fn length(&self) -> u32 {
        self.length
    }

    pub fn unit(&self) -> PeriodType {
        self.unit
    }

    /// The first fire time and its k.
    fn base(&self, zone: FixedOffset, anchor: DateTime<Utc>) -> Option<(DateTime<Utc>, i128)> {
        match self.start {
            Some(Start::At(at)) => Some((at, 0)),
            Some(Start::Local(local)) => Some((from_local(local, zone)?, 0)),
            None => Some((anchor, 1)),
        }
    }

    fn step_nanos(&self) -> Option<i128> {
        Some(self.unit.seconds()? * i128::from(self.length) * NANOS)
    }

    fn next_after(
        &self,
        t: DateTime<Utc>,
        zone: FixedOffset,
        anchor: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let (base, k0) = self.base(zone, anchor)?;
        let fire = match self.step_nanos() {
            Some(step) => {
                let k = first_k_after(nanos_between(base, t), step).max(k0);
                add_nanos(base, k.checked_mul(step)?)?
            }
            None => self.next_month_after(t, zone, base, k0)?,
        };
        (fire < horizon()).then_some(fire)
    }

    /// How many fire times lie in (lo, hi], computed (None for a month plan, which is
    /// counted by walking).
    fn count_in(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        zone: FixedOffset,
        anchor: DateTime<Utc>,
    ) -> Option<usize> {
        let step = self.step_nanos()?;
        let Some((base, k0)) = self.base(zone, anchor) else {
            return Some(0);
        };
        // Fire times before the horizon only: the last is strictly before it.
        let hi = nanos_between(base, hi).min(nanos_between(base, horizon()) - 1);
        let first = first_k_after(nanos_between(base, lo), step).max(k0);
        let last = hi.div_euclid(step);
        Some(usize::try_from(last - first + 1).unwrap_or(0))
    }

    /// Month plans: StartAt + k·n calendar months, each computed from StartAt, so a day
    /// clamped in a short month comes back (Jan 31, Feb 28/29, Mar 31, Apr 30, ...).
    fn next_month_after(
        &self,
        t: DateTime<Utc>,
        zone: FixedOffset,
        base: DateTime<Utc>,
        k0: i128,
    ) -> Option<DateTime<Utc>> {
        let base = to_local(base, zone)?;
        let now = to_local(t, zone)?;
        let months = i128::from(now.year() - base.year()) * 12 + i128::from(now.month())
            - i128::from(base.month());
        // One period before the estimate is at or before `t`; a few steps find the first after.
        let first = (months.div_euclid(i128::from(self.length)) - 1).max(k0);
        (first..first + 4)
            .map_while(|k| self.month_fire(base, zone, k))
            .find(|&fire| fire > t)
    }

    /// The k-th fire time of a month plan whose first is `base` (wall-clock in `zone`).
    fn month_fire(&self, base: NaiveDateTime, zone: FixedOffset, k: i128) -> Option<DateTime<Utc>> {
        let total = u32::try_from(k.checked_mul(i128::from(self.length))?).ok()?;
        from_local(base.checked_add_months(Months::new(total))?, zone)
    }
}

/// The smallest k with k·step > offset.
fn first_k_after(offset: i128, step: i128) -> i128 {
    offset.div_euclid(step) + 1
}

/// Keeps a key's value, refusing a second spelling of the same key (`Take` and `take`).
fn once<T>(slot: &mut Option<T>, key: &str, value: T) -> Result<(), PlanError> {
    if slot.is_some() {
        return error(format!("the plan gives {key} twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn start_at(value: &Value) -> Result<Option<Start>, PlanError> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => parse_start(text).map(Some).ok_or_else(|| {
            PlanError(format!(
                "StartAt \"{text}\" is not an ISO 8601 date and time"
            ))
        }),
        _ => error("StartAt must be a date and time as a string"),
    }
}

/// ISO 8601 with an offset or `Z` (a time instant), or without one (wall-clock time in the
/// caller's zone); a date alone is its midnight.
fn parse_start(text: &str) -> Option<Start> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(Start::At(at.to_utc()));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(at) = DateTime::parse_from_str(text, format) {
            return Some(Start::At(at.to_utc()));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Start::Local(local));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(Start::Local(date.and_hms_opt(0, 0, 0)?))
}

fn period_length(value: &Value) -> Result<u32, PlanError> {
    let length = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    };
    match length.and_then(|n| u32::try_from(n).ok()) {
        Some(length) if length >= 1 => Ok(length),
        _ => error(format!(
            "PeriodLength {value} is not a whole number from 1 to {}",
            u32::MAX
        )),
    }
}

fn period_type(value: &Value) -> Result<PeriodType, PlanError> {
    value.as_str().and_then(PeriodType::parse).ok_or_else(|| {
        PlanError(format!(
            "PeriodType {value} is not one of Second, Minute, Hour, Day, Week, Month"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn zone(hours: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600).unwrap()
    }

    fn plan(text: &str) -> Plan {
        Plan::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    /// The first `n` fire times after `from`, in UTC with anchor = `from`.
    fn fires(text: &str, from: &str, z: i32, n: usize) -> Vec<String> {
        let plan = plan(text);
        let mut at = utc(from);
        let mut out = Vec::new();
        for _ in 0..n {
            let Some(next) = plan.next_after(at, zone(z), utc(from)) else {
                break;
            };
            assert!(next > at);
            out.push(next.to_rfc3339());
            at = next;
        }
        out
    }

    #[test]
    fn the_seed_repeat_plan_fires_at_noon_every_fourth_day() {
        assert_eq!(
            fires("0 0 12 1/4 * ? *", "2025-01-20T12:00:00Z", 0, 5),
            [
                "2025-01-21T12:00:00+00:00",
                "2025-01-25T12:00:00+00:00",
                "2025-01-29T12:00:00+00:00",
                "2025-02-01T12:00:00+00:00",
                "2025-02-05T12:00:00+00:00",
            ]
        );
    }

    #[test]
    fn the_seed_retry_plan_fires_every_fifteen_minutes() {
        assert_eq!(
            fires("0 0/15 * 1/1 * ? *", "2025-12-31T23:31:10.5Z", 0, 3),
            [
                "2025-12-31T23:45:00+00:00",
                "2026-01-01T00:00:00+00:00",
                "2026-01-01T00:15:00+00:00",
            ]
        );
        // Strictly after: a fire time itself is not its own next.
        assert_eq!(
            fires("0 0/15 * 1/1 * ? *", "2025-01-01T00:15:00Z", 0, 1),
            ["2025-01-01T00:30:00+00:00"]
        );
    }

    #[test]
    fn cron_fields_are_read_in_the_zone() {
        assert_eq!(
            fires("0 0 12 * * ?", "2025-03-01T10:00:00Z", 3, 2),
            ["2025-03-02T09:00:00+00:00", "2025-03-03T09:00:00+00:00"]
        );
        // Midnight on the 1st in +03:00 is 21:00 on the last day of the month before.
        assert_eq!(
            fires("0 0 0 1 * ?", "2025-01-15T00:00:00Z", 3, 2),
            ["2025-01-31T21:00:00+00:00", "2025-02-28T21:00:00+00:00"]
        );
    }

    #[test]
    fn leap_days_and_short_months() {
        assert_eq!(
            fires("0 0 0 29 2 ?", "2025-01-01T00:00:00Z", 0, 3),
            [
                "2028-02-29T00:00:00+00:00",
                "2032-02-29T00:00:00+00:00",
                "2036-02-29T00:00:00+00:00",
            ]
        );
        assert_eq!(
            fires("0 0 0 31 * ?", "2025-01-31T00:00:00Z", 0, 3),
            [
                "2025-03-31T00:00:00+00:00",
                "2025-05-31T00:00:00+00:00",
                "2025-07-31T00:00:00+00:00",
            ]
        );
        // 2100 is not a leap year.
        assert_eq!(
            fires("0 0 0 29 2 ? 2097-2104", "2097-01-01T00:00:00Z", 0, 3),
            ["2104-02-29T00:00:00+00:00"]
        );
        assert!(fires("0 0 0 30 2 ?", "2025-01-01T00:00:00Z", 0, 1).is_empty());
        assert!(fires("0 0 0 31 APR,JUN ?", "2025-01-01T00:00:00Z", 0, 1).is_empty());
    }

    #[test]
    fn the_year_field_bounds_the_plan() {
        assert_eq!(
            fires("0 30 6 1 JAN ? 2026,2028", "2025-06-01T00:00:00Z", 0, 3),
            ["2026-01-01T06:30:00+00:00", "2028-01-01T06:30:00+00:00"]
        );
        assert_eq!(
            fires("0 0 0 1 1 ? 2030/50", "2025-06-01T00:00:00Z", 0, 9),
            [
                "2030-01-01T00:00:00+00:00",
                "2080-01-01T00:00:00+00:00",
                "2130-01-01T00:00:00+00:00",
                "2180-01-01T00:00:00+00:00",
            ]
        );
        // Without a year the search still ends at 2199.
        let last = fires("0 0 0 1 1 ?", "2198-06-01T00:00:00Z", 0, 5);
        assert_eq!(last, ["2199-01-01T00:00:00+00:00"]);
        assert!(fires("0 0 0 1 1 ? 2020", "2025-06-01T00:00:00Z", 0, 1).is_empty());
    }

    #[test]
    fn lists_ranges_steps_and_names() {
        assert_eq!(
            fires("5,10-11,50/5 0 0 * * ?", "2025-01-01T00:00:00Z", 0, 6),
            [
                "2025-01-01T00:00:05+00:00",
                "2025-01-01T00:00:10+00:00",
                "2025-01-01T00:00:11+00:00",
                "2025-01-01T00:00:50+00:00",
                "2025-01-01T00:00:55+00:00",
                "2025-01-02T00:00:05+00:00",
            ]
        );
        assert_eq!(
            fires("0 0 9-17/4 ? * MON-FRI", "2025-01-03T10:00:00Z", 0, 4),
            [
                "2025-01-03T13:00:00+00:00",
                "2025-01-03T17:00:00+00:00",
                "2025-01-06T09:00:00+00:00",
                "2025-01-06T13:00:00+00:00",
            ]
        );
        // 1 = Sunday; a range may wrap (FRI-MON).
        assert_eq!(
            fires("0 0 0 ? * 1", "2025-01-01T00:00:00Z", 0, 1),
            ["2025-01-05T00:00:00+00:00"]
        );
        assert_eq!(
            fires("0 0 0 ? * fri-mon", "2025-01-01T00:00:00Z", 0, 5),
            [
                "2025-01-03T00:00:00+00:00",
                "2025-01-04T00:00:00+00:00",
                "2025-01-05T00:00:00+00:00",
                "2025-01-06T00:00:00+00:00",
                "2025-01-10T00:00:00+00:00",
            ]
        );
        assert_eq!(
            fires("0 0 0 1 */5 ?", "2025-01-01T00:00:00Z", 0, 3),
            [
                "2025-06-01T00:00:00+00:00",
                "2025-11-01T00:00:00+00:00",
                "2026-01-01T00:00:00+00:00",
            ]
        );
        assert_eq!(
            fires("0 0 0 1 Feb,dec ?", "2025-01-01T00:00:00Z", 0, 2),
            ["2025-02-01T00:00:00+00:00", "2025-12-01T00:00:00+00:00"]
        );
    }

    #[test]
    fn both_day_fields_restricted_fire_on_either() {
        // The 13th, or any Friday (2025-06-13 is both).
        assert_eq!(
            fires("0 0 0 13 * FRI", "2025-06-01T00:00:00Z", 0, 4),
            [
                "2025-06-06T00:00:00+00:00",
                "2025-06-13T00:00:00+00:00",
                "2025-06-20T00:00:00+00:00",
                "2025-06-27T00:00:00+00:00",
            ]
        );
    }

    #[test]
    fn bad_cron_plans_are_refused_with_a_reason() {
        for (text, says) in [
            ("", "empty"),
            ("0 0 12 * *", "6 or 7 fields"),
            ("0 0 12 * * ? * *", "6 or 7 fields"),
            ("60 0 12 * * ?", "seconds"),
            ("0 0 24 * * ?", "hours"),
            ("0 0 0 0 * ?", "day-of-month"),
            ("0 0 0 * 13 ?", "month"),
            ("0 0 0 ? * 0", "day-of-week"),
            ("0 0 0 ? * 8", "day-of-week"),
            ("0 0 0 1 1 ? 1969", "year"),
            ("0 0 0 1 1 ? 2200", "year"),
            ("0 0 0 1 1 ? 2030-2020", "backwards"),
            ("0 0/0 * * * ?", "step"),
            ("0 0/x * * * ?", "step"),
            ("0 1,,2 * * * ?", "minutes"),
            ("0 - * * * ?", "minutes"),
            ("0 0 0 L * ?", "not supported"),
            ("0 0 0 15W * ?", "not supported"),
            ("0 0 0 ? * 6#3", "not supported"),
            ("0 0 0 ? * 6L", "not supported"),
            ("0 0 0 ? * FOO", "day-of-week"),
            ("0 0 0 1 JANUARY ?", "month"),
            ("0 0 99999999999 * * ?", "hours"),
            ("{", "not valid JSON"),
        ] {
            let PlanError(why) = Plan::parse(text).unwrap_err();
            assert!(why.contains(says), "{text}: {why}");
        }
    }

    #[test]
    fn json_plans_count_from_start_at() {
        let day =
            r#"{"StartAt": "2025-01-01T12:00:00+00:00", "PeriodLength": 1, "PeriodType": "Day"}"#;
        assert_eq!(
            fires(day, "2024-12-01T00:00:00Z", 0, 2),
            ["2025-01-01T12:00:00+00:00", "2025-01-02T12:00:00+00:00"]
        );
        assert_eq!(
            fires(day, "2025-03-10T12:00:00Z", 0, 1),
            ["2025-03-11T12:00:00+00:00"]
        );
        // Without an offset StartAt is read in the zone; keys and units any case.
        let local =
            r#"{"startat": "2025-01-01 12:00:00", "periodlength": "2", "periodtype": "hour"}"#;
        assert_eq!(
            fires(local, "2025-01-01T00:00:00Z", 3, 2),
            ["2025-01-01T09:00:00+00:00", "2025-01-01T11:00:00+00:00"]
        );
        let weeks =
            r#"{"StartAt": "2025-01-06T00:00:00.5Z", "PeriodLength": 2, "PeriodType": "WEEK"}"#;
        assert_eq!(
            fires(weeks, "2025-01-06T00:00:00.5Z", 0, 1),
            ["2025-01-20T00:00:00.500+00:00"]
        );
    }

    #[test]
    fn json_plans_without_start_count_from_the_anchor() {
        let retry = plan(r#"{"PeriodLength": 5, "PeriodType": "Minute"}"#);
        let failed = utc("2025-01-01T10:00:00Z");
        let z = zone(3);
        assert_eq!(
            retry.next_after(failed, z, failed),
            Some(utc("2025-01-01T10:05:00Z"))
        );
        assert_eq!(
            retry.next_after(utc("2025-01-01T09:00:00Z"), z, failed),
            Some(utc("2025-01-01T10:05:00Z"))
        );
        assert_eq!(
            retry.next_after(utc("2025-01-01T10:07:00Z"), z, failed),
            Some(utc("2025-01-01T10:10:00Z"))
        );
    }

    #[test]
    fn month_plans_clamp_the_day_and_come_back() {
        let monthly =
            r#"{"StartAt": "2024-01-31T10:00:00Z", "PeriodLength": 1, "PeriodType": "Month"}"#;
        assert_eq!(
            fires(monthly, "2024-01-01T00:00:00Z", 0, 5),
            [
                "2024-01-31T10:00:00+00:00",
                "2024-02-29T10:00:00+00:00",
                "2024-03-31T10:00:00+00:00",
                "2024-04-30T10:00:00+00:00",
                "2024-05-31T10:00:00+00:00",
            ]
        );
        assert_eq!(
            fires(monthly, "2025-02-01T00:00:00Z", 0, 1),
            ["2025-02-28T10:00:00+00:00"]
        );
        // Calendar months in the zone: 31 Jan 01:00 at +03:00 is 30 Jan 22:00 UTC.
        let zoned =
            r#"{"StartAt": "2025-01-31T01:00:00+03:00", "PeriodLength": 3, "PeriodType": "month"}"#;
        assert_eq!(
            fires(zoned, "2025-02-01T00:00:00Z", 3, 2),
            ["2025-04-29T22:00:00+00:00", "2025-07-30T22:00:00+00:00"]
        );
    }

    #[test]
    fn bad_json_plans_are_refused_with_a_reason() {
        for (text, says) in [
            ("[1]", "6 or 7 fields"),
            (
                "{\"PeriodLength\": 1, \"PeriodType\": \"Day\"",
                "not valid JSON",
            ),
            ("\"x\"", "6 or 7 fields"),
            ("{} ", "no PeriodLength"),
            (r#"{"PeriodType": "Day"}"#, "no PeriodLength"),
            (r#"{"PeriodLength": 1}"#, "no PeriodType"),
            (
                r#"{"PeriodLength": 0, "PeriodType": "Day"}"#,
                "PeriodLength",
            ),
            (
                r#"{"PeriodLength": -1, "PeriodType": "Day"}"#,
                "PeriodLength",
            ),
            (
                r#"{"PeriodLength": 1.5, "PeriodType": "Day"}"#,
                "PeriodLength",
            ),
            (
                r#"{"PeriodLength": "x", "PeriodType": "Day"}"#,
                "PeriodLength",
            ),
            (
                r#"{"PeriodLength": 5000000000, "PeriodType": "Day"}"#,
                "PeriodLength",
            ),
            (r#"{"PeriodLength": 1, "PeriodType": "Year"}"#, "PeriodType"),
            (r#"{"PeriodLength": 1, "PeriodType": 1}"#, "PeriodType"),
            (
                r#"{"PeriodLength": 1, "PeriodType": "Day", "StartAt": "soon"}"#,
                "StartAt",
            ),
            (
                r#"{"PeriodLength": 1, "PeriodType": "Day", "StartAt": 5}"#,
                "StartAt",
            ),
            (
                r#"{"PeriodLength": 1, "PeriodType": "Day", "Every": 1}"#,
                "unknown key",
            ),
            (
                r#"{"PeriodLength": 1, "periodLength": 2, "PeriodType": "Day"}"#,
                "twice",
            ),
        ] {
            let PlanError(why) = Plan::parse(text).unwrap_err();
            assert!(why.contains(says), "{text}: {why}");
        }
        let null_start = plan(r#"{"StartAt": null, "PeriodLength": 1, "PeriodType": "Day"}"#);
        assert_eq!(
            null_start,
            plan(r#"{"PeriodLength": 1, "PeriodType": "Day"}"#)
        );
    }

    #[test]
    fn far_future_periods_never_fire() {
        let huge = plan(
            r#"{"StartAt": "2199-12-31T00:00:00Z", "PeriodLength": 4294967295, "PeriodType": "Week"}"#,
        );
        let z = zone(0);
        let at = utc("2199-12-31T00:00:00Z");
        assert_eq!(huge.next_after(at, z, at), None);
        assert_eq!(huge.next_after(DateTime::<Utc>::MAX_UTC, z, at), None);
        assert_eq!(
            huge.count_in(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC, z, at, 9),
            1
        );
        let cron = plan("* * * * * ?");
        assert_eq!(cron.next_after(DateTime::<Utc>::MAX_UTC, z, at), None);
        assert!(cron
            .next_after(DateTime::<Utc>::MIN_UTC, zone(12), at)
            .is_some());
        // Too early to be read in a zone west of UTC: no answer, and no panic.
        let _ = cron.next_after(DateTime::<Utc>::MIN_UTC, zone(-12), at);
    }

    /// A one-second plan over a year has 31.5 million fire times: the searches must not
    /// walk them (a walk would take minutes in a debug build).
    #[test]
    fn searches_over_a_year_of_seconds_are_fast() {
        let lo = utc("2025-01-01T00:00:00Z");
        let hi = utc("2026-01-01T00:00:00Z");
        let z = zone(3);
        for text in [
            "* * * * * ?",
            r#"{"PeriodLength": 1, "PeriodType": "Second"}"#,
        ] {
            let plan = plan(text);
            assert_eq!(plan.last_in(lo, hi, z, lo), Some(hi), "{text}");
            assert_eq!(plan.count_in(lo, hi, z, lo, 1000), 1000);
            let expect = hi - TimeDelta::seconds(999);
            assert_eq!(
                plan.nth_last_in(lo, hi, z, lo, 1000),
                Some(expect),
                "{text}"
            );
            assert_eq!(plan.nth_last_in(lo, hi, z, lo, 1), Some(hi));
            assert_eq!(plan.last_in(lo, lo, z, lo), None);
            assert_eq!(plan.nth_last_in(lo, hi, z, lo, 0), None);
            let bit_before = hi - TimeDelta::milliseconds(1);
            assert_eq!(
                plan.last_in(lo, bit_before, z, lo),
                Some(hi - TimeDelta::seconds(1))
            );
        }
        let period = plan(r#"{"PeriodLength": 1, "PeriodType": "Second"}"#);
        assert_eq!(period.count_in(lo, hi, z, lo, usize::MAX), 365 * 86_400);
        assert_eq!(
            period.nth_last_in(lo, hi, z, lo, 365 * 86_400),
            Some(lo + TimeDelta::seconds(1))
        );
        assert_eq!(period.nth_last_in(lo, hi, z, lo, 365 * 86_400 + 1), None);
    }

    #[test]
    fn searches_agree_with_walking_on_a_sparse_plan() {
        let plan = plan("0 0 12 1/4 * ? *");
        let (lo, hi, z) = (
            utc("2025-01-01T12:00:00Z"),
            utc("2025-03-01T12:00:00Z"),
            zone(3),
        );
        let mut walked = Vec::new();
        let mut at = lo;
        while let Some(next) = plan.next_after(at, z, lo).filter(|&f| f <= hi) {
            walked.push(next);
            at = next;
        }
        assert_eq!(plan.count_in(lo, hi, z, lo, 100), walked.len());
        for n in 1..=walked.len() {
            assert_eq!(
                plan.nth_last_in(lo, hi, z, lo, n),
                Some(walked[walked.len() - n])
            );
        }
        assert_eq!(plan.nth_last_in(lo, hi, z, lo, walked.len() + 1), None);
        assert_eq!(plan.last_in(lo, hi, z, lo), walked.last().copied());
        let month = Plan::parse(
            r#"{"StartAt": "2024-01-31T00:00:00Z", "PeriodLength": 1, "PeriodType": "Month"}"#,
        )
        .unwrap();
        let (lo, hi) = (utc("2024-01-01T00:00:00Z"), utc("2024-12-31T00:00:00Z"));
        assert_eq!(month.count_in(lo, hi, z, lo, 100), 12);
        assert_eq!(
            month.nth_last_in(lo, hi, z, lo, 12),
            Some(utc("2024-01-31T00:00:00Z"))
        );
        assert_eq!(
            month.last_in(lo, hi, z, lo),
            Some(utc("2024-12-31T00:00:00Z"))
        );
    }
}
