//! cnode-emulator: a stand-in for Billon's Corporate Node SOAP API.
//!
//! A request travels one way: bytes → [`soap`] (envelope to a call) → [`ops`] (one file per
//! operation) → [`engine`] (tasks, world, clock) → back out as a reply envelope.
//! [`startup`] and [`http`] wire it to actix-web; [`TestServer`] runs it inside a test.

pub mod admin;
pub mod config;
pub mod engine;
pub mod faults;
pub mod http;
pub mod journal;
pub mod ops;
pub mod soap;
pub mod startup;
pub mod testing;
pub mod units;
pub mod wsdl;

pub use config::Settings;
pub use testing::TestServer;
