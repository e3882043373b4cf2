//! cnode-emulator: one task engine with several front doors, each a stand-in for a real
//! asynchronous-task API under its real paths: Billon's Corporate Node (SOAP, [`cnode`]),
//! Mobizon's Taskqueue ([`mobizon`]), Bitrix24's `configuration.import.*` ([`bitrix24`]) and
//! Reincubate's ricloud API v3 ([`ricloud`]).
//!
//! A request travels one way: bytes → a front door's wire (envelope or form/JSON to a call)
//! → its operations → the [`engine`] (tasks, clock) and the door's world → back out in the
//! door's own format. [`startup`] and [`http`] wire it to actix-web; [`admin`] is the
//! control plane every door shares; [`TestServer`] runs it inside a test.

pub mod admin;
pub mod bitrix24;
pub mod callbacks;
pub mod cnode;
pub mod config;
pub mod engine;
pub mod faults;
pub mod http;
pub mod intellectmoney;
pub mod journal;
pub mod metrics;
pub mod mobizon;
pub mod rate;
pub mod ricloud;
pub mod startup;
pub mod state;
pub mod testing;
pub mod units;
pub mod world;

pub use config::Settings;
pub use testing::TestServer;
