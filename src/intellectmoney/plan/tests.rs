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
    let day = r#"{"StartAt": "2025-01-01T12:00:00+00:00", "PeriodLength": 1, "PeriodType": "Day"}"#;
    assert_eq!(
        fires(day, "2024-12-01T00:00:00Z", 0, 2),
        ["2025-01-01T12:00:00+00:00", "2025-01-02T12:00:00+00:00"]
    );
    assert_eq!(
        fires(day, "2025-03-10T12:00:00Z", 0, 1),
        ["2025-03-11T12:00:00+00:00"]
    );
    // Without an offset StartAt is read in the zone; keys and units any case.
    let local = r#"{"startat": "2025-01-01 12:00:00", "periodlength": "2", "periodtype": "hour"}"#;
    assert_eq!(
        fires(local, "2025-01-01T00:00:00Z", 3, 2),
        ["2025-01-01T09:00:00+00:00", "2025-01-01T11:00:00+00:00"]
    );
    let weeks = r#"{"StartAt": "2025-01-06T00:00:00.5Z", "PeriodLength": 2, "PeriodType": "WEEK"}"#;
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
