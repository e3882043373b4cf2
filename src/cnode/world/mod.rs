//! The simulated world around the node: who is on the network, what they own, how they
//! answer, and the node's own state. Built from a [`WorldFile`]; changed only by the engine.

mod file;
mod node;
mod series;
mod users;
mod wallet;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use file::{
    BalanceFile, BnodeFile, NodeFile, SlaveFile, UserFile, WorldFile, DEFAULT_WORLD_TOML,
};
pub use users::{Balance, CoinList, Money, PasswordCheck, UnknownUser};
pub use wallet::{decompose, Coin, Mint, Wallet, DENOMINATIONS};

use crate::engine::clock::Millis;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Normal,
    Master,
    Slave,
}

/// How a user answers a payment or data request (and an incoming transfer).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Behaviour {
    /// Accepts after `decision_delay`.
    #[default]
    Accept,
    /// Refuses: FINISHED_ERR_USER_REJECTED.
    Reject,
    /// Never answers: FINISHED_ERR_USER_TIMEOUT after the node's decision timeout.
    Ignore,
    /// Answers only after the request is outdated: FINISHED_ERR_OUTDATED.
    Late,
    /// Accepts, then withdraws the acceptance: FINISHED_REVOKED.
    Revoke,
    /// Cannot be found in the network: FINISHED_ERR_USER_NOT_FOUND.
    Unreachable,
    /// The account is locked: FINISHED_ERR_LOCKED.
    Locked,
    /// Fails without saying why: FINISHED_ERR.
    Error,
    /// The peer's software breaks mid-way: FINISHED_ERR_INTERNAL_ERROR.
    Crash,
}

/// How a transfer with the user goes once it has started.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Connection {
    #[default]
    Stable,
    /// Drops once: TRANSFERRING → WAITING_FOR_RESTART → TRANSFERRING.
    Flaky,
    /// Never completes: FINISHED_ERR_TIMEOUT.
    Timeout,
}

/// Whether transfers with the user need an extra verification.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    #[default]
    None,
    /// Passes through WAITING_FOR_VERIFICATION.
    Pass,
    /// WAITING_FOR_VERIFICATION, then FINISHED_ERR_VERIFICATION_TIMEOUT.
    Timeout,
}

/// Transfer limits in billons (0: no limit). Sending limits are the payer's ("buyer"),
/// receiving limits the payee's ("seller").
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub send_per_transfer: u64,
    pub send_per_day: u64,
    /// Outgoing transfers per day: one more ends FINISHED_ERR_OUT_TRANSFERS_LIMIT_EXCEEDED.
    pub send_count_per_day: u32,
    pub receive_per_transfer: u64,
    pub receive_per_day: u64,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MerchantData {
    pub public_profile_json: String,
    pub invoice_data_json: String,
    pub financial_account_json: String,
    pub logo_base64: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct World {
    pub node: Node,
    pub users: BTreeMap<String, User>,
    /// Series payments by their task id.
    pub series: BTreeMap<String, Series>,
    #[serde(skip)]
    pub mint: Mint,
}

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    pub mode: Mode,
    pub status: String,
    pub logged_in: Option<String>,
    pub mpin: String,
    pub autologin: bool,
    pub default_currency: String,
    pub decision_timeout_ms: Millis,
    pub write_permission_delay_ms: Millis,
    pub treasury: Option<String>,
    pub treasury_threshold: u64,
    pub bnode: BnodeFile,
    pub machine_settings: Map<String, Value>,
    pub user_settings: Map<String, Value>,
    pub slaves: Vec<Slave>,
    /// Users whose network location fetchUserLocation has loaded.
    pub location_cache: BTreeSet<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Slave {
    pub soap: (String, u16),
    pub application: (String, u16),
    pub machine_id: String,
    pub user: Option<String>,
    pub reachable: bool,
    pub status_code: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub password: String,
    pub merchant: bool,
    pub merchant_data: MerchantData,
    pub personal_data: Map<String, Value>,
    pub behaviour: Behaviour,
    pub decision_delay_ms: Millis,
    pub connection: Connection,
    pub verification: Verification,
    pub account_valid: bool,
    pub requests_per_minute: u32,
    pub limits: Limits,
    pub wallets: BTreeMap<String, Wallet>,
    pub history: Vec<HistoryEntry>,
    pub usage: Usage,
}

/// What a user has done today (by the emulator's clock), for the daily limits.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Usage {
    pub day: i32,
    pub sent: u64,
    pub sent_count: u32,
    pub received: u64,
    /// When requests were last sent to this user, for `requests_per_minute`.
    pub recent_requests: VecDeque<Millis>,
}

/// One line of getHistoryReport.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HistoryEntry {
    pub kind: String,
    pub task_id: String,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    /// Positive: money in; negative: money out.
    pub amount: i64,
    pub currency: String,
    pub counterparty: String,
    pub comment: String,
    /// A transfer between users (as opposed to the user's own vault and change moves).
    pub transaction: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Series {
    pub username: String,
    pub max_payments: u32,
    pub max_total: u64,
    pub duration_ms: Millis,
    pub state: SeriesState,
    pub accepted_at: Option<Millis>,
    pub payments: u32,
    pub total: u64,
    /// A payment in the series failed: the later ones are cancelled.
    pub failed: bool,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub enum SeriesState {
    /// Waiting for the user to accept it.
    Pending,
    Open,
    Finished,
    /// The user never accepted it.
    Refused,
}

impl World {
    /// The running world described by a world file, its coins minted at `now`.
    pub fn new(file: &WorldFile, now: DateTime<Utc>) -> World {
        let mut mint = Mint::new(file.node.seed);
        let users = file
            .users
            .iter()
            .map(|(name, user)| (name.clone(), User::new(user, &mut mint, now)))
            .collect();
        let node = &file.node;
        World {
            node: Node {
                mode: node.mode,
                status: node.status.clone(),
                logged_in: node.logged_in.clone(),
                mpin: node.mpin.clone(),
                autologin: node.autologin,
                default_currency: node.default_currency.clone(),
                decision_timeout_ms: file::millis(&node.decision_timeout),
                write_permission_delay_ms: file::millis(&node.write_permission_delay),
                treasury: node.treasury.clone(),
                treasury_threshold: node.treasury_threshold,
                bnode: node.bnode.clone(),
                machine_settings: with_defaults(&node.machine_settings, default_machine_settings()),
                user_settings: with_defaults(&node.user_settings, default_user_settings()),
                slaves: node.slaves.iter().map(Slave::new).collect(),
                location_cache: BTreeSet::new(),
            },
            users,
            series: BTreeMap::new(),
            mint,
        }
    }

    fn logged_in_user(&self) -> Option<(&str, &User)> {
        let name = self.node.logged_in.as_deref()?;
        self.users.get_key_value(name).map(|(n, u)| (n.as_str(), u))
    }

    pub fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        self.users.get_mut(name)
    }

    /// A user's wallet in a currency they hold, with the mint beside it.
    pub fn wallet_and_mint(
        &mut self,
        user: &str,
        currency: &str,
    ) -> Option<(&mut Wallet, &mut Mint)> {
        let wallet = self.users.get_mut(user)?.wallets.get_mut(currency)?;
        Some((wallet, &mut self.mint))
    }

    /// A user's wallet to receive money in, opened if they held no such currency yet.
    pub fn receiving_wallet(&mut self, user: &str, currency: &str) -> Option<&mut Wallet> {
        Some(
            self.users
                .get_mut(user)?
                .wallets
                .entry(currency.to_owned())
                .or_default(),
        )
    }

    /// Moves free money of the node's user above the treasury threshold to the treasury user.
    /// Answers the amount moved.
    pub fn sweep_to_treasury(&mut self, task_id: &str, now: DateTime<Utc>) -> u64 {
        let (Some(user), Some(treasury)) =
            (self.node.logged_in.clone(), self.node.treasury.clone())
        else {
            return 0;
        };
        let threshold = self.node.treasury_threshold;
        let currency = self.node.default_currency.clone();
        if threshold == 0 || user == treasury {
            return 0;
        }
        let Some((wallet, mint)) = self.wallet_and_mint(&user, &currency) else {
            return 0;
        };
        let excess = wallet.free().saturating_sub(threshold);
        if excess == 0 {
            return 0;
        }
        let coins = wallet
            .take(excess, mint, now)
            .expect("the excess is free money");
        let Some(treasury_wallet) = self.receiving_wallet(&treasury, &currency) else {
            return 0;
        };
        treasury_wallet.receive(coins, now);
        let entry = |amount: i64, counterparty: &str| HistoryEntry {
            kind: "TREASURY".into(),
            task_id: task_id.to_owned(),
            started: now,
            finished: now,
            amount,
            currency: currency.clone(),
            counterparty: counterparty.to_owned(),
            comment: "swept above the treasury threshold".into(),
            transaction: true,
        };
        let (out, incoming) = (
            entry(-(excess as i64), &treasury),
            entry(excess as i64, &user),
        );
        self.users.get_mut(&user).expect("exists").history.push(out);
        self.users
            .get_mut(&treasury)
            .expect("exists")
            .history
            .push(incoming);
        excess
    }
}

impl User {
    pub fn new(file: &UserFile, mint: &mut Mint, now: DateTime<Utc>) -> User {
        let wallets = file
            .balances
            .iter()
            .map(|(currency, balance)| {
                let wallet = Wallet {
                    coins: mint.coins_for(balance.free, now),
                    reserved: mint.coins_for(balance.locked, now),
                    vault: balance.vault,
                };
                (currency.clone(), wallet)
            })
            .collect();
        User {
            password: file.password.clone(),
            merchant: file.merchant,
            merchant_data: file.merchant_data.clone(),
            personal_data: file.personal_data.clone(),
            behaviour: file.behaviour,
            decision_delay_ms: file::millis(&file.decision_delay),
            connection: file.connection,
            verification: file.verification,
            account_valid: file.account_valid,
            requests_per_minute: file.requests_per_minute,
            limits: file.limits,
            wallets,
            history: Vec::new(),
            usage: Usage::default(),
        }
    }

    /// A user registered through startRegister: no money, default behaviour.
    pub fn registered(password: String, merchant: bool, now: DateTime<Utc>) -> User {
        let file = UserFile {
            password,
            merchant,
            merchant_data: MerchantData::default(),
            personal_data: Map::new(),
            behaviour: Behaviour::Accept,
            decision_delay: "0s".into(),
            connection: Connection::Stable,
            verification: Verification::None,
            account_valid: true,
            requests_per_minute: 0,
            limits: Limits::default(),
            balances: BTreeMap::new(),
        };
        User::new(&file, &mut Mint::new(0), now)
    }

    /// (free, vault, locked) in one currency.
    pub fn balance(&self, currency: &str) -> (u64, u64, u64) {
        self.wallets
            .get(currency)
            .map_or((0, 0, 0), |w| (w.free(), w.vault, w.locked()))
    }

    /// The day's counters, reset when the day has changed.
    pub fn usage_on(&mut self, day: i32) -> &mut Usage {
        if self.usage.day != day {
            let recent = std::mem::take(&mut self.usage.recent_requests);
            self.usage = Usage {
                day,
                recent_requests: recent,
                ..Usage::default()
            };
        }
        &mut self.usage
    }
}

impl Slave {
    fn new(file: &SlaveFile) -> Slave {
        Slave {
            soap: split_address(&file.soap).unwrap_or_default(),
            application: split_address(&file.application).unwrap_or_default(),
            machine_id: file.machine_id.clone(),
            user: file.user.clone(),
            reachable: file.reachable,
            status_code: file.status_code,
        }
    }
}

/// `ip:port` into its parts.
pub fn split_address(address: &str) -> Option<(String, u16)> {
    let (ip, port) = address.rsplit_once(':')?;
    Some((ip.to_owned(), port.parse().ok()?))
}

fn with_defaults(
    given: &Map<String, Value>,
    mut defaults: Map<String, Value>,
) -> Map<String, Value> {
    defaults.extend(given.clone());
    defaults
}

/// readSettings' machine settings, as in the documentation's example.
fn default_machine_settings() -> Map<String, Value> {
    let value = serde_json::json!({
        "updaterBehaviour": {"autoUpdateEnabled": true, "execAutoUpdateIntervalHours": 24,
                             "autoUpdateWindowStartHour": 2, "autoUpdateWindowEndHour": 4},
        "bandwidthBehaviour": {"bandwidthUP_bps": 409600, "bandwidthDN_bps": 716800,
                               "maxCacheConnectionHardLimit": 25, "udpPort": 8999, "tcpPort": 8999},
        "rememberUserPasswordForAutoLogin": false,
        "minimizeToSystemTray": false,
        "addApplicationToStartUp": false
    });
    value.as_object().cloned().unwrap_or_default()
}

fn default_user_settings() -> Map<String, Value> {
    let value = serde_json::json!({
        "userSecurity": {"changePassword": 3, "editBankAccount": 3, "revokeKeys": 3,
                         "passwordRecoverySecureEmail": ""},
        "contactsBehaviour": {"auto_accept_strangers_payments": true,
                              "auto_add_stranger_to_addrbook": true, "autoSaveChat": 1}
    });
    value.as_object().cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// A fixed instant: tests take no time from the real clock.
    fn test_now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a valid instant")
    }

    use super::*;

    #[test]
    fn balances_become_coins() {
        let world = World::new(&WorldFile::default_world(), test_now());
        let bob = &world.users["bob"];
        assert_eq!(bob.balance("PLN"), (20_000, 0, 5_005));
        assert!(world
            .node
            .machine_settings
            .contains_key("bandwidthBehaviour"));
    }

    #[test]
    fn the_treasury_takes_what_is_above_the_threshold() {
        let mut file = WorldFile::default_world();
        file.node.logged_in = Some("shop".into());
        file.node.treasury = Some("test_user".into());
        file.node.treasury_threshold = 1_000_000;
        let mut world = World::new(&file, test_now());
        assert_eq!(world.sweep_to_treasury("T", test_now()), 4_000_000);
        assert_eq!(world.users["shop"].balance("PLN").0, 1_000_000);
        assert_eq!(world.users["test_user"].balance("PLN").0, 5_000_000);
        assert_eq!(world.sweep_to_treasury("T", test_now()), 0);
    }
}

/// Changes to a running world (PATCH /__admin/world): only the keys given change.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorldPatch {
    pub node: NodePatch,
    /// Users to change, or to add (a new user needs a password).
    pub users: BTreeMap<String, Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NodePatch {
    pub mode: Option<Mode>,
    pub status: Option<String>,
    /// `""` logs the user out.
    pub logged_in: Option<String>,
    pub mpin: Option<String>,
    pub default_currency: Option<String>,
    pub decision_timeout: Option<String>,
    pub write_permission_delay: Option<String>,
    /// `""` removes the treasury.
    pub treasury: Option<String>,
    pub treasury_threshold: Option<u64>,
    pub bnode: Option<BnodeFile>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct UserPatch {
    password: Option<String>,
    merchant: Option<bool>,
    merchant_data: Option<MerchantData>,
    personal_data: Option<Map<String, Value>>,
    behaviour: Option<Behaviour>,
    decision_delay: Option<String>,
    connection: Option<Connection>,
    verification: Option<Verification>,
    account_valid: Option<bool>,
    requests_per_minute: Option<u32>,
    limits: Option<Limits>,
    /// Replaces the user's money in these currencies (coins minted anew).
    balances: Option<BTreeMap<String, BalanceFile>>,
}

impl World {
    /// Applies a patch, all or nothing: on an error nothing has changed.
    pub fn patch(&mut self, patch: WorldPatch, now: DateTime<Utc>) -> Result<(), String> {
        let mut next = self.clone();
        next.patch_node(patch.node)?;
        for (name, value) in patch.users {
            if name.is_empty() {
                return Err("a user name is empty".into());
            }
            if !next.users.contains_key(&name) {
                let file: UserFile =
                    serde_json::from_value(value).map_err(|e| format!("users.{name}: {e}"))?;
                crate::units::parse_duration(&file.decision_delay)
                    .map_err(|e| format!("users.{name}.decision_delay: {e}"))?;
                let user = User::new(&file, &mut next.mint, now);
                next.users.insert(name, user);
                continue;
            }
            let change: UserPatch =
                serde_json::from_value(value).map_err(|e| format!("users.{name}: {e}"))?;
            let World { users, mint, .. } = &mut next;
            let user = users.get_mut(&name).expect("checked above");
            change
                .apply(user, mint, now)
                .map_err(|e| format!("users.{name}: {e}"))?;
        }
        for (what, name) in [
            ("node.logged_in", &next.node.logged_in),
            ("node.treasury", &next.node.treasury),
        ] {
            if let Some(name) = name {
                if !next.users.contains_key(name) {
                    return Err(format!("{what} names \"{name}\", who is not in the world"));
                }
            }
        }
        *self = next;
        Ok(())
    }

    fn patch_node(&mut self, patch: NodePatch) -> Result<(), String> {
        let node = &mut self.node;
        let millis =
            |text: &str| crate::units::parse_duration(text).map(|d| d.as_millis() as Millis);
        if let Some(mode) = patch.mode {
            node.mode = mode;
        }
        if let Some(status) = patch.status {
            node.status = status;
        }
        if let Some(user) = patch.logged_in {
            node.logged_in = Some(user).filter(|u| !u.is_empty());
        }
        if let Some(mpin) = patch.mpin {
            if mpin.len() != 5
                || !mpin
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            {
                return Err(format!(
                    "node.mpin \"{mpin}\" is not 5 characters from [0-9A-Z]"
                ));
            }
            node.mpin = mpin;
        }
        if let Some(currency) = patch.default_currency {
            node.default_currency = currency;
        }
        if let Some(timeout) = patch.decision_timeout {
            node.decision_timeout_ms =
                millis(&timeout).map_err(|e| format!("node.decision_timeout: {e}"))?;
        }
        if let Some(delay) = patch.write_permission_delay {
            node.write_permission_delay_ms =
                millis(&delay).map_err(|e| format!("node.write_permission_delay: {e}"))?;
        }
        if let Some(treasury) = patch.treasury {
            node.treasury = Some(treasury).filter(|t| !t.is_empty());
        }
        if let Some(threshold) = patch.treasury_threshold {
            node.treasury_threshold = threshold;
        }
        if let Some(bnode) = patch.bnode {
            node.bnode = bnode;
        }
        Ok(())
    }
}

impl UserPatch {
    fn apply(self, user: &mut User, mint: &mut Mint, now: DateTime<Utc>) -> Result<(), String> {
        if let Some(delay) = &self.decision_delay {
            user.decision_delay_ms = crate::units::parse_duration(delay)?.as_millis() as Millis;
        }
        if let Some(password) = self.password {
            user.password = password;
        }
        if let Some(merchant) = self.merchant {
            user.merchant = merchant;
        }
        if let Some(data) = self.merchant_data {
            user.merchant_data = data;
        }
        if let Some(data) = self.personal_data {
            user.personal_data = data;
        }
        if let Some(behaviour) = self.behaviour {
            user.behaviour = behaviour;
        }
        if let Some(connection) = self.connection {
            user.connection = connection;
        }
        if let Some(verification) = self.verification {
            user.verification = verification;
        }
        if let Some(valid) = self.account_valid {
            user.account_valid = valid;
        }
        if let Some(rate) = self.requests_per_minute {
            user.requests_per_minute = rate;
        }
        if let Some(limits) = self.limits {
            user.limits = limits;
        }
        for (currency, balance) in self.balances.unwrap_or_default() {
            let wallet = Wallet {
                coins: mint.coins_for(balance.free, now),
                reserved: mint.coins_for(balance.locked, now),
                vault: balance.vault,
            };
            user.wallets.insert(currency, wallet);
        }
        Ok(())
    }
}
