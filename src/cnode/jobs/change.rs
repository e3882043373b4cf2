//! CHANGE_MONEY (changeMoney) and CHANGE_MONEX_AT_BNODE (changeMonexAtBnode): the node's
//! user swaps coins for other denominations; the free balance stays the same.
//! CHANGE_MONEY: PREPARATION → TRANSFERRING → FINISHED_OK, FINISHED_ERR_COLLECTING_MONEX_AMOUNT
//! (not that much free) or FINISHED_ERR_CHANGE_MISMATCH (no coins make the amount exactly, or
//! none of them can be split). CHANGE_MONEX_AT_BNODE: PREPARATION (the request is checked:
//! FINISHED_ERR_INVALID_DATA) → SEARCHING (the bank node: FINISHED_ERR_NOT_FOUND,
//! FINISHED_ERR_ITEM_NOT_FOUND) → TRANSFERRING → FINISHED_OK or the errors above.

use super::unexpected;
use crate::cnode::status::Status;
use crate::cnode::task::TaskKind;
use crate::cnode::task::{Job, Step, StepCtx};
use crate::cnode::world::{decompose, Coin, HistoryEntry, DENOMINATIONS};

/// The most coins one change hands out.
const MAX_COINS: u64 = 10_000;

/// The most coins a wallet holds after a change: changing again and again would otherwise
/// break money into ever more coins, until every look at the wallet is slow.
const MAX_WALLET_COINS: usize = 10_000;

/// Refuses a change that hands out too many coins, or leaves the wallet with too many.
fn check_coin_count(coins_out: u64, held: usize) -> Result<(), Step> {
    if coins_out > MAX_COINS {
        return Err(mismatch(&format!(
            "a change hands out at most {MAX_COINS} coins, this one would need {coins_out}"
        )));
    }
    if held.saturating_add(coins_out as usize) > MAX_WALLET_COINS {
        return Err(mismatch(&format!(
            "the wallet would hold more than {MAX_WALLET_COINS} coins"
        )));
    }
    Ok(())
}

pub struct ChangeMoney {
    pub user: String,
    pub amount: u64,
    pub currency: String,
}

impl Job for ChangeMoney {
    fn kind(&self) -> TaskKind {
        TaskKind::ChangeMoney
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation => Step::to(Status::Transferring),
            Status::Transferring => self.change(ctx).unwrap_or_else(|step| step),
            other => unexpected(self.type_name(), other),
        }
    }
}

impl ChangeMoney {
    /// Splits coins worth exactly the amount, each into the next smaller denominations.
    fn change(&self, ctx: &mut StepCtx) -> Result<Step, Step> {
        let now = ctx.now;
        let (wallet, mint) = ctx
            .world
            .wallet_and_mint(&self.user, &self.currency)
            .ok_or_else(|| collecting_failed(self.amount, &self.currency))?;
        if wallet.free() < self.amount {
            return Err(collecting_failed(self.amount, &self.currency));
        }
        let taken = wallet
            .take_exact(self.amount)
            .ok_or_else(|| mismatch("no coins make up the amount exactly"))?;
        if taken.iter().all(|c| c.value == 1) {
            wallet.coins.extend(taken);
            return Err(mismatch("the coins are already the smallest there are"));
        }
        let coins_in = taken.len();
        let values: Vec<u64> = taken
            .iter()
            .flat_map(|coin| {
                let smaller: Vec<u64> = DENOMINATIONS
                    .iter()
                    .copied()
                    .filter(|&d| d < coin.value)
                    .collect();
                if smaller.is_empty() {
                    vec![coin.value]
                } else {
                    decompose(coin.value, &smaller)
                }
            })
            .collect();
        if let Err(refused) = check_coin_count(values.len() as u64, wallet.coins.len()) {
            wallet.coins.extend(taken);
            return Err(refused);
        }
        let change: Vec<Coin> = values
            .into_iter()
            .map(|value| mint.coin(value, now))
            .collect();
        let coins_out = change.len();
        wallet.receive(change, now);
        record(ctx, "CHANGE_MONEY", self.amount, &self.user, &self.currency);
        Ok(Step::to(Status::FinishedOk)
            .with("amount", self.amount)
            .with("coinsIn", coins_in)
            .with("coinsOut", coins_out))
    }
}

pub struct ChangeAtBnode {
    pub user: String,
    pub amount: u64,
    pub currency: String,
    /// AMOUNT, HISTOGRAM or FACE_VALUE.
    pub change_type: String,
    pub value: String,
}

impl Job for ChangeAtBnode {
    fn kind(&self) -> TaskKind {
        TaskKind::ChangeMonexAtBnode
    }

    fn next(&mut self, current: Status, ctx: &mut StepCtx) -> Step {
        match current {
            Status::Preparation => match self.target_coins() {
                Err(why) => Step::fail(Status::InvalidData, why),
                Ok(_) => Step::to(Status::Searching),
            },
            Status::Searching => {
                let bnode = &ctx.world.node.bnode;
                if !bnode.available {
                    Step::fail(Status::NotFound, "the bank node cannot be reached")
                } else if !bnode.currencies.contains(&self.currency) {
                    Step::fail(
                        Status::ItemNotFound,
                        format!("the bank node does not change {}", self.currency),
                    )
                } else {
                    Step::to(Status::Transferring)
                }
            }
            Status::Transferring => self.change(ctx).unwrap_or_else(|step| step),
            other => unexpected(self.type_name(), other),
        }
    }
}

impl ChangeAtBnode {
    /// The coins (face value, count) the amount is to be changed into. The outer `Err` says
    /// what is wrong with the request; the inner one why no such change can be made.
    fn target_coins(&self) -> Result<Result<Vec<(u64, u64)>, String>, String> {
        let value = self.value.trim();
        let coins = match self.change_type.as_str() {
            "AMOUNT" => {
                // The target coin's face value, in milli-billons.
                let milli: u64 = value
                    .parse()
                    .map_err(|_| format!("value \"{value}\" is not a number of milli-billons"))?;
                let face = milli / 1000;
                if milli % 1000 != 0 || !DENOMINATIONS.contains(&face) {
                    return Ok(Err(format!(
                        "{milli} milli-billons is not a coin's face value"
                    )));
                }
                if self.amount % face != 0 {
                    return Ok(Err(format!(
                        "{} cannot be made of coins of {face}",
                        self.amount
                    )));
                }
                vec![(face, self.amount / face)]
            }
            "HISTOGRAM" => {
                let allowed =
                    curve(value).ok_or_else(|| format!("\"{value}\" is not an issuance curve"))?;
                let mut left = self.amount;
                let mut coins = Vec::new();
                for &face in allowed.iter().rev() {
                    coins.push((face, left / face));
                    left %= face;
                }
                if left != 0 {
                    return Ok(Err(format!(
                        "{} cannot be made of the coins of {value}",
                        self.amount
                    )));
                }
                coins
            }
            "FACE_VALUE" => {
                let counts = value
                    .lines()
                    .map(|line| line.trim().parse::<u64>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| "value must be counts of coins, one number a line".to_owned())?;
                if counts.len() > DENOMINATIONS.len() {
                    return Err(format!(
                        "value lists {} counts; there are {} denominations",
                        counts.len(),
                        DENOMINATIONS.len()
                    ));
                }
                let coins: Vec<(u64, u64)> = DENOMINATIONS.iter().copied().zip(counts).collect();
                let total = coins.iter().try_fold(0u64, |sum, &(face, count)| {
                    sum.checked_add(face.checked_mul(count)?)
                });
                if total != Some(self.amount) {
                    return Ok(Err(format!(
                        "the face values do not add up to {}",
                        self.amount
                    )));
                }
                coins
            }
            other => {
                return Err(format!(
                    "changeMonexType \"{other}\" is not AMOUNT, HISTOGRAM or FACE_VALUE"
                ))
            }
        };
        Ok(Ok(coins
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .collect()))
    }

    fn change(&self, ctx: &mut StepCtx) -> Result<Step, Step> {
        let now = ctx.now;
        let (wallet, mint) = ctx
            .world
            .wallet_and_mint(&self.user, &self.currency)
            .ok_or_else(|| collecting_failed(self.amount, &self.currency))?;
        if wallet.free() < self.amount {
            return Err(collecting_failed(self.amount, &self.currency));
        }
        let coins = match self.target_coins() {
            Ok(Ok(coins)) => coins,
            Ok(Err(why)) => return Err(mismatch(&why)),
            Err(why) => return Err(Step::fail(Status::InvalidData, why)),
        };
        let coins_out: u64 = coins.iter().map(|&(_, count)| count).sum();
        check_coin_count(coins_out, wallet.coins.len())?;
        // The bank node can break any coin, so only the free balance matters.
        let taken = wallet
            .take(self.amount, mint, now)
            .ok_or_else(|| collecting_failed(self.amount, &self.currency))?;
        let coins_in = taken.len();
        let change: Vec<Coin> = coins
            .iter()
            .flat_map(|&(face, count)| std::iter::repeat_n(face, count as usize))
            .map(|face| mint.coin(face, now))
            .collect();
        let coins_out = change.len();
        wallet.receive(change, now);
        record(
            ctx,
            "CHANGE_MONEX_AT_BNODE",
            self.amount,
            &self.user,
            &self.currency,
        );
        Ok(Step::to(Status::FinishedOk)
            .with("amount", self.amount)
            .with("coinsIn", coins_in)
            .with("coinsOut", coins_out))
    }
}

/// The denominations of an issuance curve.
fn curve(name: &str) -> Option<Vec<u64>> {
    let range = match name {
        "DEFAULT_ISSUANCE_CURVE" => 1..=5_000_000,
        "GROSZY_ISSUANCE_CURVE" => 10..=500,
        "ZLOTY_ISSUANCE_CURVE" => 1_000..=5_000,
        "TENS_ISSUANCE_CURVE" => 10_000..=50_000,
        "HUNDREDS_ISSUANCE_CURVE" => 100_000..=500_000,
        _ => return None,
    };
    Some(
        DENOMINATIONS
            .iter()
            .copied()
            .filter(|d| range.contains(d))
            .collect(),
    )
}

fn mismatch(why: &str) -> Step {
    Step::fail(
        Status::ChangeMismatch,
        format!("no change can be made: {why}"),
    )
}

fn collecting_failed(amount: u64, currency: &str) -> Step {
    Step::fail(
        Status::CollectingMonexAmount,
        format!("less than {amount} {currency} is free to change"),
    )
}

fn record(ctx: &mut StepCtx, kind: &str, amount: u64, user: &str, currency: &str) {
    let entry = HistoryEntry {
        kind: kind.to_owned(),
        task_id: ctx.task_id.to_string(),
        started: ctx.now,
        finished: ctx.now,
        amount: 0,
        currency: currency.to_owned(),
        counterparty: String::new(),
        comment: format!("changed {amount}"),
        transaction: false,
    };
    if let Some(user) = ctx.world.user_mut(user) {
        user.history.push(entry);
    }
}
