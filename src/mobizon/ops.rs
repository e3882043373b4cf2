//! Mobizon's operations and answer codes: taskqueue/getStatus, campaign/create and
//! campaign/addRecipients (dialects.md 1.5, 1.6).

use serde_json::{json, Map, Value};

use super::task::{AddRecipients, TaskKind};
use super::{Adding, Lang, Mobizon};
use crate::engine::StartError;
use crate::http::params::{Param, Params};

/// What a code 2 names when it is not a background task.
const CAMPAIGN: &str = "campaign";

/// The API codes the door answers (apiCode.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Success = 0,
    Validation = 1,
    NotFound = 2,
    ApplicationError = 3,
    WrongModule = 4,
    WrongMethod = 5,
    WrongFormat = 6,
    LoginError = 8,
    NoAccess = 9,
    SavingError = 10,
    MissingParameters = 11,
    ParameterViolation = 12,
    WrongServer = 13,
    AccountBlocked = 14,
    RateLimit = 30,
    PartlyDone = 98,
    NothingDone = 99,
    Background = 100,
    ServiceError = 999,
}

impl Code {
    /// The message, in the world's language; `detail` names what was wrong.
    fn message(self, lang: Lang, detail: &str) -> String {
        let (ru, en) = match self {
            Code::Success | Code::Background => return String::new(),
            Code::Validation => ("Ошибка валидации данных", "Data validation error"),
            Code::NotFound if detail == CAMPAIGN => ("Кампания не найдена.", "Campaign not found."),
            Code::NotFound => ("Фоновая задача не найдена.", "Background task not found."),
            Code::ApplicationError => ("Неизвестная ошибка приложения.", "Unidentified application error."),
            Code::WrongModule => ("Неверный модуль", "Wrong module"),
            Code::WrongMethod => ("Неверный метод", "Wrong method"),
            Code::WrongFormat => ("Неверный формат ответа", "Wrong response format"),
            Code::NoAccess => ("Нет доступа к этому методу", "No access to this method"),
            Code::WrongServer => (
                "Неверный сервер API для этого пользователя",
                "Wrong API server for this user",
            ),
            Code::LoginError => ("Ошибка авторизации: неверный ключ API.", "Login error: wrong API key."),
            Code::SavingError => ("Ошибка сохранения данных: кампания занята другим процессом добавления.", "Error saving data: the campaign is locked by another adding process."),
            Code::MissingParameters => ("Параметр(ы) {} неверны для данного модуля и метода. Проверьте правильность указанных параметров и сведения в документации.", "Parameter(s) {} are wrong for this module and method. Check the parameters and the documentation."),
            Code::ParameterViolation => ("Параметр нарушает условие", "A parameter violates a condition"),
            Code::AccountBlocked => ("Учетная запись заблокирована или удалена.", "The account is blocked or deleted."),
            Code::RateLimit => ("Превышен лимит частоты запросов.", "Request rate limit exceeded."),
            Code::PartlyDone => ("Операция выполнена частично.", "The operation was partly done."),
            Code::NothingDone => ("Операция не выполнена.", "Nothing was done."),
            Code::ServiceError => ("Общая ошибка сервиса.", "General service error."),
        };
        let text = if lang == Lang::En { en } else { ru };
        if text.contains("{}") {
            return text.replace("{}", detail);
        }
        if detail.is_empty() || self == Code::NotFound {
            text.to_owned()
        } else {
            format!("{text}: {detail}")
        }
    }
}

/// One answer: the envelope's code and data; the message is written in the world's language.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub code: Code,
    pub data: Value,
    detail: String,
}

impl Answer {
    pub fn ok(data: Value) -> Answer {
        Answer::with(Code::Success, data)
    }

    pub fn with(code: Code, data: Value) -> Answer {
        Answer {
            code,
            data,
            detail: String::new(),
        }
    }

    pub fn error(code: Code, detail: String) -> Answer {
        Answer {
            code,
            data: Value::Null,
            detail,
        }
    }

    pub fn to_json(&self, lang: Lang) -> String {
        // Written from borrowed parts: building a `json!` map would copy `data` whole first.
        #[derive(serde::Serialize)]
        struct Envelope<'a> {
            code: u16,
            data: &'a Value,
            message: String,
        }
        let envelope = Envelope {
            code: self.code as u16,
            data: &self.data,
            message: self.code.message(lang, &self.detail),
        };
        serde_json::to_string(&envelope).expect("an answer always serialises")
    }

    /// `<response><code>..</code><data>..</data><message>..</message></response>`.
    pub fn to_xml(&self, lang: Lang) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><response>");
        xml.push_str(&format!("<code>{}</code>", self.code as u16));
        crate::http::write_xml(&mut xml, "data", &self.data);
        crate::http::write_xml(
            &mut xml,
            "message",
            &Value::String(self.code.message(lang, &self.detail)),
        );
        xml.push_str("</response>");
        xml
    }
}

/// The served methods, matched case-insensitively (`Taskqueue/GetStatus` is `taskqueue/getStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    GetStatus,
    CreateCampaign,
    AddRecipients,
}

/// Modules of the real API: a method of one of them that is not served is a wrong method,
/// anything else a wrong module.
const MODULES: &[&str] = &[
    "campaign",
    "contactcard",
    "contactgroup",
    "link",
    "message",
    "taskqueue",
    "user",
    "webhooks",
];

/// Most recipients one synchronous addRecipients takes.
const MAX_SYNC_RECIPIENTS: usize = 500;

impl Operation {
    const ALL: &'static [Operation] = &[
        Operation::GetStatus,
        Operation::CreateCampaign,
        Operation::AddRecipients,
    ];

    pub fn find(module: &str, method: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|op| {
            let (m, f) = op.name().split_once('/').expect("module/method");
            m.eq_ignore_ascii_case(module) && f.eq_ignore_ascii_case(method)
        })
    }

    pub fn is_module(module: &str) -> bool {
        MODULES.iter().any(|m| m.eq_ignore_ascii_case(module))
    }

    /// The module the operation belongs to (`taskqueue`, `campaign`).
    pub fn module(self) -> &'static str {
        self.name().split_once('/').expect("module/method").0
    }

    /// As the docs write it; the journal and fault plans use this name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetStatus => "taskqueue/getStatus",
            Operation::CreateCampaign => "campaign/create",
            Operation::AddRecipients => "campaign/addRecipients",
        }
    }

    pub fn serve(self, door: &Mobizon, key: &str, params: &Params) -> Answer {
        match self {
            Operation::GetStatus => get_status(door, key, params),
            Operation::CreateCampaign => create_campaign(door, params),
            Operation::AddRecipients => add_recipients(door, params),
        }
    }
}

/// A number as the world writes numbers: JSON numbers, or strings like much of the real API.
fn number(door: &Mobizon, n: u64) -> Value {
    if door.world.numbers_as_strings {
        Value::String(n.to_string())
    } else {
        Value::from(n)
    }
}

/// An id parameter as the caller gave it.
enum Id {
    /// Absent, or not decimal digits: code 11.
    Unreadable,
    /// Digits, but more than any id could be: nothing has it.
    TooLarge,
    Number(u64),
}

/// An id parameter: decimal digits, as text or a JSON number.
fn id_param(params: &Params, name: &str) -> Id {
    match params.text(name) {
        Some(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().map_or(Id::TooLarge, Id::Number)
        }
        _ => Id::Unreadable,
    }
}

fn get_status(door: &Mobizon, key: &str, params: &Params) -> Answer {
    let too_fast = door.polls.poll(key.to_owned(), door.engine.clock().now());
    if too_fast && door.strict_rate() {
        return Answer::error(Code::RateLimit, String::new());
    }
    let task = match id_param(params, "id") {
        Id::Unreadable => return Answer::error(Code::MissingParameters, "id".into()),
        Id::TooLarge => None,
        Id::Number(id) => door.tasks.parse(&id.to_string()),
    };
    let Some(task) = task.and_then(|id| door.engine.poll(id)) else {
        return Answer::error(Code::NotFound, String::new());
    };
    let status: u64 = task.status_name().parse().expect("statuses are digits");
    Answer::ok(json!({
        "progress": number(door, u64::from(task.progress)),
        "status": number(door, status),
    }))
}

fn create_campaign(door: &Mobizon, params: &Params) -> Answer {
    if !matches!(params.get("data"), Some(Param::List(_))) {
        return Answer::with(
            Code::Validation,
            json!({"data": "data must hold the campaign's fields"}),
        );
    }
    Answer::ok(number(door, door.create_campaign()))
}

/// The recipient kinds addRecipients takes; exactly one per call.
const RECIPIENT_KINDS: &[&str] = &[
    "recipients",
    "recipientContacts",
    "recipientGroups",
    "recipientsFile",
];

fn add_recipients(door: &Mobizon, params: &Params) -> Answer {
    let campaign = match id_param(params, "id") {
        Id::Unreadable => return Answer::error(Code::MissingParameters, "id".into()),
        Id::TooLarge => None,
        Id::Number(id) => Some(id).filter(|id| door.campaigns().contains_key(id)),
    };
    let given: Vec<&str> = RECIPIENT_KINDS
        .iter()
        .copied()
        .filter(|k| params.contains(k))
        .collect();
    let kind = match given.as_slice() {
        [] => return Answer::error(Code::MissingParameters, RECIPIENT_KINDS.join(", ")),
        [kind] => *kind,
        _ => {
            return Answer::error(
                Code::ParameterViolation,
                "one recipient kind per call".into(),
            )
        }
    };
    let Some(campaign) = campaign else {
        return Answer::error(Code::NotFound, CAMPAIGN.into());
    };
    let items: Vec<String> = params.get(kind).map_or_else(Vec::new, |p| {
        p.texts().into_iter().map(str::to_owned).collect()
    });
    match kind {
        "recipients" | "recipientContacts" => add_now(kind, &items),
        _ => add_in_background(door, campaign, kind, &items),
    }
}

/// Numbers and contacts are added at once: one result per recipient; code 98 when some
/// failed, 99 when all did.
fn add_now(kind: &str, items: &[String]) -> Answer {
    if items.is_empty() || items.len() > MAX_SYNC_RECIPIENTS {
        return Answer::with(
            Code::Validation,
            json!({ kind: format!("1 to {MAX_SYNC_RECIPIENTS} recipients") }),
        );
    }
    let valid = |item: &str| {
        let digits = item.trim_start_matches('+');
        if kind == "recipients" {
            (10..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        } else {
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    let results: Vec<Value> = items
        .iter()
        .map(|item| {
            let ok = valid(item);
            json!({"recipient": item, "code": if ok { 0 } else { 1 }, "info": if ok { "" } else { "invalid recipient" }})
        })
        .collect();
    let failed = items.iter().filter(|item| !valid(item)).count();
    let code = match failed {
        0 => Code::Success,
        n if n == items.len() => Code::NothingDone,
        _ => Code::PartlyDone,
    };
    Answer::with(code, Value::Array(results))
}

/// Groups and files are added by a background task: code 100 and its id, unless the
/// campaign is locked by another add (code 10). The campaign is reserved under its lock and
/// the task started after it is released: nothing asks the engine while holding it.
fn add_in_background(door: &Mobizon, campaign: u64, kind: &str, items: &[String]) -> Answer {
    let total = if kind == "recipientGroups" {
        let groups = items
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
        if items.is_empty() || !groups {
            return Answer::with(Code::Validation, json!({ kind: "contact group ids" }));
        }
        u32::try_from(items.len())
            .unwrap_or(u32::MAX)
            .saturating_mul(door.recipients_per_group())
    } else {
        // A file: one recipient per line.
        let lines = items.iter().map(|file| file.lines().count()).sum::<usize>();
        u32::try_from(lines).unwrap_or(u32::MAX).max(1)
    };
    let previous = {
        let mut campaigns = door.campaigns();
        let Some(adding) = campaigns.get_mut(&campaign) else {
            return Answer::error(Code::NotFound, CAMPAIGN.into());
        };
        match *adding {
            Adding::Starting => return Answer::error(Code::SavingError, String::new()),
            previous => {
                *adding = Adding::Starting;
                previous
            }
        }
    };
    // Whatever happens from here (a panic included), the reservation is settled.
    let reservation = Reservation {
        door,
        campaign,
        settled_as: previous,
    };
    if let Adding::Task(id) = previous {
        if door.engine.task(id).is_some_and(|task| !task.is_final()) {
            return Answer::error(Code::SavingError, String::new());
        }
    }
    let task_type = TaskKind::AddRecipients.task_type();
    let job = Box::new(AddRecipients::new(task_type, total));
    let mut detail = Map::new();
    detail.insert("campaignId".into(), campaign.into());
    detail.insert("recipients".into(), total.into());
    match door.tasks.start(&door.engine, job, None, detail) {
        Ok(id) => {
            reservation.settle(Adding::Task(id));
            let id: u64 = id.as_str().parse().expect("ids are numbers");
            Answer::with(Code::Background, number(door, id))
        }
        Err(StartError::TooManyTasks | StartError::KeyInUse) => {
            Answer::error(Code::ServiceError, "the task store is full".into())
        }
    }
}

/// A campaign reserved for an add (`Adding::Starting`): dropped, it puts the campaign in the
/// state it was settled as (what it was before, unless `settle` says otherwise).
struct Reservation<'d> {
    door: &'d Mobizon,
    campaign: u64,
    settled_as: Adding,
}

impl Reservation<'_> {
    fn settle(mut self, adding: Adding) {
        self.settled_as = adding;
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.door.campaigns().get_mut(&self.campaign) {
            if *slot == Adding::Starting {
                *slot = self.settled_as;
            }
        }
    }
}
