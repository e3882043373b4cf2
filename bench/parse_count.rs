//! Parses the documented getTaskStatus envelope (or, with `give`, a style A
//! giveMoneyRequest, or the envelope in a file) N times, for instruction counts that do not depend on a noisy machine:
//!   cargo build --release --example parse_count
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!       target/release/examples/parse_count 20000 [give | FILE]
use cnode_emulator::cnode::soap::{parse_call, ParseLimits};
fn main() {
    let doc = include_str!(
        "../fixtures/cnode/exchanges/get-task-status-seed-example/01-getTaskStatus.request.xml"
    );
    let give = include_str!(
        "../fixtures/cnode/exchanges/payments-style-a/03-giveMoneyRequest.request.xml"
    );
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let limits = ParseLimits::default();
    let which = std::env::args().nth(2).unwrap_or_default();
    let file = std::fs::read_to_string(&which).unwrap_or_default();
    let body = match which.as_str() {
        "give" => give,
        "" => doc,
        _ => &file,
    };
    let mut total = 0;
    for _ in 0..n {
        total += parse_call(std::hint::black_box(body.as_bytes()), &limits)
            .unwrap()
            .body
            .children
            .len();
    }
    println!("{total}");
}

// The emulator's allocator (src/main.rs), so allocation costs are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
