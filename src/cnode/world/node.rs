//! What the front door asks of the node's own state: who is logged in, its mode, status and
//! mpin, its settings, its treasury, its slaves and its location cache.

use serde_json::{Map, Value};

use super::{Behaviour, Mode, Slave, UnknownUser, World};

impl World {
    /// The name of the user logged in to the node, if any.
    pub fn who_is_logged_in(&self) -> Option<&str> {
        self.node.logged_in.as_deref()
    }

    pub fn mode(&self) -> Mode {
        self.node.mode
    }

    /// Whether the node can read its user's data now (its status is VUI_READY).
    pub fn ready_to_read(&self) -> bool {
        self.node.status == "VUI_READY"
    }

    /// The currency of an amount sent without one.
    pub fn default_currency(&self) -> &str {
        &self.node.default_currency
    }

    pub fn mpin(&self) -> &str {
        &self.node.mpin
    }

    /// Whether `mpin` is the machine's mpin.
    pub fn mpin_matches(&self, mpin: &str) -> bool {
        self.node.mpin == mpin
    }

    /// Remembers the logged-in user's password for autologin.
    pub fn enable_autologin(&mut self) {
        self.node.autologin = true;
    }

    /// The machine settings as readSettings shows them, the autologin choice among them.
    pub fn machine_settings(&self) -> Map<String, Value> {
        let mut settings = self.node.machine_settings.clone();
        settings.insert(
            "rememberUserPasswordForAutoLogin".into(),
            self.node.autologin.into(),
        );
        settings
    }

    pub fn user_settings(&self) -> &Map<String, Value> {
        &self.node.user_settings
    }

    /// Names the treasury user, who must be in the world.
    pub fn set_treasury(&mut self, name: &str) -> Result<(), UnknownUser> {
        if !self.user_exists(name) {
            return Err(UnknownUser);
        }
        self.node.treasury = Some(name.to_owned());
        Ok(())
    }

    /// Free money above `threshold` goes to the treasury (0: none does).
    pub fn set_treasury_threshold(&mut self, threshold: u64) {
        self.node.treasury_threshold = threshold;
    }

    /// The slaves `user` is logged in to.
    pub fn slaves_of<'a>(&'a self, user: &'a str) -> impl Iterator<Item = &'a Slave> + 'a {
        self.node
            .slaves
            .iter()
            .filter(move |slave| slave.user.as_deref() == Some(user))
    }

    /// Loads `user`'s network location into the node's cache; false (and nothing cached)
    /// when the user cannot be found in the network.
    pub fn load_location(&mut self, user: &str) -> bool {
        let reachable = self
            .users
            .get(user)
            .is_some_and(|u| u.behaviour != Behaviour::Unreachable);
        if reachable {
            self.node.location_cache.insert(user.to_owned());
        }
        reachable
    }
}
