//! Quartz cron plans: seven fields (the year optional), each a set of values, and the next
//! time they all match, found field by field.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};

use super::{error, from_local, to_local, PlanError, LAST_YEAR};

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

    pub(super) fn next_after(&self, t: DateTime<Utc>, zone: FixedOffset) -> Option<DateTime<Utc>> {
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
