//! What the front door asks about users: whether one exists, a merchant profile, and the
//! logged-in user's password, money, coins and history.

use super::{Coin, HistoryEntry, MerchantData, User, World};

/// A user name the world does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownUser;

/// What checking the logged-in user's password found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    NobodyLoggedIn,
    Wrong,
    Right,
}

/// One currency's money: free, in the vault, and locked by transfers in flight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    pub free: u64,
    pub vault: u64,
    pub locked: u64,
}

/// The logged-in user's money, as getMoneyStatus shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Money {
    /// In the node's default currency (nothing when the user holds none of it).
    pub in_default_currency: Balance,
    /// In each currency the user holds, by currency code.
    pub by_currency: Vec<(String, Balance)>,
}

/// The logged-in user's coins with their currencies, currency by currency.
#[derive(Clone, Debug, Default)]
pub struct CoinList<'a> {
    pub free: Vec<(&'a str, &'a Coin)>,
    /// Held back by transfers in flight.
    pub reserved: Vec<(&'a str, &'a Coin)>,
}

impl World {
    pub fn user_exists(&self, name: &str) -> bool {
        self.users.contains_key(name)
    }

    /// A user's merchant profile; empty for a user the world does not hold.
    pub fn merchant_data(&self, user: &str) -> MerchantData {
        self.users
            .get(user)
            .map(|u| u.merchant_data.clone())
            .unwrap_or_default()
    }

    pub fn check_logged_in_password(&self, password: &str) -> PasswordCheck {
        match self.logged_in_user() {
            None => PasswordCheck::NobodyLoggedIn,
            Some((_, user)) if user.password == password => PasswordCheck::Right,
            Some(_) => PasswordCheck::Wrong,
        }
    }

    /// `None` when nobody is logged in.
    pub fn logged_in_money(&self) -> Option<Money> {
        let (_, user) = self.logged_in_user()?;
        Some(Money {
            in_default_currency: balance(user, &self.node.default_currency),
            by_currency: user
                .wallets
                .keys()
                .map(|currency| (currency.clone(), balance(user, currency)))
                .collect(),
        })
    }

    /// `None` when nobody is logged in.
    pub fn logged_in_coins(&self) -> Option<CoinList<'_>> {
        let (_, user) = self.logged_in_user()?;
        let mut list = CoinList::default();
        for (currency, wallet) in &user.wallets {
            list.free
                .extend(wallet.coins.iter().map(|c| (currency.as_str(), c)));
            list.reserved
                .extend(wallet.reserved.iter().map(|c| (currency.as_str(), c)));
        }
        Some(list)
    }

    /// What happened to the logged-in user's money, oldest first; `None` when nobody is
    /// logged in.
    pub fn logged_in_history(&self) -> Option<&[HistoryEntry]> {
        self.logged_in_user()
            .map(|(_, user)| user.history.as_slice())
    }
}

fn balance(user: &User, currency: &str) -> Balance {
    let (free, vault, locked) = user.balance(currency);
    Balance {
        free,
        vault,
        locked,
    }
}
