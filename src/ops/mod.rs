//! One file per operation or tight family: how its arguments are read, what it asks of
//! the engine, and what it answers. No sockets, no XML events: a [`Call`] in, a [`Reply`]
//! or a [`Fault`] out.

mod args;
mod change;
mod codes;
mod guards;
mod hello;
mod location;
mod merchant;
mod money;
mod password;
mod requests;
mod series;
mod session;
mod settings;
mod slaves;
mod task_status;
mod transfer;
mod treasury;
mod vault;

use crate::engine::task::TaskId;
use crate::engine::Engine;
use crate::soap::{Call, Fault, Reply};

pub use codes::Code;

/// Settings that change what operations answer, not what the engine does.
#[derive(Clone, Debug)]
pub struct OpsConfig {
    /// The code for an unknown or expired task id (§11.2's spelling switch).
    pub task_not_found: Code,
}

impl Default for OpsConfig {
    fn default() -> OpsConfig {
        OpsConfig {
            task_not_found: Code::TaskDoesNotExist,
        }
    }
}

pub struct Ctx<'a> {
    pub engine: &'a Engine,
    pub config: &'a OpsConfig,
    /// A path the caller dictated for the task this call creates (X-Cnode-Outcome).
    pub outcome: Option<Vec<crate::engine::status::Status>>,
}

type Operation = fn(&Ctx, &args::Args) -> Result<Reply, Fault>;

/// Every operation this emulator serves, by the name clients call it.
const OPERATIONS: &[(&str, Operation)] = &[
    ("hello", hello::hello),
    ("startLogin", session::start_login),
    ("startRegister", session::start_register),
    ("storePassword", password::store_password),
    ("checkPassword", password::check_password),
    ("getMpin", password::get_mpin),
    ("getTaskStatus", task_status::get_task_status),
    ("readSettings", settings::read_settings),
    ("getMoneyStatus", money::get_money_status),
    ("getCoinList", money::get_coin_list),
    ("getHistoryReport", money::get_history_report),
    ("getMerchantData", merchant::get_merchant_data),
    ("giveMoneyRequest", transfer::give_money_request),
    (
        "requestPaymentInitiation",
        requests::request_payment_initiation,
    ),
    (
        "requestPingPaymentInitiation",
        requests::request_ping_payment_initiation,
    ),
    ("requestPersonalData", requests::request_personal_data),
    (
        "requestPersonalLoginAuthentication",
        requests::request_personal_login_authentication,
    ),
    ("cancelPaymentRequest", requests::cancel_payment_request),
    ("expectPaymentRequest", requests::expect_payment_request),
    ("startSeriesPayment", series::start_series_payment),
    ("endSeriesPayment", series::end_series_payment),
    ("sendMoneyToVault", vault::send_money_to_vault),
    ("getMoneyFromVault", vault::get_money_from_vault),
    ("setTreasury", treasury::set_treasury),
    ("setTreasuryParameters", treasury::set_treasury_parameters),
    (
        "sendMoneyToTreasuryRequest",
        treasury::send_money_to_treasury_request,
    ),
    ("changeMoney", change::change_money),
    ("changeMonexAtBnode", change::change_monex_at_bnode),
    ("addSlaves", slaves::add_slaves),
    ("checkSlaveStatus", slaves::check_slave_status),
    (
        "checkSlavesConnectedToUser",
        slaves::check_slaves_connected_to_user,
    ),
    ("fetchUserLocation", location::fetch_user_location),
];

pub fn operation_names() -> impl Iterator<Item = &'static str> {
    OPERATIONS.iter().map(|(name, _)| *name)
}

/// Runs a call. Business outcomes come back inside the reply; only a call that cannot be
/// served at all (unknown operation, unreadable argument) is a fault.
pub fn dispatch(ctx: &Ctx, call: &Call) -> Result<Reply, Fault> {
    let Some((_, operation)) = OPERATIONS.iter().find(|(name, _)| *name == call.operation) else {
        return Err(Fault::client(format!(
            "unknown operation \"{}\": this node serves {}",
            call.operation,
            operation_names().collect::<Vec<_>>().join(", ")
        )));
    };
    args::refuse_repeats(&call.body)?;
    // Steps that came due since the last call happen before this one looks at the world.
    ctx.engine.catch_up();
    operation(ctx, &args::Args(&call.body))
}

/// Operations that start a task and answer its id.
const TASK_OPERATIONS: &[&str] = &[
    "startLogin",
    "startRegister",
    "giveMoneyRequest",
    "requestPaymentInitiation",
    "requestPingPaymentInitiation",
    "requestPersonalData",
    "requestPersonalLoginAuthentication",
    "startSeriesPayment",
    "sendMoneyToVault",
    "getMoneyFromVault",
    "sendMoneyToTreasuryRequest",
    "changeMoney",
    "changeMonexAtBnode",
    "addSlaves",
    "checkSlaveStatus",
];

/// The reply an operation gives when it fails as a whole with `code` (an injected
/// ERR_TECHNICAL_PROBLEM or ERR_TIMEOUT): its usual fields, empty, in their usual order.
pub fn error_reply(operation: &str, code: Code) -> Reply {
    use crate::soap::Value;
    let empty_amount = || guards::amount_value(0, "");
    match operation {
        "hello" => with_status(
            Reply::new()
                .field("status", "")
                .field("pid", "")
                .field("username", ""),
            code,
        ),
        "getMpin" => with_status(Reply::new().field("mpin", ""), code),
        "readSettings" => {
            let mut reply = status_reply(code)
                .field("machineSettingsJson", "{}")
                .field("userSettingsJson", "{}");
            reply.xsi_type = Some("vuiReadSettingsResponse");
            reply
        }
        "getTaskStatus" => task_status::not_found_reply("", code),
        "getMoneyStatus" => status_reply(code)
            .field("freeBalance", empty_amount())
            .field("vaultBalance", empty_amount())
            .field("lockedBalance", empty_amount())
            .field("unpaidCommission", empty_amount())
            .field("balances", Value::List(Vec::new())),
        "getCoinList" => with_status(
            Reply::new()
                .field("monexSummary", Value::List(Vec::new()))
                .field("monexList", Value::List(Vec::new()))
                .field("reservedList", Value::List(Vec::new())),
            code,
        ),
        "getHistoryReport" => {
            with_status(Reply::new().field("summary", "").field("history", ""), code)
        }
        "getMerchantData" => with_status(
            Reply::new()
                .field("publicProfileJson", "{}")
                .field("invoiceDataJson", "{}")
                .field("financialAccountJson", "{}")
                .field("logo", ""),
            code,
        ),
        "expectPaymentRequest" => {
            with_status(Reply::new().field("requestPaymentIdConfirmation", ""), code)
        }
        "checkSlavesConnectedToUser" => {
            with_status(Reply::new(), code).field("statusList", Value::List(Vec::new()))
        }
        op if TASK_OPERATIONS.contains(&op) => task_id_reply(Err(code)),
        _ => status_reply(code),
    }
}

/// `requestStatus` and `requestStatusDescription`, the fields most replies end with.
fn with_status(reply: Reply, code: Code) -> Reply {
    reply
        .field("requestStatus", code.as_str())
        .field("requestStatusDescription", code.description())
}

fn status_reply(code: Code) -> Reply {
    with_status(Reply::new(), code)
}

/// The status fields of an outcome that has no data of its own.
fn outcome_reply(outcome: Result<(), Code>) -> Reply {
    status_reply(outcome.err().unwrap_or(Code::Success))
}

/// Starts a task for the logged-in user's request; refusals become their codes.
fn start_task(
    ctx: &Ctx,
    job: impl crate::engine::task::Job + 'static,
    unique_transfer_id: Option<&str>,
) -> Result<TaskId, Code> {
    use crate::engine::StartError;
    ctx.engine
        .start_task_with_outcome(
            Box::new(job),
            unique_transfer_id.map(str::to_owned),
            ctx.outcome.clone(),
        )
        .map_err(|error| match error {
            StartError::TransferIdInUse => Code::InvalidTransferId,
            StartError::SessionTaskRunning => Code::TaskAlreadyRunning,
            StartError::TooManyTasks => Code::TaskStoreFull,
        })
}

/// The answer of every operation that starts a task (`vuiSoapTaskIdResponse`);
/// the taskId is empty when the request was refused.
fn task_id_reply(started: Result<TaskId, Code>) -> Reply {
    let (code, task_id) = match started {
        Ok(id) => (Code::Success, id.to_string()),
        Err(code) => (code, String::new()),
    };
    with_status(Reply::typed("vuiSoapTaskIdResponse"), code).field("taskId", task_id)
}

/// The logged-in user's password check shared by the password operations.
fn check_logged_in_password(engine: &Engine, password: &str) -> Result<(), Code> {
    let world = engine.world();
    let (_, user) = world.logged_in_user().ok_or(Code::VuiNotLoggedIn)?;
    if user.password == password {
        Ok(())
    } else {
        Err(Code::InvalidPassword)
    }
}
