//! The one integration test binary: every test talks to a real emulator over loopback.

mod harness;

mod binary;
mod exchanges;
mod expiry;
mod faults;
mod interop;
mod journey;
mod passwords;
mod progression;
mod statuses;
mod task_status;
mod wsdl;
