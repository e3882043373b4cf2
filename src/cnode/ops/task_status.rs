//! getTaskStatus (sync, §5, §11.2): a task's type, status, progress and additionalInfo,
//! found by taskId or, when taskId is empty, by uniqueTransferId.

use super::args::Args;
use super::{with_status, Code, Ctx};
use crate::cnode::soap::{Fault, Reply, Value};
use crate::cnode::TaskView;

/// Longest id accepted as well-formed; longer ones are ERR_INVALID_TASK_ID.
const MAX_ID_LEN: usize = 64;

pub fn get_task_status(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let task_id = args.token("taskId")?;
    let unique_transfer_id = args.text("uniqueTransferId")?;
    // With a callback URL configured, the task's later status changes are POSTed there
    // (src/callbacks.rs); without one the flag changes nothing (§11.2).
    let callback = args.boolean("callback")?.unwrap_or(false);

    let found = if task_id.is_empty() && unique_transfer_id.is_empty() {
        Err(Code::InvalidTaskId)
    } else if task_id.is_empty() {
        ctx.node
            .task_id_by_transfer_id(unique_transfer_id)
            .and_then(|id| ctx.node.poll(id))
            .ok_or(ctx.config.task_not_found)
    } else if !is_well_formed(task_id) {
        Err(Code::InvalidTaskId)
    } else {
        crate::cnode::task::parse_task_id(task_id)
            .and_then(|id| ctx.node.poll(id))
            .ok_or(ctx.config.task_not_found)
    };
    if let (true, Ok(task)) = (callback, &found) {
        ctx.node.watch(task.id);
    }
    Ok(reply(task_id, found))
}

fn is_well_formed(id: &str) -> bool {
    id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Every field is always written, in the WSDL's order; empty when there is no task.
fn reply(asked_id: &str, found: Result<TaskView, Code>) -> Reply {
    let reply = Reply::new();
    match found {
        Ok(task) => with_status(
            reply
                .field("type", Value::constant(task.type_name))
                .field("progressPercent", u64::from(task.progress))
                .field("status", Value::constant(task.status.as_str()))
                .field("additionalInfo", task.additional_info)
                .field("taskId", task.id.as_str()),
            Code::Success,
        ),
        Err(code) => with_status(
            reply
                .field("type", Value::constant(""))
                .field("progressPercent", 0u64)
                .field("status", Value::constant(""))
                .field("additionalInfo", Value::constant("{}"))
                .field("taskId", asked_id),
            code,
        ),
    }
}
