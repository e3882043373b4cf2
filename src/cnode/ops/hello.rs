//! hello (sync, §4.1): the node's state, its pid, and who is logged in.

use super::args::Args;
use super::{with_status, Code, Ctx};
use crate::cnode::soap::{Fault, Reply};

pub fn hello(ctx: &Ctx, _: &Args) -> Result<Reply, Fault> {
    let status = if ctx.node.session_task_running() {
        "VUI_LOGGING_IN_OR_REGISTERING"
    } else {
        "VUI_READY"
    };
    let username = ctx
        .node
        .world()
        .who_is_logged_in()
        .unwrap_or_default()
        .to_owned();
    let reply = Reply::new()
        .field("status", status)
        .field("pid", std::process::id().to_string())
        .field("username", username);
    Ok(with_status(reply, Code::Success))
}
