//! Any bytes through the parser, the argument readers and the operations, against one
//! engine on a frozen clock: every input gets a reply or a fault, never a panic.
#![no_main]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use cnode_emulator::engine::clock::Clock;
use cnode_emulator::cnode::world::WorldFile;
use cnode_emulator::engine::{Engine, EngineConfig};
use cnode_emulator::cnode::ops::{self, Ctx, OpsConfig};
use cnode_emulator::cnode::soap::{parse_call, write_fault, write_reply, ParseLimits};
use libfuzzer_sys::fuzz_target;

/// Inputs between two resets, so the store and the world stay small.
const RESET_EVERY: usize = 5_000;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let config = EngineConfig {
            step: std::time::Duration::ZERO,
            ..EngineConfig::default()
        };
        Engine::new(
            &WorldFile::default_world(),
            config,
            Arc::new(Clock::frozen()),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let engine = engine();
    if RUNS.fetch_add(1, Ordering::Relaxed) % RESET_EVERY == 0 {
        engine.reset();
    }
    let Ok(call) = parse_call(data, &ParseLimits::default()) else {
        return;
    };
    let config = OpsConfig::default();
    let ctx = Ctx {
        engine,
        config: &config,
        outcome: None,
    };
    match ops::dispatch(&ctx, &call) {
        Ok(reply) => drop(write_reply(&call.operation, &reply)),
        Err(fault) => drop(write_fault(&fault)),
    }
});
