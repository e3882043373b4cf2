//! Any bytes into the envelope parser: it answers a call or a fault, never panics; and
//! wherever the scanner reads a plain envelope, the full parser reads the same call.
#![no_main]

use cnode_emulator::cnode::soap::{parse_call_in_full, scan_call, ParseLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits::default();
    let full = parse_call_in_full(data, None, &limits);
    if let Some(call) = scan_call(data, None, &limits) {
        assert_eq!(Ok(call), full, "the scanner and the full parser disagree");
    }
});
