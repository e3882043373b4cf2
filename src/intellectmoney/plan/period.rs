//! JSON period plans: `StartAt` + k · `PeriodLength` `PeriodType`, counted without walking.

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::{add_nanos, error, from_local, horizon, nanos_between, to_local, PlanError, NANOS};

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

    pub(super) fn next_after(
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
    pub(super) fn count_in(
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
