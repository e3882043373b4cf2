//! The simulated world around the node: who is on the network, what they own, and the
//! node's own state. Loaded from a TOML world file; mutated only by the engine.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The default world, embedded so the binary runs with no files around it.
pub const DEFAULT_WORLD_TOML: &str = include_str!("../../fixtures/world/default.toml");

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct World {
    #[serde(default)]
    pub node: Node,
    /// Users of the network, by login.
    #[serde(default)]
    pub users: BTreeMap<String, User>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Node {
    pub mode: Mode,
    /// The user logged in to the node, if any (like the real node's `-U/-P` at start-up).
    pub logged_in: Option<String>,
    /// The machine PIN returned by getMpin.
    pub mpin: String,
    /// Set by storePassword: the node would log in by itself on its next start.
    pub autologin: bool,
    pub default_currency: String,
}

impl Default for Node {
    fn default() -> Node {
        Node {
            mode: Mode::Normal,
            logged_in: None,
            mpin: "JHV72".into(),
            autologin: false,
            default_currency: "PLN".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Normal,
    Master,
    Slave,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub password: String,
    #[serde(default)]
    pub merchant: bool,
    /// Balances per currency code, in billons (thousandths of the currency unit).
    #[serde(default)]
    pub balances: BTreeMap<String, Balance>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Balance {
    pub free: u64,
    pub vault: u64,
    pub locked: u64,
}

impl World {
    /// Reads and checks a world file's text.
    pub fn from_toml(text: &str) -> Result<World, String> {
        let world: World = toml::from_str(text).map_err(|e| e.to_string())?;
        world.check()?;
        Ok(world)
    }

    pub fn default_world() -> World {
        World::from_toml(DEFAULT_WORLD_TOML).expect("the embedded default world is valid")
    }

    fn check(&self) -> Result<(), String> {
        if let Some(name) = &self.node.logged_in {
            if !self.users.contains_key(name) {
                return Err(format!(
                    "node.logged_in names \"{name}\", who is not in [users]"
                ));
            }
        }
        if !is_mpin(&self.node.mpin) {
            return Err(format!(
                "node.mpin \"{}\" is not 5 characters from [0-9A-Z]",
                self.node.mpin
            ));
        }
        if let Some(name) = self.users.keys().find(|name| name.is_empty()) {
            return Err(format!("user name \"{name}\" is empty"));
        }
        Ok(())
    }

    pub fn logged_in_user(&self) -> Option<(&str, &User)> {
        let name = self.node.logged_in.as_deref()?;
        self.users.get_key_value(name).map(|(n, u)| (n.as_str(), u))
    }
}

fn is_mpin(mpin: &str) -> bool {
    mpin.len() == 5
        && mpin
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_world_loads() {
        let world = World::default_world();
        assert!(world.users.contains_key("test_user"));
        assert_eq!(world.node.logged_in, None);
    }

    #[test]
    fn a_logged_in_user_must_exist() {
        let err = World::from_toml("[node]\nlogged_in = \"ghost\"\n").unwrap_err();
        assert!(err.contains("ghost"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = World::from_toml("[users.a]\npassword = \"x\"\npasword = \"y\"\n").unwrap_err();
        assert!(err.contains("pasword"), "{err}");
    }
}
