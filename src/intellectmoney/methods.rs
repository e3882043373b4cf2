//! The methods served under `/personal/`: what each reads from the body, checks, and
//! answers (dialects.md 3.2, 3.5). The HTTP edge (`http.rs`) has already checked the Bearer
//! token and the `Sign`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::fields::Fields;
use super::plan::Plan;
use super::reply::{why, Answer, ListedOperation, State};
use super::schedule::{Operation, PlanText, Settings};
use super::sign::{self, Signature};
use super::IntellectMoney;

/// `Take` above this is cut to it.
const MAX_TAKE: usize = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    GetUserToken,
    GetScheduled,
    SetScheduled,
    Deactivate,
}

impl Method {
    const ALL: [Method; 4] = [
        Method::GetUserToken,
        Method::GetScheduled,
        Method::SetScheduled,
        Method::Deactivate,
    ];

    /// The method `/personal/{group}/{name}` names, matched case-insensitively.
    pub fn find(group: &str, name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|method| {
            let (g, n) = method.path();
            g.eq_ignore_ascii_case(group) && n.eq_ignore_ascii_case(name)
        })
    }

    fn path(self) -> (&'static str, &'static str) {
        match self {
            Method::GetUserToken => ("user", "getUserToken"),
            Method::GetScheduled => ("scheduler", "getScheduledOperationData"),
            Method::SetScheduled => ("scheduler", "setScheduledOperationData"),
            Method::Deactivate => ("recurring", "deactivate"),
        }
    }

    /// The name journal entries and fault plans use: the method's own.
    pub fn name(self) -> &'static str {
        self.path().1
    }

    pub fn signature(self) -> &'static Signature {
        match self {
            Method::GetUserToken => &sign::GET_USER_TOKEN,
            Method::GetScheduled => &sign::GET_SCHEDULED,
            Method::SetScheduled => &sign::SET_SCHEDULED,
            Method::Deactivate => &sign::DEACTIVATE,
        }
    }

    pub fn serve(self, door: &IntellectMoney, fields: &Fields) -> Answer {
        door.engine.catch_up();
        let answer = match self {
            Method::GetUserToken => Ok(get_user_token(door, fields)),
            Method::GetScheduled => with_user(door, fields, get_scheduled),
            Method::SetScheduled => with_user(door, fields, set_scheduled),
            Method::Deactivate => with_user(door, fields, deactivate),
        };
        answer.unwrap_or_else(|refused| refused)
    }
}

type Served = Result<Answer, Answer>;

/// Runs `method` for a known, unexpired `UserToken`; any other is handled with
/// `Result.State` 2.
fn with_user(
    door: &IntellectMoney,
    fields: &Fields,
    method: fn(&IntellectMoney, &Fields) -> Served,
) -> Served {
    let token = fields.text("UserToken").unwrap_or_default();
    if !door.user_token_valid(&token) {
        return Ok(Answer::user_not_authorised());
    }
    method(door, fields)
}

fn get_user_token(door: &IntellectMoney, fields: &Fields) -> Answer {
    let login = fields.text("Login").unwrap_or_default();
    let password = fields.text("Password").unwrap_or_default();
    if door.world.logins.get(&login) != Some(&password) {
        return Answer::handled_with(State::refused("Неверный логин или пароль"));
    }
    Answer::handled(&json!({"UserToken": door.issue_user_token()}))
}

fn get_scheduled(door: &IntellectMoney, fields: &Fields) -> Served {
    let take = read(fields, "Take", number::<usize>)?
        .ok_or_else(|| Answer::refused(why::bad_value("Take")))?
        .min(MAX_TAKE);
    let skip = read(fields, "Skip", number::<usize>)?.unwrap_or(0);
    let filter = Filter::read(door, fields)?;
    let (now, _) = door.now();
    // One operation asked for by id (the seed's request) is looked up, not searched for.
    let found: Vec<Operation> = match filter.operation {
        Some(id) => (skip == 0 && take > 0)
            .then(|| door.runs.schedule.get(id))
            .flatten()
            .filter(|operation| filter.keeps(operation))
            .into_iter()
            .collect(),
        None => door
            .runs
            .schedule
            .page(|operation| filter.keeps(operation), skip, take),
    };
    for operation in found.iter().filter(|o| o.runs_at(now, door.zone)) {
        door.keep_planned(operation.id);
    }
    let listed: Vec<ListedOperation> = found
        .iter()
        .map(|operation| ListedOperation::new(operation, door.zone, now))
        .collect();
    Ok(operation_list(listed))
}

fn operation_list(listed: Vec<ListedOperation>) -> Answer {
    #[derive(serde::Serialize)]
    struct List {
        #[serde(rename = "ScheduledOperationList")]
        list: Vec<ListedOperation>,
    }
    Answer::handled(&List { list: listed })
}

/// `getScheduledOperationData`'s selection: every field sent narrows it.
struct Filter {
    operation: Option<Uuid>,
    object_id: Option<u64>,
    object_type: Option<u8>,
    params: Option<String>,
    repeat_plan: Option<String>,
    retry_plan: Option<String>,
    retry_count: Option<u32>,
    is_single: Option<bool>,
    fire_on_skip: Option<bool>,
    active: Option<bool>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

impl Filter {
    fn read(door: &IntellectMoney, fields: &Fields) -> Result<Filter, Answer> {
        let date = |name| read(fields, name, |text| local_date_time(door, text));
        Ok(Filter {
            operation: read(fields, "Operation", guid)?,
            object_id: read(fields, "ObjectId", object_id)?,
            object_type: read(fields, "ObjectTypeVal", number::<u8>)?,
            params: read(fields, "ParamsJson", |_| params_json(fields))?,
            repeat_plan: fields.text("RepeatPlan").filter(|t| !t.is_empty()),
            retry_plan: fields.text("RetryOnFailPlan").filter(|t| !t.is_empty()),
            retry_count: read(fields, "RetryOnFailCount", number::<u32>)?,
            is_single: read(fields, "IsSingle", flag)?,
            fire_on_skip: read(fields, "FireOnSkip", flag)?,
            active: read(fields, "State", flag)?,
            from: date("DateFrom")?,
            to: date("DateTo")?,
        })
    }

    fn keeps(&self, operation: &Operation) -> bool {
        let settings = &operation.settings;
        is(&self.operation, operation.id)
            && is(&self.object_id, settings.object_id)
            && is(&self.object_type, 1)
            && is(&self.params, settings.params.clone())
            && is(&self.repeat_plan, settings.repeat.text.clone())
            && is(
                &self.retry_plan,
                settings
                    .retry
                    .as_ref()
                    .map(|p| p.text.clone())
                    .unwrap_or_default(),
            )
            && is(&self.retry_count, settings.retry_count)
            && is(&self.is_single, settings.is_single)
            && is(&self.fire_on_skip, settings.fire_on_skip)
            && is(&self.active, settings.active)
            && self.from.is_none_or(|from| operation.created >= from)
            && self.to.is_none_or(|to| operation.created <= to)
    }
}

/// A selection field: not sent, or equal.
fn is<T: PartialEq>(wanted: &Option<T>, value: T) -> bool {
    wanted.as_ref().is_none_or(|wanted| *wanted == value)
}

/// Creates an operation (no `Operation`), or changes the one `Operation` names; answers it.
fn set_scheduled(door: &IntellectMoney, fields: &Fields) -> Served {
    let existing = match read(fields, "Operation", guid)? {
        Some(id) => Some(
            door.runs
                .schedule
                .get(id)
                .ok_or_else(|| Answer::refused(why::NO_OPERATION))?,
        ),
        None => None,
    };
    let settings = read_settings(door, fields, existing.as_ref().map(|o| &o.settings))?;
    let (now, _) = door.now();
    let id = match &existing {
        Some(operation) => {
            let replan = schedule_changed(&operation.settings, &settings);
            door.runs.schedule.update(operation.id, |operation| {
                operation.settings = settings;
                operation.changed = now;
            });
            if replan {
                door.replan(operation.id);
            }
            operation.id
        }
        None => {
            let id = door.new_guid();
            door.runs.schedule.insert(Operation {
                id,
                settings,
                created: now,
                changed: now,
                last_exec: None,
                next_run: None,
                executing: 0,
                runs: 0,
                skipped: 0,
            });
            door.replan(id);
            id
        }
    };
    let operation = door.runs.schedule.get(id).expect("just set");
    Ok(operation_list(vec![ListedOperation::new(
        &operation, door.zone, now,
    )]))
}

/// Whether the operation's next run must be planned again.
fn schedule_changed(old: &Settings, new: &Settings) -> bool {
    old.repeat.text != new.repeat.text || old.active != new.active || old.end_exec != new.end_exec
}

/// The operation's settings: those sent, the rest as they were (or their defaults on a
/// create, where `ObjectId` and `RepeatPlan` are required).
fn read_settings(
    door: &IntellectMoney,
    fields: &Fields,
    old: Option<&Settings>,
) -> Result<Settings, Answer> {
    let object_id = read(fields, "ObjectId", object_id)?.or(old.map(|s| s.object_id));
    let object_id = object_id.ok_or_else(|| Answer::refused(why::bad_value("ObjectId")))?;
    if !door.world.invoices.is_empty() && !door.world.invoices.contains(&object_id) {
        return Err(Answer::refused(why::bad_value("ObjectId")));
    }
    if read(fields, "ObjectTypeVal", number::<u8>)?.is_some_and(|kind| kind != 1) {
        return Err(Answer::refused(why::bad_value("ObjectTypeVal")));
    }
    let repeat = read(fields, "RepeatPlan", plan)?.or_else(|| old.map(|s| s.repeat.clone()));
    let repeat = repeat.ok_or_else(|| Answer::refused(why::bad_value("RepeatPlan")))?;
    let retry = match read(fields, "RetryOnFailPlan", plan)? {
        Some(plan) => Some(plan),
        None => old.and_then(|s| s.retry.clone()),
    };
    let old_or = |value: Option<_>, from_old: fn(&Settings) -> _, default| {
        value.or(old.map(from_old)).unwrap_or(default)
    };
    Ok(Settings {
        object_id,
        params: old_or(
            read(fields, "ParamsJson", |_| params_json(fields))?,
            |s| s.params.clone(),
            "{}".into(),
        ),
        repeat,
        retry,
        retry_count: read(fields, "RetryOnFailCount", number::<u32>)?
            .or(old.map(|s| s.retry_count))
            .unwrap_or(0),
        is_single: read(fields, "IsSingle", flag)?
            .or(old.map(|s| s.is_single))
            .unwrap_or(false),
        fire_on_skip: read(fields, "FireOnSkip", flag)?
            .or(old.map(|s| s.fire_on_skip))
            .unwrap_or(false),
        active: read(fields, "State", flag)?
            .or(old.map(|s| s.active))
            .unwrap_or(true),
        end_exec: read(fields, "EndExecDate", end_exec_date)?.or(old.and_then(|s| s.end_exec)),
    })
}

/// Deactivates every operation on a source invoice (and cancels their planned runs).
fn deactivate(door: &IntellectMoney, fields: &Fields) -> Served {
    let invoice = read(fields, "SourceInvoiceId", object_id)?
        .ok_or_else(|| Answer::refused(why::bad_value("SourceInvoiceId")))?;
    let (now, _) = door.now();
    let operations = door.runs.schedule.on_invoice(invoice);
    for &id in &operations {
        door.runs.schedule.update(id, |operation| {
            operation.settings.active = false;
            operation.changed = now;
        });
        door.replan(id);
    }
    Ok(Answer::result(&!operations.is_empty()))
}

/// A field read with `parse` when it was sent non-empty; a value `parse` refuses is
/// `Неверное значение параметра <Name>`.
fn read<T>(
    fields: &Fields,
    name: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, Answer> {
    match fields.text(name).map(|text| text.trim().to_owned()) {
        None => Ok(None),
        Some(text) if text.is_empty() => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| Answer::refused(why::bad_value(name))),
    }
}

fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    text.parse().ok()
}

/// `0`/`1` (and `true`/`false`, as JSON bodies send them).
fn flag(text: &str) -> Option<bool> {
    match text {
        "0" | "false" | "False" => Some(false),
        "1" | "true" | "True" => Some(true),
        _ => None,
    }
}

fn guid(text: &str) -> Option<Uuid> {
    text.parse().ok()
}

/// A source invoice number: ten digits starting with 3.
fn object_id(text: &str) -> Option<u64> {
    let shaped =
        text.len() == 10 && text.starts_with('3') && text.bytes().all(|b| b.is_ascii_digit());
    shaped.then(|| text.parse().ok()).flatten()
}

fn plan(text: &str) -> Option<PlanText> {
    Some(PlanText {
        text: text.to_owned(),
        plan: Plan::parse(text).ok()?,
    })
}

/// `ParamsJson`: a JSON object, sent as one or as its text; kept as compact JSON text
/// when sent as an object, as sent when sent as text.
fn params_json(fields: &Fields) -> Option<String> {
    match fields.json("ParamsJson") {
        Some(serde_json::Value::Object(map)) => serde_json::to_string(map).ok(),
        _ => {
            let text = fields.text("ParamsJson")?;
            let parsed: serde_json::Value = serde_json::from_str(&text).ok()?;
            parsed.is_object().then_some(text)
        }
    }
}

/// `EndExecDate`: `dd.MM.yyyy`, one-digit day and month allowed (`1.1.2099`).
fn end_exec_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%d.%m.%Y").ok()
}

/// `DateFrom`/`DateTo`: `yyyy-MM-dd HH:mm:ss` in the shop's zone.
fn local_date_time(door: &IntellectMoney, text: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok()?;
    Some(
        local
            .and_local_timezone(door.zone)
            .single()?
            .with_timezone(&Utc),
    )
}
