//! Any bytes into the envelope parser: it answers a call or a fault, never panics.
#![no_main]

use cnode_emulator::cnode::soap::{parse_call, ParseLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_call(data, &ParseLimits::default());
});
