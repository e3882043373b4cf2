//! GIVE_MONEY and MONEY_COLLECT (giveMoneyRequest): the node's user pays another user.
//! PREPARATION → SEARCHING → then the transfer path ([`Transfer`]). The receiver needs no
//! decision, but one who rejects incoming transfers ends it FINISHED_ERR_USER_REJECTED.

use super::{count_in_series, search, unexpected, Transfer};
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, Step, StepCtx};
use crate::cnode::world::Behaviour;

pub struct GiveMoney {
    pub transfer: Transfer,
}

impl Job for GiveMoney {
    fn kind(&self) -> TaskKind {
        if self.transfer.payout {
            TaskKind::MoneyCollect
        } else {
            TaskKind::GiveMoney
        }
    }

    fn counterparty(&self) -> Option<&str> {
        Some(self.transfer.payee.as_str())
    }

    fn abandon(&mut self, ctx: &mut StepCtx) {
        self.transfer.abandon(ctx);
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation => Step::to(Status::Searching),
            Status::Searching => self
                .searched(ctx)
                .unwrap_or_else(|step| self.transfer.failed(ctx, step)),
            other => self
                .transfer
                .next(other, ctx)
                .unwrap_or_else(|| unexpected(self.type_name(), other)),
        }
    }
}

impl GiveMoney {
    fn searched(&mut self, ctx: &mut StepCtx) -> Result<Step, Step> {
        let transfer = &self.transfer;
        if let Some(series) = transfer.series.clone() {
            // Beyond the series' limits is a refusal, not a failure of the series.
            if let Err(refused) = count_in_series(ctx, &series, transfer.amount) {
                return Ok(refused);
            }
        }
        search(ctx, &transfer.payee)?;
        if transfer.payee == transfer.payer {
            return Err(Step::fail(
                Status::InvalidUsername,
                "a user cannot send money to themselves",
            ));
        }
        match ctx.world.users[&transfer.payee].behaviour {
            Behaviour::Reject => Err(Step::fail(
                Status::UserRejected,
                format!("\"{}\" refuses incoming transfers", transfer.payee),
            )),
            Behaviour::Error => Err(Step::fail(
                Status::FinishedErr,
                format!("the transfer to \"{}\" failed", transfer.payee),
            )),
            _ => Ok(self.transfer.enter(ctx)),
        }
    }
}
