//! fetchUserLocation (sync, §4.32): loads a user's network location into the node's cache.
//! Answers only status fields (no taskId), as both documented examples do.

use super::args::Args;
use super::{outcome_reply, Code, Ctx};
use crate::cnode::soap::{Fault, Reply};

pub fn fetch_user_location(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?;
    let outcome = if ctx.node.world().load_location(username) {
        Ok(())
    } else {
        Err(Code::InvalidUsername)
    };
    Ok(outcome_reply(outcome))
}
