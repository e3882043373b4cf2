//! The list machinery every `GET /<resources>` shares (dialects.md 2.6): the query read once
//! (filters, `limit`, `after_id`, `before_id`), exact and datetime filters, and one page of a
//! newest-first sequence as a list object.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{json, Value};

use super::reply::Error;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 1000;

/// A comparison in a datetime filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Exact,
    Gt,
    Gte,
    Lt,
    Lte,
}

/// `date_created[gte]=...`, `date_created__gte=...` or `date_created=...`, read once.
#[derive(Clone, Debug)]
struct DateFilter {
    field: String,
    op: Op,
    at: DateTime<Utc>,
    /// The value named milliseconds: compare to the millisecond, else to the second (the
    /// precision datetimes are shown with, so a shown value matches its own resource).
    precise: bool,
}

/// A list call's query.
#[derive(Clone, Debug, Default)]
pub struct Query {
    exact: Vec<(String, String)>,
    dates: Vec<DateFilter>,
    pub limit: usize,
    pub after_id: Option<String>,
    pub before_id: Option<String>,
}

const DATE_FIELDS: [&str; 5] = [
    "date_created",
    "date_started",
    "date_completed",
    "date_consumed",
    "date_expired",
];

impl Query {
    pub fn read(query: &str) -> Result<Query, Error> {
        let mut read = Query {
            limit: DEFAULT_LIMIT,
            ..Query::default()
        };
        for (name, value) in pairs(query) {
            match name.as_str() {
                "limit" => {
                    read.limit = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or_else(|| {
                            Error::invalid_parameter(
                                "limit",
                                format!("must be a whole number from 1 to {MAX_LIMIT}"),
                            )
                        })?
                }
                "after_id" => read.after_id = Some(value),
                "before_id" => read.before_id = Some(value),
                _ => match date_filter(&name) {
                    Some((field, op)) => {
                        let (at, precise) = parse_datetime(&value).ok_or_else(|| {
                            Error::invalid_parameter(&name, "must be an ISO 8601 datetime")
                        })?;
                        read.dates.push(DateFilter {
                            field: field.to_owned(),
                            op,
                            at,
                            precise,
                        });
                    }
                    None => read.exact.push((name, value)),
                },
            }
        }
        Ok(read)
    }

    /// The value an exact filter asks for.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.exact
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether `value` passes the exact filter `name` (any value when there is none).
    pub fn accepts(&self, name: &str, value: Option<&str>) -> bool {
        self.get(name).is_none_or(|wanted| value == Some(wanted))
    }

    /// Whether a resource's datetime `field` passes every filter on it; a filter on a
    /// datetime the resource has not got excludes it.
    pub fn accepts_date(&self, field: &str, value: Option<DateTime<Utc>>) -> bool {
        self.dates.iter().filter(|f| f.field == field).all(|f| {
            let Some(value) = value else {
                return false;
            };
            let value = if f.precise {
                value.timestamp_millis()
            } else {
                value.timestamp() * 1000
            };
            let at = f.at.timestamp_millis();
            match f.op {
                Op::Exact => value == at,
                Op::Gt => value > at,
                Op::Gte => value >= at,
                Op::Lt => value < at,
                Op::Lte => value <= at,
            }
        })
    }

    /// Checks an exact filter's value against the values it may take.
    pub fn check_one_of(&self, name: &str, allowed: &[&str]) -> Result<(), Error> {
        match self.get(name) {
            Some(value) if !allowed.contains(&value) => Err(Error::invalid_parameter(
                name,
                format!("must be one of {}", allowed.join(", ")),
            )),
            _ => Ok(()),
        }
    }
}

/// The field and comparison a parameter name asks for, if it is a datetime filter.
fn date_filter(name: &str) -> Option<(&str, Op)> {
    let ops = [
        ("gt", Op::Gt),
        ("gte", Op::Gte),
        ("lt", Op::Lt),
        ("lte", Op::Lte),
    ];
    if DATE_FIELDS.contains(&name) {
        return Some((name, Op::Exact));
    }
    let (field, op) = if let Some(open) = name.strip_suffix(']') {
        open.split_once('[')?
    } else {
        name.split_once("__")?
    };
    let op = ops.iter().find(|(n, _)| *n == op)?.1;
    DATE_FIELDS.contains(&field).then_some((field, op))
}

/// An ISO 8601 datetime with `Z`, an offset or none (UTC), or a date alone (its midnight
/// UTC); and whether it names fractions of a second.
pub fn parse_datetime(text: &str) -> Option<(DateTime<Utc>, bool)> {
    let text = text.trim();
    let precise = text.contains('.');
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some((at.with_timezone(&Utc), precise));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some((at.and_utc(), precise));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some((date.and_hms_opt(0, 0, 0)?.and_utc(), false))
}

/// The query's name=value pairs, decoded (`+` is a space, `%XX` a byte); a broken escape
/// stays as it was written.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 2;
            }
            (other, _, _) => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the cursors stand in a newest-first sequence of ids: every item lies strictly
/// between `before` (newer) and `after` (older).
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    before: Option<usize>,
    after: Option<usize>,
}

impl Window {
    /// Finds the query's cursors among `ids` (newest first); an id that is not there is an
    /// invalid parameter.
    pub fn find<'a>(query: &Query, ids: impl Iterator<Item = &'a str>) -> Result<Window, Error> {
        let mut window = Window::default();
        let (after, before) = (query.after_id.as_deref(), query.before_id.as_deref());
        if after.is_none() && before.is_none() {
            return Ok(window);
        }
        for (at, id) in ids.enumerate() {
            if Some(id) == after {
                window.after = Some(at);
            }
            if Some(id) == before {
                window.before = Some(at);
            }
        }
        if after.is_some() && window.after.is_none() {
            return Err(Error::invalid_parameter("after_id", "no such item"));
        }
        if before.is_some() && window.before.is_none() {
            return Err(Error::invalid_parameter("before_id", "no such item"));
        }
        Ok(window)
    }

    pub fn contains(&self, at: usize) -> bool {
        self.before.is_none_or(|b| at < b) && self.after.is_none_or(|a| at > a)
    }
}

/// One page of the matching items (each with its place in the newest-first sequence), as a
/// list object: `total_count` counts every match, `data` the first `limit` inside the window.
pub fn page<T>(
    matching: Vec<(usize, T)>,
    window: Window,
    query: &Query,
    url: &str,
    render: impl Fn(&T) -> Value,
) -> Value {
    let total = matching.len();
    let mut inside = matching.iter().filter(|(at, _)| window.contains(*at));
    let data: Vec<Value> = inside
        .by_ref()
        .take(query.limit)
        .map(|(_, item)| render(item))
        .collect();
    let has_more = inside.next().is_some();
    json!({"resource": "list", "data": data, "has_more": has_more, "total_count": total, "url": url})
}

/// A list object of items that is never paged (a task's results, a poll's errors).
pub fn whole(data: Vec<Value>, url: &str) -> Value {
    json!({"resource": "list", "data": data, "has_more": false, "total_count": data.len(), "url": url})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_filters_take_every_spelling() {
        let query = Query::read(
            "date_created[gte]=2024-01-01&date_created__lt=2024-01-02T00:00:00%2B01:00&state=succeeded&limit=5",
        )
        .unwrap();
        assert_eq!(query.limit, 5);
        assert_eq!(query.get("state"), Some("succeeded"));
        let at = |text: &str| parse_datetime(text).unwrap().0;
        assert!(query.accepts_date("date_created", Some(at("2024-01-01T12:00:00Z"))));
        assert!(!query.accepts_date("date_created", Some(at("2024-01-01T23:30:00Z"))));
        assert!(!query.accepts_date("date_created", None));
        assert!(query.accepts_date("date_started", None), "no filter on it");
        let exact = Query::read("date_started=2024-01-01T10:00:00").unwrap();
        assert!(exact.accepts_date("date_started", Some(at("2024-01-01T10:00:00.700Z"))));
        assert!(Query::read("date_created__gt=yesterday").is_err());
        assert!(Query::read("limit=0").is_err());
        assert!(Query::read("limit=1001").is_err());
        assert!(
            Query::read("date_created__between=x").is_ok(),
            "not a filter: ignored"
        );
    }

    #[test]
    fn queries_decode_and_never_panic_on_broken_escapes() {
        assert_eq!(
            pairs("a=%41+b&c=%4"),
            [("a".into(), "A b".into()), ("c".into(), "%4".into())]
        );
        assert_eq!(pairs("x=%zz%"), [("x".into(), "%zz%".into())]);
        assert_eq!(pairs("é=%C3%A9"), [("é".into(), "é".into())]);
    }

    #[test]
    fn a_window_lies_between_its_cursors() {
        let ids = ["e", "d", "c", "b", "a"];
        let query = Query::read("after_id=e&before_id=a").unwrap();
        let window = Window::find(&query, ids.iter().copied()).unwrap();
        let items: Vec<(usize, &str)> = ids.iter().copied().enumerate().collect();
        let query = Query { limit: 2, ..query };
        let page = page(items, window, &query, "/x", |s| Value::from(*s));
        assert_eq!(page["data"], json!(["d", "c"]));
        assert_eq!(page["has_more"], true);
        assert_eq!(page["total_count"], 5);
        let unknown = Query::read("after_id=zz").unwrap();
        assert!(Window::find(&unknown, ids.iter().copied()).is_err());
    }
}
