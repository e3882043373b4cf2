//! startSeriesPayment (async, §4.19) and endSeriesPayment (sync, §4.20). The series' task
//! id is the seriesId later payments carry.

use super::args::Args;
use super::guards::{logged_in, peer_location, positive_amount, request_data};
use super::{outcome_reply, start_task, task_id_reply, Code, Ctx};
use crate::cnode::jobs::SeriesPayment;
use crate::cnode::soap::{Fault, Reply};
use crate::engine::task::JobRequest;

pub fn start_series_payment(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let data = request_data(ctx, args)?;
    let series_type = args.token("type")?;
    let series = args.nested("seriesData");
    let max_payments = series.unsigned_int("maxPaymentsInSeries")?.unwrap_or(0);
    let max_total = series.amount(&["maxTotalAmount"])?;
    let duration = u64::from(series.unsigned_int("seriesSecondDuration")?.unwrap_or(0));
    let series_user = series.token("username")?.to_owned();
    series.text("description")?;
    let username = data
        .as_ref()
        .map(|d| d.username.clone())
        .unwrap_or_default();
    let location = peer_location(args, &username)?;
    let started = logged_in(ctx).and_then(|_| {
        let data = data?;
        if !series_user.is_empty() && series_user != data.username {
            return Err(Code::InvalidUsername);
        }
        if !matches!(series_type, "" | "MONEY_COLLECT_SERIES") {
            return Err(Code::InvalidPaymentType);
        }
        location?;
        let max_total = match max_total {
            Some(amount) if amount.value > 0 => positive_amount(ctx, Some(amount))?.value,
            _ => 0,
        };
        let job = SeriesPayment {
            peer: data.username,
            max_payments,
            max_total,
            duration_ms: duration.saturating_mul(1000),
        };
        start_task(ctx, job, Some(&data.unique_transfer_id))
    });
    Ok(task_id_reply(started))
}

/// Closes a series: its task moves to SERIES_FINISHED and later payments in it are refused.
/// Anything but a series that is open or waiting for acceptance is ERR_INVALID_TASK_ID.
pub fn end_series_payment(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let series_id = args.token("seriesId")?;
    let outcome = logged_in(ctx).and_then(|_| {
        let id = crate::cnode::task::parse_task_id(series_id).ok_or(Code::InvalidTaskId)?;
        match ctx.node.request(id, JobRequest::End) {
            Some(Ok(())) => Ok(()),
            _ => Err(Code::InvalidTaskId),
        }
    });
    Ok(outcome_reply(outcome))
}
