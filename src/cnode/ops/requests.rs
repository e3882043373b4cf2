//! Requests to a user, answered by the user's world behaviour (async, §4.14–4.17), their
//! cancellation (§4.18), and announcing an expected incoming payment (§4.21).

use super::args::Args;
use super::guards::{
    data_option, logged_in, open_series, peer_location, positive_amount, request_data,
};
use super::{outcome_reply, start_task, task_id_reply, with_status, Code, Ctx};
use crate::cnode::jobs::{ExpectedPayment, PeerRequest, RequestKind, Transfer};
use crate::cnode::soap::{Fault, Reply};
use crate::engine::task::JobRequest;

/// A payment the user is asked to make to the logged-in user (type NORMAL). With a
/// seriesId of an open series the user's earlier agreement stands: no decision is asked.
pub fn request_payment_initiation(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let payment_type = args.token("type")?;
    let amount = args.amount(&["amount"])?;
    let series_id = args.token("seriesId")?;
    let data = request_data(ctx, args)?;
    args.text("paymentContext")?;
    let username = data
        .as_ref()
        .map(|d| d.username.clone())
        .unwrap_or_default();
    let location = peer_location(args, &username)?;
    let started = logged_in(ctx).and_then(|payee| {
        let data = data?;
        if !matches!(payment_type, "" | "NORMAL") {
            return Err(Code::InvalidPaymentType);
        }
        let series = open_series(ctx, series_id, &data.username)?;
        let amount = positive_amount(ctx, amount)?;
        location?;
        let mut transfer = Transfer::new(
            data.username.clone(),
            payee,
            data.username.clone(),
            amount.value,
            amount.currency,
            "PAYMENT_REQUEST",
        );
        transfer.series = series;
        transfer.comment = data.title;
        let job = PeerRequest {
            kind: RequestKind::Payment,
            peer: data.username,
            transfer: Some(transfer),
        };
        start_task(ctx, job, Some(&data.unique_transfer_id))
    });
    Ok(task_id_reply(started))
}

/// Asks the user to start a payment themselves; FINISHED_OK when they agree (no money moves).
pub fn request_ping_payment_initiation(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let data = request_data(ctx, args)?;
    args.text("paymentContext")?;
    let username = data
        .as_ref()
        .map(|d| d.username.clone())
        .unwrap_or_default();
    let location = peer_location(args, &username)?;
    let started = logged_in(ctx).and_then(|_| {
        let data = data?;
        location?;
        let job = PeerRequest {
            kind: RequestKind::Ping,
            peer: data.username,
            transfer: None,
        };
        start_task(ctx, job, Some(&data.unique_transfer_id))
    });
    Ok(task_id_reply(started))
}

/// Kinds of data that can be asked for; the docs list none, so these are the emulator's.
const PERSONAL_DATA_TYPES: &[&str] = &["", "PERSONAL_DATA", "DELIVERY_DATA", "INVOICE_DATA"];

/// Asks the user for their data; on acceptance additionalInfo carries the world's
/// `personal_data` of that user.
pub fn request_personal_data(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?.to_owned();
    let data_type = args.token("type")?;
    let series_id = args.token("seriesId")?;
    let delivery = args.token("requestDeliveryData")?;
    let invoice = args.token("requestInvoiceData")?;
    for ignored in ["merchantName", "antiSpamCode"] {
        args.text(ignored)?;
    }
    let location = peer_location(args, &username)?;
    let started = logged_in(ctx).and_then(|_| {
        if !PERSONAL_DATA_TYPES.contains(&data_type) {
            return Err(Code::InvalidPaymentType);
        }
        if username.is_empty() {
            return Err(Code::InvalidUsername);
        }
        open_series(ctx, series_id, &username)?;
        data_option(delivery, Code::InvalidDeliveryOption)?;
        data_option(invoice, Code::InvalidInvoiceOption)?;
        location?;
        start_task(
            ctx,
            PeerRequest {
                kind: RequestKind::PersonalData,
                peer: username,
                transfer: None,
            },
            None,
        )
    });
    Ok(task_id_reply(started))
}

/// Asks the user to confirm a login at the merchant (type LOGIN_AUTHENTICATION_REQUEST).
pub fn request_personal_login_authentication(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?.to_owned();
    let request_type = args.token("type")?;
    for ignored in ["merchantName", "antiSpamCode"] {
        args.text(ignored)?;
    }
    let location = peer_location(args, &username)?;
    let started = logged_in(ctx).and_then(|_| {
        if !matches!(request_type, "" | "LOGIN_AUTHENTICATION_REQUEST") {
            return Err(Code::InvalidPaymentType);
        }
        if username.is_empty() {
            return Err(Code::InvalidUsername);
        }
        location?;
        let job = PeerRequest {
            kind: RequestKind::LoginAuthentication,
            peer: username,
            transfer: None,
        };
        start_task(ctx, job, None)
    });
    Ok(task_id_reply(started))
}

/// Cancels a request still waiting for the user (the task ends FINISHED_ERR_CANCELLED).
/// A task that is not a request, or one the user has already answered, is
/// ERR_INVALID_TASK_ID; an unknown uniqueTransferId is ERR_INVALID_TRANSFER_ID.
pub fn cancel_payment_request(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let task_id = args.token("taskId")?;
    let unique_transfer_id = args.text("uniqueTransferId")?;
    let outcome = logged_in(ctx).and_then(|_| {
        let id = if !task_id.is_empty() {
            crate::cnode::task::parse_task_id(task_id).ok_or(Code::InvalidTaskId)?
        } else if !unique_transfer_id.is_empty() {
            ctx.node
                .task_id_by_transfer_id(unique_transfer_id)
                .ok_or(Code::InvalidTransferId)?
        } else {
            return Err(Code::InvalidTaskId);
        };
        match ctx.node.request(id, JobRequest::Cancel) {
            Some(Ok(())) => Ok(()),
            _ => Err(Code::InvalidTaskId),
        }
    });
    Ok(outcome_reply(outcome))
}

/// Announces that `username` will pay `amount` within `timeout` seconds (default 600).
/// The answer's requestPaymentIdConfirmation is the id of an EXPECTED_PAYMENT task that
/// getTaskStatus follows: FINISHED_OK when the money has arrived.
pub fn expect_payment_request(ctx: &Ctx, args: &Args) -> Result<Reply, Fault> {
    let username = args.token("username")?.to_owned();
    let amount = args.amount(&["amount"])?;
    let timeout = u64::from(
        args.unsigned_int("timeout")?
            .filter(|&t| t > 0)
            .unwrap_or(600),
    );
    let started = logged_in(ctx).and_then(|payee| {
        if username.is_empty() {
            return Err(Code::InvalidUsername);
        }
        let amount = positive_amount(ctx, amount)?;
        let transfer = Transfer::new(
            username.clone(),
            payee,
            username,
            amount.value,
            amount.currency,
            "EXPECTED_PAYMENT",
        );
        start_task(
            ctx,
            ExpectedPayment::new(timeout.saturating_mul(1000), transfer),
            None,
        )
    });
    let (code, id) = match started {
        Ok(id) => (Code::Success, id.to_string()),
        Err(code) => (code, String::new()),
    };
    Ok(with_status(
        Reply::new().field("requestPaymentIdConfirmation", id),
        code,
    ))
}
