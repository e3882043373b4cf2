//! Money as coins ("monexes"): a balance is the coins that make it up, so getCoinList,
//! getMoneyStatus and the change operations always agree.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// Face values in billons, smallest first: 0.001 PLN up to 5000 PLN (21 of them, as the
/// FACE_VALUE form of changeMonexAtBnode expects).
pub const DENOMINATIONS: [u64; 21] = [
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
    200_000, 500_000, 1_000_000, 2_000_000, 5_000_000,
];

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Coin {
    pub id: String,
    pub value: u64,
    pub issued: DateTime<Utc>,
    pub incoming: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

/// One currency of one user: free coins, coins reserved by transfers in flight, and the vault.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Wallet {
    pub coins: Vec<Coin>,
    pub reserved: Vec<Coin>,
    pub vault: u64,
}

/// Makes new coins with reproducible ids.
#[derive(Clone, Debug)]
pub struct Mint {
    rng: fastrand::Rng,
}

impl Mint {
    pub fn new(seed: u64) -> Mint {
        Mint {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    pub fn coin(&mut self, value: u64, now: DateTime<Utc>) -> Coin {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let id = (0..26)
            .map(|_| ALPHABET[self.rng.usize(..ALPHABET.len())] as char)
            .collect();
        Coin {
            id,
            value,
            issued: now - TimeDelta::days(30),
            incoming: now,
            expires: now + TimeDelta::days(730),
        }
    }

    /// New coins worth `amount`, largest denominations first.
    pub fn coins_for(&mut self, amount: u64, now: DateTime<Utc>) -> Vec<Coin> {
        decompose(amount, &DENOMINATIONS)
            .into_iter()
            .map(|value| self.coin(value, now))
            .collect()
    }
}

/// `amount` as face values from `allowed` (ascending), largest first; what cannot be made
/// from them is left out, so check the sum when `allowed` has no 1.
pub fn decompose(mut amount: u64, allowed: &[u64]) -> Vec<u64> {
    let mut values = Vec::new();
    for &face in allowed.iter().rev() {
        while amount >= face {
            values.push(face);
            amount -= face;
        }
    }
    values
}

impl Wallet {
    pub fn free(&self) -> u64 {
        self.coins.iter().map(|c| c.value).sum()
    }

    pub fn locked(&self) -> u64 {
        self.reserved.iter().map(|c| c.value).sum()
    }

    pub fn receive(&mut self, coins: Vec<Coin>, now: DateTime<Utc>) {
        self.coins.extend(coins.into_iter().map(|coin| Coin {
            incoming: now,
            ..coin
        }));
    }

    /// Coins worth exactly `amount` from the free ones, largest first; when they cannot make
    /// it exactly, the smallest coin left is split into the rest and its change, as a till
    /// would. `None` (and nothing taken) when the free balance is short.
    pub fn take(&mut self, amount: u64, mint: &mut Mint, now: DateTime<Utc>) -> Option<Vec<Coin>> {
        if amount > self.free() {
            return None;
        }
        let mut coins = std::mem::take(&mut self.coins);
        coins.sort_by_key(|c| std::cmp::Reverse(c.value));
        let (mut taken, mut kept) = (Vec::new(), Vec::new());
        let mut left = amount;
        for coin in coins {
            if coin.value <= left {
                left -= coin.value;
                taken.push(coin);
            } else {
                kept.push(coin);
            }
        }
        if left > 0 {
            // Every coin kept is worth more than what is left, and there is one: free >= amount.
            let split = kept.pop().expect("a coin larger than the rest");
            taken.extend(mint.coins_for(left, now));
            kept.extend(mint.coins_for(split.value - left, now));
        }
        self.coins = kept;
        Some(taken)
    }

    /// Coins worth exactly `amount`, largest first, without breaking any; `None` (and
    /// nothing taken) when the coins held cannot make it.
    pub fn take_exact(&mut self, amount: u64) -> Option<Vec<Coin>> {
        let mut order: Vec<usize> = (0..self.coins.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.coins[i].value));
        let mut left = amount;
        let mut chosen = Vec::new();
        for i in order {
            if self.coins[i].value <= left {
                left -= self.coins[i].value;
                chosen.push(i);
            }
        }
        if left != 0 {
            return None;
        }
        // Slots, not Vec::remove: taking k of n coins stays linear.
        let mut slots: Vec<Option<Coin>> = std::mem::take(&mut self.coins)
            .into_iter()
            .map(Some)
            .collect();
        let taken = chosen.iter().filter_map(|&i| slots[i].take()).collect();
        self.coins = slots.into_iter().flatten().collect();
        Some(taken)
    }

    /// Moves coins worth `amount` from free to reserved; answers their ids.
    pub fn reserve(
        &mut self,
        amount: u64,
        mint: &mut Mint,
        now: DateTime<Utc>,
    ) -> Option<Vec<String>> {
        let coins = self.take(amount, mint, now)?;
        let ids = coins.iter().map(|c| c.id.clone()).collect();
        self.reserved.extend(coins);
        Some(ids)
    }

    /// Takes the reserved coins with these ids out of the wallet.
    pub fn release(&mut self, ids: &[String]) -> Vec<Coin> {
        let (released, kept) = std::mem::take(&mut self.reserved)
            .into_iter()
            .partition(|c| ids.contains(&c.id));
        self.reserved = kept;
        released
    }
}

#[cfg(test)]
mod tests {
    /// A fixed instant: tests take no time from the real clock.
    fn test_now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a valid instant")
    }

    use super::*;

    fn wallet(amount: u64, mint: &mut Mint) -> Wallet {
        Wallet {
            coins: mint.coins_for(amount, test_now()),
            ..Wallet::default()
        }
    }

    #[test]
    fn coins_add_up_to_the_balance() {
        let mut mint = Mint::new(7);
        let w = wallet(1_234_567, &mut mint);
        assert_eq!(w.free(), 1_234_567);
        assert_eq!(decompose(8, &DENOMINATIONS), vec![5, 2, 1]);
    }

    #[test]
    fn taking_breaks_a_coin_when_it_must_and_keeps_the_total() {
        let mut mint = Mint::new(7);
        let mut w = wallet(1_000, &mut mint);
        let taken = w.take(333, &mut mint, test_now()).unwrap();
        assert_eq!(taken.iter().map(|c| c.value).sum::<u64>(), 333);
        assert_eq!(w.free(), 667);
        assert!(w.take(668, &mut mint, test_now()).is_none());
        assert_eq!(w.free(), 667, "a refused take changes nothing");
    }

    #[test]
    fn reserve_and_release_move_the_same_coins() {
        let mut mint = Mint::new(7);
        let mut w = wallet(700, &mut mint);
        let ids = w.reserve(200, &mut mint, test_now()).unwrap();
        assert_eq!((w.free(), w.locked()), (500, 200));
        let back = w.release(&ids);
        assert_eq!(back.iter().map(|c| c.value).sum::<u64>(), 200);
        assert_eq!(w.locked(), 0);
    }

    #[test]
    fn the_same_seed_mints_the_same_ids() {
        let now = test_now();
        assert_eq!(Mint::new(3).coin(1, now).id, Mint::new(3).coin(1, now).id);
    }
}
