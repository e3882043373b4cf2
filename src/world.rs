//! The world file: one TOML document, a section per front door. CNode's sections (`node`,
//! `users`) are checked in `cnode/world/file.rs`; each other door's section is its own type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cnode::world::{NodeFile, UserFile};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorldFile {
    #[serde(default)]
    pub node: NodeFile,
    /// Users of the CNode network, by login.
    #[serde(default)]
    pub users: BTreeMap<String, UserFile>,
    #[serde(default)]
    pub mobizon: crate::mobizon::WorldSection,
    #[serde(default)]
    pub bitrix24: crate::bitrix24::WorldSection,
    #[serde(default)]
    pub intellectmoney: crate::intellectmoney::WorldSection,
    #[serde(default)]
    pub ricloud: crate::ricloud::WorldSection,
}
