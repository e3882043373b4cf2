//! One file per operation or tight family: how its arguments are read, what it asks of
//! the engine, and what it answers. No sockets, no XML events: a [`Call`] in, a [`Reply`]
//! or a [`Fault`] out.

mod args;
mod codes;
mod hello;
mod password;
mod session;
mod task_status;

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
    // Steps that came due since the last call happen before this one looks at the world.
    ctx.engine.catch_up();
    operation(ctx, &args::Args(&call.body))
}

/// `requestStatus` and `requestStatusDescription`, the fields every reply ends with.
fn with_status(reply: Reply, code: Code) -> Reply {
    reply
        .field("requestStatus", code.as_str())
        .field("requestStatusDescription", code.description())
}

fn status_reply(code: Code) -> Reply {
    with_status(Reply::new(), code)
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
