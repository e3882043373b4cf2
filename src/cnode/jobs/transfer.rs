//! Money moving between two users, shared by every task that moves money once it is agreed:
//! [WAITING_FOR_VERIFICATION] → [WAITING_FOR_WRITE_PERMISSION] → TRANSFERRING
//! [→ WAITING_FOR_RESTART → TRANSFERRING] → FINISHED_OK, or a failure on the way.
//! While in flight the payer's coins are reserved (lockedBalance); on failure they return.

use chrono::Datelike;

use crate::cnode::status::Status;
use crate::cnode::task::{NextIn, Step, StepCtx};
use crate::cnode::world::{Behaviour, Connection, HistoryEntry, Verification, World};

pub struct Transfer {
    pub payer: String,
    pub payee: String,
    /// The other party, whose connection and verification the transfer depends on.
    pub peer: String,
    pub amount: u64,
    pub currency: String,
    /// The history entry's type (GIVE_MONEY, PAYMENT_REQUEST, ...).
    pub kind: &'static str,
    pub comment: String,
    /// A payout (MONEY_COLLECT): the payee's account must be valid.
    pub payout: bool,
    /// The series the payment belongs to, if any.
    pub series: Option<String>,
    reserved: Vec<String>,
    restarted: bool,
    started: Option<chrono::DateTime<chrono::Utc>>,
}

impl Transfer {
    pub fn new(
        payer: String,
        payee: String,
        peer: String,
        amount: u64,
        currency: String,
        kind: &'static str,
    ) -> Transfer {
        Transfer {
            payer,
            payee,
            peer,
            amount,
            currency,
            kind,
            comment: String::new(),
            payout: false,
            series: None,
            reserved: Vec::new(),
            restarted: false,
            started: None,
        }
    }

    /// The first step once the transfer is agreed.
    pub fn enter(&mut self, ctx: &mut StepCtx) -> Step {
        self.started.get_or_insert(ctx.now);
        match peer(ctx.world, &self.peer).map(|p| p.verification) {
            Some(Verification::Pass | Verification::Timeout) => {
                Step::to(Status::WaitingForVerification)
            }
            _ => self.reserve(ctx),
        }
    }

    /// The step after one of the statuses this transfer owns; `None` for any other status.
    pub fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Option<Step> {
        Some(match current {
            Status::WaitingForVerification => {
                match peer(ctx.world, &self.peer).map(|p| p.verification) {
                    Some(Verification::Timeout) => self.fail(
                        ctx,
                        Status::VerificationTimeout,
                        format!(
                            "\"{}\" did not complete the verification in time",
                            self.peer
                        ),
                    ),
                    _ => self.reserve(ctx),
                }
            }
            Status::WaitingForWritePermission => Step::to(Status::Transferring),
            Status::WaitingForRestart => Step::to(Status::Transferring),
            Status::Transferring => self.transferring(ctx),
            _ => return None,
        })
    }

    /// Ends the transfer in a failure: reserved coins go back, the series learns of it.
    pub fn fail(
        &mut self,
        ctx: &mut StepCtx,
        status: Status,
        description: impl Into<String>,
    ) -> Step {
        self.failed(ctx, Step::fail(status, description))
    }

    /// The task is going away unfinished (expired, deleted, forced): money held goes back.
    pub fn abandon(&mut self, ctx: &mut StepCtx) {
        if !self.reserved.is_empty() {
            self.count_usage(ctx, -1);
        }
        self.release(ctx.world);
    }

    /// Ends the transfer with a final step decided elsewhere (a refusal, a revocation).
    pub fn failed(&mut self, ctx: &mut StepCtx, step: Step) -> Step {
        self.release(ctx.world);
        if let Some(series) = self
            .series
            .as_ref()
            .and_then(|id| ctx.world.series.get_mut(id))
        {
            series.failed = true;
        }
        step
    }

    fn reserve(&mut self, ctx: &mut StepCtx) -> Step {
        if let Err(step) = self.check_limits(ctx) {
            return step;
        }
        if self.payout && peer(ctx.world, &self.payee).is_some_and(|p| !p.account_valid) {
            return self.fail(
                ctx,
                Status::InvalidAccountNumber,
                format!("\"{}\" has no valid account for a payout", self.payee),
            );
        }
        let now = ctx.now;
        let reserved = ctx
            .world
            .wallet_and_mint(&self.payer, &self.currency)
            .and_then(|(wallet, mint)| wallet.reserve(self.amount, mint, now));
        let Some(ids) = reserved else {
            return self.fail(
                ctx,
                Status::NotEnoughMoney,
                format!(
                    "\"{}\" has less than {} {} free",
                    self.payer, self.amount, self.currency
                ),
            );
        };
        self.reserved = ids;
        self.count_usage(ctx, 1);
        match ctx.world.node.write_permission_delay_ms {
            0 => Step::to(Status::Transferring),
            delay => Step::to(Status::WaitingForWritePermission).next_in(NextIn::After(delay)),
        }
    }

    fn transferring(&mut self, ctx: &mut StepCtx) -> Step {
        let (connection, behaviour) = peer(ctx.world, &self.peer)
            .map_or((Connection::Stable, Behaviour::Accept), |p| {
                (p.connection, p.behaviour)
            });
        match connection {
            Connection::Flaky if !self.restarted => {
                self.restarted = true;
                return Step::to(Status::WaitingForRestart);
            }
            Connection::Timeout => {
                self.count_usage(ctx, -1);
                return self.fail(
                    ctx,
                    Status::Timeout,
                    format!("the transfer with \"{}\" timed out", self.peer),
                );
            }
            _ => {}
        }
        if behaviour == Behaviour::Crash {
            self.count_usage(ctx, -1);
            return self.fail(
                ctx,
                Status::InternalError,
                format!("the connection to \"{}\" broke mid-transfer", self.peer),
            );
        }
        self.complete(ctx);
        Step::to(Status::FinishedOk)
            .with("amount", self.amount)
            .with("currency", self.currency.as_str())
            .with("from", self.payer.as_str())
            .with("to", self.payee.as_str())
    }

    fn complete(&mut self, ctx: &mut StepCtx) {
        let now = ctx.now;
        let coins = match ctx.world.wallet_and_mint(&self.payer, &self.currency) {
            Some((wallet, _)) => wallet.release(&std::mem::take(&mut self.reserved)),
            None => Vec::new(),
        };
        if let Some(wallet) = ctx.world.receiving_wallet(&self.payee, &self.currency) {
            wallet.receive(coins, now);
        }
        let started = self.started.unwrap_or(now);
        let entry = |amount: i64, counterparty: &str| HistoryEntry {
            kind: self.kind.to_owned(),
            task_id: ctx.task_id.to_string(),
            started,
            finished: now,
            amount,
            currency: self.currency.clone(),
            counterparty: counterparty.to_owned(),
            comment: self.comment.clone(),
            transaction: true,
        };
        let (out, incoming) = (
            entry(-(self.amount as i64), &self.payee),
            entry(self.amount as i64, &self.payer),
        );
        if let Some(user) = ctx.world.user_mut(&self.payer) {
            user.history.push(out);
        }
        if let Some(user) = ctx.world.user_mut(&self.payee) {
            user.history.push(incoming);
        }
        if ctx.world.node.logged_in.as_deref() == Some(self.payee.as_str()) {
            ctx.world.sweep_to_treasury(ctx.task_id.as_str(), now);
        }
    }

    fn release(&mut self, world: &mut World) {
        if let Some((wallet, _)) = world.wallet_and_mint(&self.payer, &self.currency) {
            let coins = wallet.release(&std::mem::take(&mut self.reserved));
            wallet.coins.extend(coins);
        }
    }

    /// Limits of the payer (buyer) and the payee (seller) for today, by the emulator's clock.
    fn check_limits(&mut self, ctx: &mut StepCtx) -> Result<(), Step> {
        let day = ctx.now.num_days_from_ce();
        let amount = self.amount;
        let payer = ctx
            .world
            .user_mut(&self.payer)
            .map(|u| (u.limits, u.usage_on(day).clone()));
        if let Some((limits, usage)) = payer {
            if limits.send_count_per_day > 0 && usage.sent_count >= limits.send_count_per_day {
                let text = format!(
                    "\"{}\" may make {} transfers a day",
                    self.payer, limits.send_count_per_day
                );
                return Err(self.fail(ctx, Status::OutTransfersLimitExceeded, text));
            }
            let over_one = limits.send_per_transfer > 0 && amount > limits.send_per_transfer;
            let over_day =
                limits.send_per_day > 0 && usage.sent.saturating_add(amount) > limits.send_per_day;
            if over_one || over_day {
                let text = format!("{amount} is over what \"{}\" may pay", self.payer);
                return Err(self.fail(ctx, Status::BuyerLimitsExceeded, text));
            }
        }
        let payee = ctx
            .world
            .user_mut(&self.payee)
            .map(|u| (u.limits, u.usage_on(day).clone()));
        if let Some((limits, usage)) = payee {
            let over_one = limits.receive_per_transfer > 0 && amount > limits.receive_per_transfer;
            let over_day =
                limits.receive_per_day > 0 && usage.received + amount > limits.receive_per_day;
            if over_one || over_day {
                let text = format!("{amount} is over what \"{}\" may receive", self.payee);
                return Err(self.fail(ctx, Status::SellerLimitsExceeded, text));
            }
        }
        Ok(())
    }

    /// Counts the transfer against the day's limits (`-1` takes it back when it fails).
    fn count_usage(&self, ctx: &mut StepCtx, sign: i64) {
        let day = ctx.now.num_days_from_ce();
        let amount = self.amount;
        let add = |value: u64| {
            if sign > 0 {
                value + amount
            } else {
                value.saturating_sub(amount)
            }
        };
        if let Some(user) = ctx.world.user_mut(&self.payer) {
            let usage = user.usage_on(day);
            usage.sent = add(usage.sent);
            usage.sent_count = if sign > 0 {
                usage.sent_count + 1
            } else {
                usage.sent_count.saturating_sub(1)
            };
        }
        if let Some(user) = ctx.world.user_mut(&self.payee) {
            let usage = user.usage_on(day);
            usage.received = add(usage.received);
        }
    }
}

fn peer<'w>(world: &'w World, name: &str) -> Option<&'w crate::cnode::world::User> {
    world.users.get(name)
}
