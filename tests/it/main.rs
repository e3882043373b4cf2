//! The one integration test binary: every test talks to a real emulator over loopback.
// The harness keeps its own real-time timeouts (a stuck client, a sweeper to wait for);
// the emulator itself takes time only from its clock (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod harness;

mod admin;
mod binary;
mod browser;
mod callbacks;
mod coins;
mod consistency;
mod control;
mod door_exchanges;
mod doors;
mod due_queue;
mod exchanges;
mod expiry;
mod faults;
mod holdings;
mod intellectmoney;
mod interop;
mod journey;
mod layers;
mod limits;
mod malformed;
mod metrics;
mod money;
mod node_data;
mod passwords;
mod progression;
mod requests;
mod ricloud;
mod rules;
mod scanner;
mod series;
mod slaves;
mod statuses;
mod task_status;
mod treasury;
mod ui;
mod wsdl;
