//! changeMoney and changeMonexAtBnode (async, §4.27, §4.28): tasks that swap the logged-in
//! user's coins for other denominations. The amount may be sent as `amountToChange` or
//! `amountToAchieve` (the docs' table and example disagree).

use super::args::Args;
use super::guards::{logged_in, positive_amount};
use super::{start_task, task_id_reply, Code, Ctx};
use crate::cnode::jobs::{ChangeAtBnode, ChangeMoney};
use crate::cnode::soap::{Fault, Reply};

const AMOUNT_NAMES: &[&str] = &["amountToChange", "amountToAchieve"];

pub fn change_money(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let amount = args.amount(AMOUNT_NAMES)?;
    let who = args.token("whoCanChange")?;
    let started = logged_in(ctx).and_then(|user| {
        let amount = positive_amount(ctx, amount)?;
        if !who.is_empty() && !ctx.node.world().user_exists(who) {
            return Err(Code::InvalidUsername);
        }
        let job = ChangeMoney {
            user,
            amount: amount.value,
            currency: amount.currency,
        };
        start_task(ctx, job, None)
    });
    Ok(task_id_reply(started))
}

/// The type and value are checked by the task itself: a bad one ends it
/// FINISHED_ERR_INVALID_DATA, with what is wrong in additionalInfo.
pub fn change_monex_at_bnode(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let amount = args.amount(AMOUNT_NAMES)?;
    let change_type = args.token("changeMonexType")?.to_owned();
    let value = args.text("value")?.to_owned();
    let started = logged_in(ctx).and_then(|user| {
        let amount = positive_amount(ctx, amount)?;
        let job = ChangeAtBnode {
            user,
            amount: amount.value,
            currency: amount.currency,
            change_type,
            value,
        };
        start_task(ctx, job, None)
    });
    Ok(task_id_reply(started))
}
