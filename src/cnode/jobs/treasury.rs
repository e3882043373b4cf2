//! SEND_MONEY_TO_TREASURY (sendMoneyToTreasuryRequest, master mode): a cashier's free money
//! above the treasury threshold goes to the treasury user.
//! PREPARATION → SEARCHING → the transfer path, or FINISHED_ERR_INVALID_DATA without a
//! treasury, FINISHED_ERR_NOT_ENOUGH_MONEY when nothing is above the threshold.

use super::{search, unexpected, Transfer};
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, Step, StepCtx};

pub struct SendToTreasury {
    pub cashier: String,
    transfer: Option<Transfer>,
}

impl SendToTreasury {
    pub fn new(cashier: String) -> SendToTreasury {
        SendToTreasury {
            cashier,
            transfer: None,
        }
    }
}

impl Job for SendToTreasury {
    fn kind(&self) -> TaskKind {
        TaskKind::SendMoneyToTreasury
    }

    fn counterparty(&self) -> Option<&str> {
        Some(self.cashier.as_str())
    }

    fn abandon(&mut self, ctx: &mut StepCtx) {
        if let Some(transfer) = self.transfer.as_mut() {
            transfer.abandon(ctx);
        }
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation => Step::to(Status::Searching),
            Status::Searching => self.searched(ctx).unwrap_or_else(|step| step),
            other => match self.transfer.as_mut().and_then(|t| t.next(other, ctx)) {
                Some(step) => step,
                None => unexpected(self.type_name(), other),
            },
        }
    }
}

impl SendToTreasury {
    fn searched(&mut self, ctx: &mut StepCtx) -> Result<Step, Step> {
        let Some(treasury) = ctx.world.node.treasury.clone() else {
            return Err(Step::fail(
                Status::InvalidData,
                "no treasury is set: call setTreasury first",
            ));
        };
        search(ctx, &self.cashier)?;
        let currency = ctx.world.node.default_currency.clone();
        let free = ctx.world.users[&self.cashier].balance(&currency).0;
        let amount = free.saturating_sub(ctx.world.node.treasury_threshold);
        if amount == 0 {
            return Err(Step::fail(
                Status::NotEnoughMoney,
                format!(
                    "\"{}\" has nothing above the treasury threshold",
                    self.cashier
                ),
            ));
        }
        let mut transfer = Transfer::new(
            self.cashier.clone(),
            treasury,
            self.cashier.clone(),
            amount,
            currency,
            "SEND_MONEY_TO_TREASURY",
        );
        let step = transfer.enter(ctx);
        self.transfer = Some(transfer);
        Ok(step)
    }
}
