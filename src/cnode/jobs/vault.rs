//! SEND_MONEY_TO_VAULT and GET_MONEY_FROM_VAULT: the node's user moves money between free
//! and vault. PREPARATION → [WAITING_FOR_WRITE_PERMISSION] → TRANSFERRING → FINISHED_OK, or
//! FINISHED_ERR_NOT_ENOUGH_MONEY. Money sent to the vault is locked while in flight.

use super::unexpected;
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, NextIn, Step, StepCtx};
use crate::cnode::world::HistoryEntry;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultDirection {
    ToVault,
    FromVault,
}

pub struct Vault {
    pub direction: VaultDirection,
    pub user: String,
    pub amount: u64,
    pub currency: String,
    reserved: Vec<String>,
    /// Money taken out of the vault and not yet in free (FromVault).
    held: u64,
}

impl Vault {
    pub fn new(direction: VaultDirection, user: String, amount: u64, currency: String) -> Vault {
        Vault {
            direction,
            user,
            amount,
            currency,
            reserved: Vec::new(),
            held: 0,
        }
    }
}

impl Job for Vault {
    fn kind(&self) -> TaskKind {
        match self.direction {
            VaultDirection::ToVault => TaskKind::SendMoneyToVault,
            VaultDirection::FromVault => TaskKind::GetMoneyFromVault,
        }
    }

    fn abandon(&mut self, ctx: &mut StepCtx) {
        if let Some((wallet, _)) = ctx.world.wallet_and_mint(&self.user, &self.currency) {
            let coins = wallet.release(&std::mem::take(&mut self.reserved));
            wallet.coins.extend(coins);
            wallet.vault += std::mem::take(&mut self.held);
        }
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation => self.hold(ctx),
            Status::WaitingForWritePermission => Step::to(Status::Transferring),
            Status::Transferring => self.complete(ctx),
            other => unexpected(self.type_name(), other),
        }
    }
}

impl Vault {
    /// Takes the money out of where it comes from, so nothing else can spend it meanwhile.
    fn hold(&mut self, ctx: &mut StepCtx) -> Step {
        let now = ctx.now;
        let amount = self.amount;
        let held = match ctx.world.wallet_and_mint(&self.user, &self.currency) {
            None => false,
            Some((wallet, mint)) => match self.direction {
                VaultDirection::ToVault => wallet
                    .reserve(amount, mint, now)
                    .map(|ids| self.reserved = ids)
                    .is_some(),
                VaultDirection::FromVault if wallet.vault >= amount => {
                    wallet.vault -= amount;
                    self.held = amount;
                    true
                }
                VaultDirection::FromVault => false,
            },
        };
        if !held {
            let place = if self.direction == VaultDirection::ToVault {
                "free"
            } else {
                "in the vault"
            };
            return Step::fail(
                Status::NotEnoughMoney,
                format!("less than {amount} {} {place}", self.currency),
            );
        }
        match ctx.world.node.write_permission_delay_ms {
            0 => Step::to(Status::Transferring),
            delay => Step::to(Status::WaitingForWritePermission).next_in(NextIn::After(delay)),
        }
    }

    fn complete(&mut self, ctx: &mut StepCtx) -> Step {
        let now = ctx.now;
        let amount = self.amount;
        if let Some((wallet, mint)) = ctx.world.wallet_and_mint(&self.user, &self.currency) {
            match self.direction {
                VaultDirection::ToVault => {
                    wallet.release(&std::mem::take(&mut self.reserved));
                    wallet.vault += amount;
                }
                VaultDirection::FromVault => {
                    let coins = mint.coins_for(amount, now);
                    wallet.receive(coins, now);
                    self.held = 0;
                }
            }
        }
        let signed = match self.direction {
            VaultDirection::ToVault => -(amount as i64),
            VaultDirection::FromVault => amount as i64,
        };
        let entry = HistoryEntry {
            kind: self.type_name().to_owned(),
            task_id: ctx.task_id.to_string(),
            started: now,
            finished: now,
            amount: signed,
            currency: self.currency.clone(),
            counterparty: "vault".into(),
            comment: String::new(),
            transaction: false,
        };
        if let Some(user) = ctx.world.user_mut(&self.user) {
            user.history.push(entry);
        }
        if self.direction == VaultDirection::FromVault {
            ctx.world.sweep_to_treasury(ctx.task_id.as_str(), now);
        }
        Step::to(Status::FinishedOk)
            .with("amount", amount)
            .with("currency", self.currency.as_str())
    }
}
