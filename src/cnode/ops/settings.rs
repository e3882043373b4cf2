//! readSettings (sync, §4.7): the node's machine and user settings as two JSON strings.

use super::args::Args;
use super::{status_reply, Code, Ctx};
use crate::cnode::soap::{Fault, Reply};

pub fn read_settings(ctx: &Ctx, _: &Args) -> Result<Reply, Fault> {
    let world = ctx.node.world();
    let json = |map: &serde_json::Map<String, serde_json::Value>| {
        serde_json::to_string(map).unwrap_or_default()
    };
    Ok(status_reply(Code::Success)
        .field("machineSettingsJson", json(&world.machine_settings()))
        .field("userSettingsJson", json(world.user_settings())))
}
