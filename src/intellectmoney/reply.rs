//! IntellectMoney's answers: `OperationState` (could the request be handled), a fresh
//! `OperationId`, the shop's `EshopId`, and the method's `Result` with its own `State`;
//! always HTTP 200 (the seed's C# example reads the body only after a success status),
//! as JSON, or XML under a `<Response>` root (dialects.md 3.4, 3.5).

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use serde_json::value::RawValue;

use super::schedule::Operation;

/// A code and its description, the shape of both `OperationState` and `Result.State`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct State {
    #[serde(rename = "Code")]
    pub code: u8,
    #[serde(rename = "Desc")]
    pub desc: String,
}

pub const HANDLED: &str = "Успешно обработан";

impl State {
    pub fn handled() -> State {
        State {
            code: 0,
            desc: HANDLED.into(),
        }
    }

    /// Could not be handled (`OperationState` 2), with why.
    pub fn refused(desc: impl Into<String>) -> State {
        State {
            code: 2,
            desc: desc.into(),
        }
    }
}

/// Why a request could not be handled, in the service's words.
pub mod why {
    pub const BAD_TOKEN: &str = "Ошибка авторизации: неверный токен";
    pub const BAD_SIGN: &str = "Ошибка авторизации: неверная подпись (Sign)";
    pub const UNREADABLE: &str = "Запрос не может быть обработан";
    pub const NOT_AUTHORISED: &str = "Пользователь не авторизован";
    pub const NO_OPERATION: &str = "Операция по расписанию не найдена";
    pub const INTERNAL: &str = "Внутренняя ошибка сервера";

    pub fn bad_value(name: &str) -> String {
        format!("Неверное значение параметра {name}")
    }
}

/// A whole answer: its `OperationState` and, when handled, the method's `Result` (as
/// JSON text, so its fields keep the order the service writes them in).
#[derive(Debug)]
pub struct Answer {
    pub state: State,
    pub result: Option<Box<RawValue>>,
}

/// A method's `Result` with its own `State` first, then what the method answers.
#[derive(Serialize)]
struct WithState<'a, T: Serialize> {
    #[serde(rename = "State")]
    state: State,
    #[serde(flatten)]
    rest: &'a T,
}

impl Answer {
    pub fn refused(desc: impl Into<String>) -> Answer {
        Answer {
            state: State::refused(desc),
            result: None,
        }
    }

    /// Handled: `Result` is `State` (handled) and the fields of `rest`.
    pub fn handled(rest: &impl Serialize) -> Answer {
        Answer::result(&WithState {
            state: State::handled(),
            rest,
        })
    }

    /// Handled, with a `Result` of `state` alone (the request itself went wrong).
    pub fn handled_with(state: State) -> Answer {
        Answer::result(&serde_json::json!({ "State": state }))
    }

    /// Handled, with `result` as the whole `Result` (`deactivate`'s boolean).
    pub fn result(result: &impl Serialize) -> Answer {
        Answer {
            state: State::handled(),
            result: serde_json::value::to_raw_value(result).ok(),
        }
    }

    /// Handled, but the user is not: `Result.State` 2.
    pub fn user_not_authorised() -> Answer {
        Answer::handled_with(State::refused(why::NOT_AUTHORISED))
    }

    fn envelope<'a>(&'a self, eshop_id: u64, operation_id: &'a str) -> Envelope<'a> {
        Envelope {
            operation_state: &self.state,
            operation_id,
            eshop_id,
            result: self.result.as_deref(),
        }
    }

    /// The answer as JSON: `operation_id` is the `OperationId` it carries (a new one each time).
    pub fn to_json(&self, eshop_id: u64, operation_id: &str) -> String {
        serde_json::to_string(&self.envelope(eshop_id, operation_id))
            .expect("an answer always serialises")
    }

    /// The same document as XML under `<Response>`, its elements in the JSON's order.
    pub fn to_xml(&self, eshop_id: u64, operation_id: &str) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        let json = self.to_json(eshop_id, operation_id);
        crate::http::write_xml_in_order(&mut xml, "Response", &json).expect("an answer is JSON");
        xml
    }
}

/// The answer's fields in the seed's order.
#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "OperationState")]
    operation_state: &'a State,
    #[serde(rename = "OperationId")]
    operation_id: &'a str,
    #[serde(rename = "EshopId")]
    eshop_id: u64,
    #[serde(rename = "Result")]
    result: Option<&'a RawValue>,
}

/// One item of `ScheduledOperationList`, in the seed's field order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListedOperation {
    cron_operation_id: String,
    object_id: u64,
    cron_operation_type: &'static str,
    params: String,
    creation_date: String,
    change_date: String,
    last_exec_date: Option<String>,
    fire_on_skip: bool,
    is_single: bool,
    cron_operation_state: &'static str,
    // Beyond the seed's example: what the operation was set with, so a client can read back
    // what it sent (the seed's field table names them as request fields).
    repeat_plan: String,
    retry_on_fail_plan: Option<String>,
    retry_on_fail_count: u32,
    end_exec_date: Option<String>,
}

impl ListedOperation {
    pub fn new(operation: &Operation, zone: FixedOffset, now: DateTime<Utc>) -> ListedOperation {
        let settings = &operation.settings;
        ListedOperation {
            cron_operation_id: operation.id.to_string(),
            object_id: settings.object_id,
            cron_operation_type: "Recurring",
            params: settings.params.clone(),
            creation_date: dotnet_date(operation.created, zone),
            change_date: dotnet_date(operation.changed, zone),
            last_exec_date: operation.last_exec.map(|at| dotnet_date(at, zone)),
            fire_on_skip: settings.fire_on_skip,
            is_single: settings.is_single,
            cron_operation_state: if operation.runs_at(now, zone) {
                "Enable"
            } else {
                "Disable"
            },
            repeat_plan: settings.repeat.text.clone(),
            retry_on_fail_plan: settings.retry.as_ref().map(|plan| plan.text.clone()),
            retry_on_fail_count: settings.retry_count,
            end_exec_date: settings
                .end_exec
                .map(|date| date.format("%d.%m.%Y").to_string()),
        }
    }
}

/// .NET's round-trip format in the shop's zone: seven fractional digits and the offset
/// (`2021-03-26T10:59:31.9608792+03:00`).
pub fn dotnet_date(at: DateTime<Utc>, zone: FixedOffset) -> String {
    let local = at.with_timezone(&zone);
    let ticks = local.timestamp_subsec_nanos() / 100;
    format!(
        "{}.{ticks:07}{}",
        local.format("%Y-%m-%dT%H:%M:%S"),
        local.format("%:z")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_dotnet_writes_them() {
        let at = DateTime::parse_from_rfc3339("2021-03-26T07:59:31.960879200Z")
            .unwrap()
            .with_timezone(&Utc);
        let zone = FixedOffset::east_opt(3 * 3600).unwrap();
        assert_eq!(dotnet_date(at, zone), "2021-03-26T10:59:31.9608792+03:00");
    }

    #[test]
    fn the_envelope_keeps_the_seeds_order() {
        let json =
            Answer::refused(why::BAD_SIGN).to_json(450_000, "00000000-0000-4000-8000-000000000000");
        let state = json.find("OperationState").unwrap();
        let id = json.find("OperationId").unwrap();
        let shop = json.find("EshopId").unwrap();
        let result = json.find("\"Result\":null").unwrap();
        assert!(state < id && id < shop && shop < result, "{json}");
    }
}
