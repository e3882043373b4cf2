//! sendMoneyToVault and getMoneyFromVault (async, §4.22, §4.23): tasks moving the logged-in
//! user's money between free and vault. Taking money out needs the machine's mpin.

use super::args::Args;
use super::guards::{logged_in, positive_amount};
use super::{start_task, task_id_reply, Code, Ctx};
use crate::cnode::jobs::{Vault, VaultDirection};
use crate::cnode::soap::{Fault, Reply};

pub fn send_money_to_vault(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let amount = args.amount(&["amount"])?;
    let started = logged_in(ctx).and_then(|user| {
        let amount = positive_amount(ctx, amount)?;
        start_task(
            ctx,
            Vault::new(VaultDirection::ToVault, user, amount.value, amount.currency),
            None,
        )
    });
    Ok(task_id_reply(started))
}

/// A wrong mpin is ERR_INVALID_PASSWORD (the docs' error table is cut short here).
pub fn get_money_from_vault(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let amount = args.amount(&["amount"])?;
    let mpin = args.token("mpin")?;
    let started = logged_in(ctx).and_then(|user| {
        let amount = positive_amount(ctx, amount)?;
        if !ctx.node.world().mpin_matches(mpin) {
            return Err(Code::InvalidPassword);
        }
        start_task(
            ctx,
            Vault::new(
                VaultDirection::FromVault,
                user,
                amount.value,
                amount.currency,
            ),
            None,
        )
    });
    Ok(task_id_reply(started))
}
