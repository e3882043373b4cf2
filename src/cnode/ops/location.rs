//! fetchUserLocation (sync, §4.32): loads a user's network location into the node's cache.
//! Answers only status fields (no taskId), as both documented examples do.

use super::args::Args;
use super::{outcome_reply, Code, Ctx};
use crate::cnode::soap::{Fault, Reply};
use crate::cnode::world::Behaviour;

pub fn fetch_user_location(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?;
    let mut world = ctx.node.world();
    let reachable = world
        .users
        .get(username)
        .is_some_and(|u| u.behaviour != Behaviour::Unreachable);
    let outcome = if reachable {
        world.node.location_cache.insert(username.to_owned());
        Ok(())
    } else {
        Err(Code::InvalidUsername)
    };
    Ok(outcome_reply(outcome))
}
