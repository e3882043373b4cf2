//! setTreasury and setTreasuryParameters (sync, §4.24, §4.25), and
//! sendMoneyToTreasuryRequest (async, master mode, §4.26).

use super::args::Args;
use super::guards::{logged_in, master_mode, positive_amount, transfer_id};
use super::{check_logged_in_password, outcome_reply, start_task, task_id_reply, Code, Ctx};
use crate::cnode::jobs::SendToTreasury;
use crate::cnode::soap::{Fault, Reply};

/// Names the treasury user (who must exist), checked by the logged-in user's password.
pub fn set_treasury(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let treasury = args.token("treasuryName")?;
    let password = args.text("password")?;
    let outcome = logged_in(ctx).and_then(|_| {
        if treasury.is_empty() || !ctx.node.world().user_exists(treasury) {
            return Err(Code::InvalidUsername);
        }
        check_logged_in_password(ctx.node, password)?;
        ctx.node
            .world()
            .set_treasury(treasury)
            .map_err(|_| Code::InvalidUsername)
    });
    Ok(outcome_reply(outcome))
}

/// Sets the threshold (0 stops sweeping), checked by the machine's mpin (a wrong one is
/// ERR_INVALID_PASSWORD); free money above it goes to the treasury at once and from then on.
pub fn set_treasury_parameters(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let threshold = args.amount(&["treasuryThresholdValue"])?;
    let mpin = args.token("mpin")?;
    let outcome = logged_in(ctx).and_then(|_| {
        let threshold = match threshold {
            Some(amount) if amount.value == 0 => 0,
            other => positive_amount(ctx, other)?.value,
        };
        let now = ctx.node.wall_now();
        let mut world = ctx.node.world();
        if !world.mpin_matches(mpin) {
            return Err(Code::InvalidPassword);
        }
        world.set_treasury_threshold(threshold);
        world.sweep_to_treasury("setTreasuryParameters", now);
        Ok(())
    });
    Ok(outcome_reply(outcome))
}

pub fn send_money_to_treasury_request(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let cashier = args.token("cashierName")?.to_owned();
    let unique_transfer_id = args.text("uniqueTransferId")?;
    let started = master_mode(ctx)
        .and_then(|()| logged_in(ctx))
        .and_then(|_| {
            if cashier.is_empty() {
                return Err(Code::InvalidUsername);
            }
            let unique_transfer_id = transfer_id(ctx, unique_transfer_id)?;
            start_task(ctx, SendToTreasury::new(cashier), Some(&unique_transfer_id))
        });
    Ok(task_id_reply(started))
}
