//! The world file: what a test suite writes to state its world (TOML), checked on load.
//! Every key is optional except a user's password; unknown keys are refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Behaviour, Connection, Limits, MerchantData, Mode, Verification};
use crate::units::parse_duration;

/// The default world, embedded so the binary runs with no files around it.
pub const DEFAULT_WORLD_TOML: &str = include_str!("../../../fixtures/world/default.toml");

pub use crate::world::WorldFile;

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct NodeFile {
    pub mode: Mode,
    /// The node's `hello` status; anything but VUI_READY makes getMerchantData ERR_VUI_CANT_READ.
    pub status: String,
    /// The user logged in to the node at start (like the real node's `-U/-P`).
    pub logged_in: Option<String>,
    pub mpin: String,
    pub autologin: bool,
    pub default_currency: String,
    /// Seeds the coin ids, so the same calls give the same coin lists.
    pub seed: u64,
    /// How long a payment or data request waits for a user who never answers.
    pub decision_timeout: String,
    /// Money-moving tasks wait this long in WAITING_FOR_WRITE_PERMISSION before TRANSFERRING.
    pub write_permission_delay: String,
    pub treasury: Option<String>,
    /// Free money above this (in the default currency) is swept to the treasury; 0: never.
    pub treasury_threshold: u64,
    /// The bank node changeMonexAtBnode talks to.
    pub bnode: BnodeFile,
    /// readSettings' two JSON documents.
    pub machine_settings: Map<String, Value>,
    pub user_settings: Map<String, Value>,
    /// Slave nodes known to a master node.
    pub slaves: Vec<SlaveFile>,
    /// Where status changes of watched tasks (getTaskStatus `callback=true`) are POSTed,
    /// read at start; `--callback-url` wins over it.
    pub callback_url: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BnodeFile {
    /// When false, changeMonexAtBnode ends FINISHED_ERR_NOT_FOUND.
    pub available: bool,
    /// Currencies the bank node changes; others end FINISHED_ERR_ITEM_NOT_FOUND.
    pub currencies: Vec<String>,
}

impl Default for BnodeFile {
    fn default() -> BnodeFile {
        BnodeFile {
            available: true,
            currencies: vec!["PLN".into()],
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SlaveFile {
    /// `ip:port` of the slave's SOAP interface.
    pub soap: String,
    /// `ip:port` of the slave's network interface.
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub machine_id: String,
    /// The user logged in on the slave, if any.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default = "yes")]
    pub reachable: bool,
    /// The numeric status checkSlavesConnectedToUser reports (the docs show 14).
    #[serde(default = "default_slave_status")]
    pub status_code: u32,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UserFile {
    pub password: String,
    #[serde(default)]
    pub merchant: bool,
    #[serde(default)]
    pub merchant_data: MerchantData,
    /// What requestPersonalData hands over when the user accepts.
    #[serde(default)]
    pub personal_data: Map<String, Value>,
    /// How the user answers payment and data requests, and incoming transfers.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// How long the user takes to decide (e.g. "2s").
    #[serde(default = "zero")]
    pub decision_delay: String,
    #[serde(default)]
    pub connection: Connection,
    #[serde(default)]
    pub verification: Verification,
    /// False: payouts (MONEY_COLLECT) to this user end FINISHED_ERR_INVALID_ACCOUNT_NUMBER.
    #[serde(default = "yes")]
    pub account_valid: bool,
    /// More requests to this user within a minute end FINISHED_ERR_TOO_OFTEN; 0: no limit.
    #[serde(default)]
    pub requests_per_minute: u32,
    #[serde(default)]
    pub limits: Limits,
    /// Balances per currency code, in billons (thousandths of the currency unit).
    #[serde(default)]
    pub balances: BTreeMap<String, BalanceFile>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct BalanceFile {
    pub free: u64,
    pub vault: u64,
    pub locked: u64,
}

impl Default for NodeFile {
    fn default() -> NodeFile {
        NodeFile {
            mode: Mode::Normal,
            status: "VUI_READY".into(),
            logged_in: None,
            mpin: "JHV72".into(),
            autologin: false,
            default_currency: "PLN".into(),
            seed: 1,
            decision_timeout: "60s".into(),
            write_permission_delay: "0s".into(),
            treasury: None,
            treasury_threshold: 0,
            bnode: BnodeFile::default(),
            machine_settings: Map::new(),
            user_settings: Map::new(),
            slaves: Vec::new(),
            callback_url: None,
        }
    }
}

fn yes() -> bool {
    true
}

fn zero() -> String {
    "0s".into()
}

fn default_slave_status() -> u32 {
    14
}

impl WorldFile {
    /// Reads and checks a world file's text.
    pub fn from_toml(text: &str) -> Result<WorldFile, String> {
        let world: WorldFile = toml::from_str(text).map_err(|e| e.to_string())?;
        world.check()?;
        Ok(world)
    }

    pub fn default_world() -> WorldFile {
        WorldFile::from_toml(DEFAULT_WORLD_TOML).expect("the embedded default world is valid")
    }

    fn check(&self) -> Result<(), String> {
        let node = &self.node;
        for (what, name) in [
            ("node.logged_in", &node.logged_in),
            ("node.treasury", &node.treasury),
        ] {
            if let Some(name) = name {
                if !self.users.contains_key(name) {
                    return Err(format!("{what} names \"{name}\", who is not in [users]"));
                }
            }
        }
        if !is_mpin(&node.mpin) {
            return Err(format!(
                "node.mpin \"{}\" is not 5 characters from [0-9A-Z]",
                node.mpin
            ));
        }
        for (what, text) in [
            ("node.decision_timeout", &node.decision_timeout),
            ("node.write_permission_delay", &node.write_permission_delay),
        ] {
            parse_duration(text).map_err(|e| format!("{what}: {e}"))?;
        }
        if let Some(url) = &node.callback_url {
            crate::callbacks::check_url(url).map_err(|e| format!("node.callback_url {e}"))?;
        }
        for slave in &node.slaves {
            for address in [&slave.soap, &slave.application]
                .into_iter()
                .filter(|a| !a.is_empty())
            {
                super::split_address(address)
                    .ok_or_else(|| format!("slave address \"{address}\" is not ip:port"))?;
            }
        }
        for (name, user) in &self.users {
            if name.is_empty() {
                return Err("a user name is empty".into());
            }
            parse_duration(&user.decision_delay)
                .map_err(|e| format!("users.{name}.decision_delay: {e}"))?;
        }
        Ok(())
    }
}

fn is_mpin(mpin: &str) -> bool {
    mpin.len() == 5
        && mpin
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// A checked duration string as milliseconds.
pub(super) fn millis(text: &str) -> u64 {
    parse_duration(text).map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_world_loads() {
        let world = WorldFile::default_world();
        assert!(world.users.contains_key("test_user"));
        assert_eq!(world.node.logged_in, None);
    }

    #[test]
    fn a_logged_in_user_must_exist() {
        let err = WorldFile::from_toml("[node]\nlogged_in = \"ghost\"\n").unwrap_err();
        assert!(err.contains("ghost"), "{err}");
    }

    #[test]
    fn unknown_keys_and_bad_durations_are_refused() {
        let err =
            WorldFile::from_toml("[users.a]\npassword = \"x\"\npasword = \"y\"\n").unwrap_err();
        assert!(err.contains("pasword"), "{err}");
        let err = WorldFile::from_toml("[users.a]\npassword = \"x\"\ndecision_delay = \"soon\"\n")
            .unwrap_err();
        assert!(err.contains("decision_delay"), "{err}");
        let err = WorldFile::from_toml("[users.a]\npassword = \"x\"\nbehaviour = \"sulk\"\n")
            .unwrap_err();
        assert!(err.contains("sulk"), "{err}");
        let err = WorldFile::from_toml("[node]\ncallback_url = \"ftp://x/\"\n").unwrap_err();
        assert!(err.contains("callback_url"), "{err}");
        let world = WorldFile::from_toml("[node]\ncallback_url = \"http://127.0.0.1:1/\"\n");
        assert_eq!(
            world.unwrap().node.callback_url.as_deref(),
            Some("http://127.0.0.1:1/")
        );
    }
}
