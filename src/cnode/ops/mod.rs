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
pub mod schema;
mod series;
mod session;
mod settings;
mod slaves;
mod task_status;
mod transfer;
mod treasury;
mod vault;

use crate::cnode::soap::{Call, Fault, Reply, Value};
use crate::cnode::world::PasswordCheck;
use crate::cnode::Node;
use crate::engine::task::TaskId;

pub use schema::Signature;

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
    pub node: &'a Node,
    pub config: &'a OpsConfig,
    /// A path the caller dictated for the task this call creates (X-Cnode-Outcome).
    pub outcome: Option<Vec<crate::cnode::status::Status>>,
}

type Operation = fn(&Ctx, &args::Args) -> Result<Reply, Fault>;

/// Every operation this emulator serves: its signature (what the WSDL says) and its handler.
const OPERATIONS: &[(&Signature, Operation)] = &[
    (&schema::HELLO, hello::hello),
    (&schema::START_LOGIN, session::start_login),
    (&schema::START_REGISTER, session::start_register),
    (&schema::STORE_PASSWORD, password::store_password),
    (&schema::CHECK_PASSWORD, password::check_password),
    (&schema::GET_MPIN, password::get_mpin),
    (&schema::GET_TASK_STATUS, task_status::get_task_status),
    (&schema::READ_SETTINGS, settings::read_settings),
    (&schema::GET_MONEY_STATUS, money::get_money_status),
    (&schema::GET_COIN_LIST, money::get_coin_list),
    (&schema::GET_HISTORY_REPORT, money::get_history_report),
    (&schema::GET_MERCHANT_DATA, merchant::get_merchant_data),
    (&schema::GIVE_MONEY_REQUEST, transfer::give_money_request),
    (
        &schema::REQUEST_PAYMENT_INITIATION,
        requests::request_payment_initiation,
    ),
    (
        &schema::REQUEST_PING_PAYMENT_INITIATION,
        requests::request_ping_payment_initiation,
    ),
    (
        &schema::REQUEST_PERSONAL_DATA,
        requests::request_personal_data,
    ),
    (
        &schema::REQUEST_PERSONAL_LOGIN_AUTHENTICATION,
        requests::request_personal_login_authentication,
    ),
    (
        &schema::CANCEL_PAYMENT_REQUEST,
        requests::cancel_payment_request,
    ),
    (
        &schema::EXPECT_PAYMENT_REQUEST,
        requests::expect_payment_request,
    ),
    (&schema::START_SERIES_PAYMENT, series::start_series_payment),
    (&schema::END_SERIES_PAYMENT, series::end_series_payment),
    (&schema::SEND_MONEY_TO_VAULT, vault::send_money_to_vault),
    (&schema::GET_MONEY_FROM_VAULT, vault::get_money_from_vault),
    (&schema::SET_TREASURY, treasury::set_treasury),
    (
        &schema::SET_TREASURY_PARAMETERS,
        treasury::set_treasury_parameters,
    ),
    (
        &schema::SEND_MONEY_TO_TREASURY_REQUEST,
        treasury::send_money_to_treasury_request,
    ),
    (&schema::CHANGE_MONEY, change::change_money),
    (
        &schema::CHANGE_MONEX_AT_BNODE,
        change::change_monex_at_bnode,
    ),
    (&schema::ADD_SLAVES, slaves::add_slaves),
    (&schema::CHECK_SLAVE_STATUS, slaves::check_slave_status),
    (
        &schema::CHECK_SLAVES_CONNECTED_TO_USER,
        slaves::check_slaves_connected_to_user,
    ),
    (&schema::FETCH_USER_LOCATION, location::fetch_user_location),
];

pub fn operation_names() -> impl Iterator<Item = &'static str> {
    signatures().map(|signature| signature.name)
}

/// What every served operation takes and answers, in the order the WSDL lists them.
pub fn signatures() -> impl Iterator<Item = &'static Signature> {
    OPERATIONS.iter().map(|(signature, _)| *signature)
}

fn find(operation: &str) -> Option<&'static (&'static Signature, Operation)> {
    OPERATIONS
        .iter()
        .find(|(signature, _)| signature.name == operation)
}

/// Runs a call. Business outcomes come back inside the reply; only a call that cannot be
/// served at all (unknown operation, unreadable argument) is a fault.
pub fn dispatch(ctx: &Ctx, call: &Call) -> Result<Reply, Fault> {
    let Some((signature, operation)) = find(&call.operation) else {
        return Err(Fault::client(format!(
            "unknown operation \"{}\": this node serves {}",
            call.operation,
            operation_names().collect::<Vec<_>>().join(", ")
        )));
    };
    args::refuse_repeats(&call.body)?;
    // Steps that came due since the last call happen before this one looks at the world.
    ctx.node.catch_up();
    let mut reply = operation(ctx, &args::Args(&call.body))?;
    // Every test run checks every reply against the signature the WSDL is generated from.
    debug_assert_eq!(schema::check_reply(signature.reply, &reply), Ok(()));
    schema::finish(signature.reply, &mut reply, call.encoded);
    Ok(reply)
}

/// The reply an operation gives when it fails as a whole with `code` (an injected
/// ERR_TECHNICAL_PROBLEM or ERR_TIMEOUT): its usual fields, empty, in their usual order.
pub fn error_reply(call: &Call, code: Code) -> Reply {
    let reply_type =
        find(&call.operation).map_or(&schema::STATUS_RESPONSE, |(signature, _)| signature.reply);
    let mut reply = schema::empty_reply(reply_type, code.as_str(), code.description());
    schema::finish(reply_type, &mut reply, call.encoded);
    reply
}

/// `requestStatus` and `requestStatusDescription`, the fields most replies end with.
fn with_status(reply: Reply, code: Code) -> Reply {
    reply
        .field("requestStatus", Value::constant(code.as_str()))
        .field(
            "requestStatusDescription",
            Value::constant(code.description()),
        )
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
    job: impl crate::cnode::task::Job + 'static,
    unique_transfer_id: Option<&str>,
) -> Result<TaskId, Code> {
    use crate::cnode::StartError;
    ctx.node
        .start_task(
            job,
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
    with_status(Reply::new(), code).field("taskId", task_id)
}

/// The logged-in user's password check shared by the password operations.
fn check_logged_in_password(node: &Node, password: &str) -> Result<(), Code> {
    match node.world().check_logged_in_password(password) {
        PasswordCheck::Right => Ok(()),
        PasswordCheck::Wrong => Err(Code::InvalidPassword),
        PasswordCheck::NobodyLoggedIn => Err(Code::VuiNotLoggedIn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cnode::soap::Element;
    use crate::cnode::world::{World, WorldFile};

    /// Injected errors answer every operation in its own reply shape, plain or encoded.
    #[test]
    fn every_error_reply_holds_its_signature() {
        for signature in signatures() {
            for encoded in [false, true] {
                let call = Call {
                    operation: signature.name.to_owned(),
                    body: Element::empty(signature.name.to_owned()),
                    encoded,
                };
                let reply = error_reply(&call, Code::TechnicalProblem);
                assert_eq!(schema::check_reply(signature.reply, &reply), Ok(()));
            }
        }
    }

    /// Operations ask the world for what they need (`world.user_exists(name)`,
    /// `world.mpin_matches(mpin)`, ...) instead of reading and writing its fields. This
    /// fails when any `src/cnode/ops/*.rs` (outside its tests and comments):
    /// - reaches into a world guard: `.world()`, or a name bound to it
    ///   (`let world = ctx.node.world();`), followed by a field (`.node`, `.users`, `.series`)
    ///   rather than a method call;
    /// - names a field of a user (`.password`, `.behaviour`, `.wallets`, `.history`, ...),
    ///   anywhere: a user's data reaches an operation only as what a world method answers.
    ///
    /// The user's fields are read off the world as it serializes, so new ones are covered.
    #[test]
    fn operations_ask_the_world_instead_of_reaching_into_it() {
        let user_fields = user_fields();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cnode/ops");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        paths.sort();
        assert!(paths.len() > 10, "the operations are in {dir}");
        let found: Vec<String> = paths
            .iter()
            .flat_map(|path| {
                let text = std::fs::read_to_string(path).unwrap();
                reaches_into_world(&text, &user_fields)
                    .into_iter()
                    .map(move |what| format!("{}: {what}", path.display()))
            })
            .collect();
        assert!(
            found.is_empty(),
            "operations reach into the world's fields; give World a method that answers \
             what they need (src/cnode/world/):\n{}",
            found.join("\n")
        );
    }

    /// The check above is not vacuous: it catches what operations used to do, and lets
    /// alone what they do now and the fields of other structures that share a name.
    #[test]
    fn the_world_check_catches_fields_and_lets_methods_be() {
        let user_fields = user_fields();
        let reaching = [
            "ctx.node.world().node.treasury = Some(treasury);",
            "if !ctx.node.world().users.contains_key(who) {",
            "ctx.node\n        .world()\n        .node\n        .logged_in\n        .clone()",
            "let mut world = ctx.node.world();\n        if world.node.mpin != mpin {",
            "let world = ctx.node.world();\n    match world.series.get(series_id) {",
            "if user.password == password {",
            "for (c, w) in user.iter().flat_map(|u| &u.wallets) {",
            ".is_some_and(|u| u.behaviour != Behaviour::Unreachable);",
        ];
        for code in reaching {
            assert_ne!(
                reaches_into_world(code, &user_fields),
                Vec::<String>::new(),
                "{code}"
            );
        }
        let asking = [
            "if !ctx.node.world().user_exists(who) {",
            "ctx.node\n        .world()\n        .who_is_logged_in()",
            "let mut world = ctx.node.world();\n        if !world.mpin_matches(mpin) {",
            "transfer.series = series;",
            ".field(\"status\", task.status.as_str())",
            "let world = ctx.node.world(); // world.node.mpin\n",
            "(4..=64).contains(&name.chars().count())",
        ];
        for code in asking {
            assert_eq!(
                reaches_into_world(code, &user_fields),
                Vec::<String>::new(),
                "{code}"
            );
        }
    }

    /// The names of a user's fields, as the world serializes a user.
    fn user_fields() -> Vec<String> {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a valid instant");
        let world = serde_json::to_value(World::new(&WorldFile::default_world(), now)).unwrap();
        let users = world["users"].as_object().expect("users by name");
        let user = users.values().next().expect("a user").as_object().unwrap();
        let fields: Vec<String> = user.keys().cloned().collect();
        assert!(fields.iter().any(|field| field == "password"), "{fields:?}");
        fields
    }

    /// Where a source's code (its tests and comments left out) reaches into the world.
    fn reaches_into_world(text: &str, user_fields: &[String]) -> Vec<String> {
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code: Vec<&str> = code
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default())
            .collect();
        let code = chains_joined(&code.join("\n"));
        let mut found = Vec::new();
        let mut guards = vec![".world()".to_owned()];
        guards.extend(guard_names(&code));
        for guard in &guards {
            for (at, _) in code.match_indices(guard.as_str()) {
                let before = code[..at].chars().next_back();
                let whole_name = guard.starts_with('.')
                    || !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
                if let Some(field) = field_at(&code, at + guard.len()).filter(|_| whole_name) {
                    found.push(format!("`{guard}.{field}`"));
                }
            }
        }
        for (at, _) in code.match_indices('.') {
            if let Some(field) = field_at(&code, at).filter(|f| user_fields.contains(f)) {
                found.push(format!("`.{field}` (a user's field)"));
            }
        }
        found
    }

    /// The names bound to a world guard: `let [mut] NAME = ....world();`.
    fn guard_names(code: &str) -> Vec<String> {
        code.match_indices(".world();")
            .filter_map(|(at, _)| {
                let statement = code[..at].rsplit([';', '{', '}']).next()?.trim_start();
                let binding = statement.strip_prefix("let ")?.trim_start();
                let binding = binding.strip_prefix("mut ").unwrap_or(binding);
                let name: String = binding
                    .chars()
                    .take_while(|&c| c.is_alphanumeric() || c == '_')
                    .collect();
                (!name.is_empty()).then_some(name)
            })
            .collect()
    }

    /// The member named by the `.name` at `at`, when it is a field (not a method call).
    fn field_at(code: &str, at: usize) -> Option<String> {
        let rest = code[at..].strip_prefix('.')?;
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(end);
        let call = after.starts_with('(') || after.starts_with("::");
        (!name.is_empty() && !call).then(|| name.to_owned())
    }

    /// The code with the line breaks and indents before each `.` taken out, so that a
    /// method chain rustfmt spreads over lines reads as one: `ctx.node.world().node.mpin`.
    fn chains_joined(code: &str) -> String {
        let mut joined = String::with_capacity(code.len());
        let mut space = String::new();
        for c in code.chars() {
            if c.is_whitespace() {
                space.push(c);
                continue;
            }
            if c != '.' {
                joined.push_str(&space);
            }
            space.clear();
            joined.push(c);
        }
        joined
    }
}
