//! The business logic of each task type, one file per type or family. A job decides each
//! next status from the world; the engine decides when (cnode-api.md §11.2 for the types).

mod change;
mod give_money;
mod login;
mod register;
mod request;
mod series;
mod slaves;
mod transfer;
mod treasury;
mod vault;

pub use change::{ChangeAtBnode, ChangeMoney};
pub use give_money::GiveMoney;
pub use login::Login;
pub use register::Register;
pub use request::{ExpectedPayment, PeerRequest, RequestKind};
pub use series::SeriesPayment;
pub use slaves::{AddSlaves, CheckSlaves, SlaveAddress};
pub use transfer::Transfer;
pub use treasury::SendToTreasury;
pub use vault::{Vault, VaultDirection};

use super::status::Status;
use super::task::Step;
use super::task::StepCtx;
use super::world::Behaviour;

/// The answer to a status a job never produces itself: something moved the task
/// somewhere its type does not go, so it ends as the node's internal error.
fn unexpected(type_name: &str, current: Status) -> Step {
    Step::fail(
        Status::InternalError,
        format!("a {type_name} task cannot continue from {current}"),
    )
}

/// SEARCHING for a user in the network: `Err` holds the step that ends the search.
fn search(ctx: &mut StepCtx, name: &str) -> Result<(), Step> {
    let at = ctx.at;
    let Some(user) = ctx.world.user_mut(name) else {
        return Err(Step::fail(
            Status::UserNotFound,
            format!("no user \"{name}\" was found in the network"),
        ));
    };
    match user.behaviour {
        Behaviour::Unreachable => {
            return Err(Step::fail(
                Status::UserNotFound,
                format!("\"{name}\" cannot be reached"),
            ));
        }
        Behaviour::Locked => {
            return Err(Step::fail(
                Status::Locked,
                format!("the account of \"{name}\" is locked"),
            ))
        }
        _ => {}
    }
    if user.requests_per_minute > 0 {
        let recent = &mut user.usage.recent_requests;
        while recent.front().is_some_and(|&t| t + 60_000 <= at) {
            recent.pop_front();
        }
        if recent.len() >= user.requests_per_minute as usize {
            return Err(Step::fail(
                Status::TooOften,
                format!(
                    "\"{name}\" takes at most {} requests a minute",
                    user.requests_per_minute
                ),
            ));
        }
        recent.push_back(at);
    }
    Ok(())
}

/// How long a user takes to answer a request: their decision delay, or the node's decision
/// timeout for one who never answers in time.
fn decision_wait(ctx: &StepCtx, name: &str) -> u64 {
    match ctx.world.users.get(name) {
        Some(user) if matches!(user.behaviour, Behaviour::Ignore | Behaviour::Late) => {
            ctx.world.node.decision_timeout_ms
        }
        Some(user) => user.decision_delay_ms,
        None => 0,
    }
}

/// What the user decided: accepted, or the final step their answer leads to.
fn decision(ctx: &StepCtx, name: &str) -> Result<(), Step> {
    let behaviour = ctx
        .world
        .users
        .get(name)
        .map_or(Behaviour::Unreachable, |u| u.behaviour);
    Err(match behaviour {
        Behaviour::Accept => return Ok(()),
        Behaviour::Reject => Step::fail(
            Status::UserRejected,
            format!("\"{name}\" rejected the request"),
        ),
        Behaviour::Ignore => Step::fail(
            Status::UserTimeout,
            format!("\"{name}\" did not answer in time"),
        ),
        Behaviour::Late => Step::fail(
            Status::Outdated,
            format!("\"{name}\" answered after the request had expired"),
        ),
        Behaviour::Revoke => Step::to(Status::FinishedRevoked)
            .with("reason", format!("\"{name}\" accepted, then revoked")),
        Behaviour::Error => Step::fail(
            Status::FinishedErr,
            format!("the request to \"{name}\" failed"),
        ),
        Behaviour::Crash => Step::fail(
            Status::InternalError,
            format!("the connection to \"{name}\" broke"),
        ),
        Behaviour::Unreachable | Behaviour::Locked => Step::fail(
            Status::UserNotFound,
            format!("\"{name}\" cannot be reached"),
        ),
    })
}

/// A payment in a series counts against the series' limits; `Err` ends the payment.
fn count_in_series(ctx: &mut StepCtx, series_id: &str, amount: u64) -> Result<(), Step> {
    use super::world::SeriesState;
    let at = ctx.at;
    let Some(series) = ctx.world.series.get_mut(series_id) else {
        return Err(Step::fail(
            Status::ItemNotFound,
            format!("series {series_id} no longer exists"),
        ));
    };
    if series.failed {
        return Err(Step::fail(
            Status::CancelledDueToPreviousError,
            format!("an earlier payment of series {series_id} failed"),
        ));
    }
    let exceeded = |why: &str| {
        Err(Step::fail(
            Status::SeriesConstraintsExceeded,
            format!("series {series_id}: {why}"),
        ))
    };
    if series.state != SeriesState::Open {
        return exceeded("the series is not open");
    }
    if series.duration_ms > 0
        && series
            .accepted_at
            .is_some_and(|start| at >= start + series.duration_ms)
    {
        return exceeded("the series' duration is over");
    }
    if series.max_payments > 0 && series.payments >= series.max_payments {
        return exceeded("no payments are left in the series");
    }
    let total = series.total.checked_add(amount);
    if series.max_total > 0 && total.is_none_or(|total| total > series.max_total) {
        return exceeded("the payment is over the series' total");
    }
    series.payments += 1;
    series.total = total.unwrap_or(u64::MAX);
    Ok(())
}
