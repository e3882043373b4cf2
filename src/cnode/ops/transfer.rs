//! giveMoneyRequest (async, §4.13): the logged-in user pays another user (GIVE_MONEY) or
//! pays out (MONEY_COLLECT). Arguments are checked in the order the docs list their errors.

use super::args::Args;
use super::guards::{
    logged_in, open_series, peer_location, positive_amount, purchase_document, transfer_id,
};
use super::{start_task, task_id_reply, Code, Ctx};
use crate::cnode::jobs::{GiveMoney, Transfer};
use crate::cnode::soap::{Fault, Reply};

pub fn give_money_request(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?.to_owned();
    let unique_transfer_id = args.text("uniqueTransferId")?;
    let payment_type = args.token("type")?;
    let series_id = args.token("seriesId")?;
    let amount = args.amount(&["amount"])?;
    let location = peer_location(args, &username)?;
    let short_description = args.text("shortDescription")?.to_owned();
    let description = args.text("description")?;

    let started = logged_in(ctx).and_then(|payer| {
        if username.is_empty() {
            return Err(Code::InvalidUsername);
        }
        let unique_transfer_id = transfer_id(ctx, unique_transfer_id)?;
        let payout = match payment_type {
            "GIVE_MONEY" => false,
            "MONEY_COLLECT" => true,
            _ => return Err(Code::InvalidPaymentType),
        };
        let series = open_series(ctx, series_id, &username)?;
        let amount = positive_amount(ctx, amount)?;
        location?;
        purchase_document(description)?;
        let kind = if payout {
            "MONEY_COLLECT"
        } else {
            "GIVE_MONEY"
        };
        let mut transfer = Transfer::new(
            payer,
            username.clone(),
            username,
            amount.value,
            amount.currency,
            kind,
        );
        transfer.payout = payout;
        transfer.series = series;
        transfer.comment = short_description;
        start_task(ctx, GiveMoney { transfer }, Some(&unique_transfer_id))
    });
    Ok(task_id_reply(started))
}
