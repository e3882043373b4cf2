#!/usr/bin/env bash
# How long a full register -> login -> transfer -> every-outcome suite takes against the
# emulator with immediate progression, and with timed progression (500 ms a step, and the
# world's real waits: decision delays and the 60 s decision timeout), in one run.
# Run by hand: bench/outcomes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin cnode-emulator
addr=127.0.0.1:19102
RUST_LOG=warn target/release/cnode-emulator --listen "$addr" &
trap 'kill $! 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://$addr/__admin/clock" >/dev/null && break; sleep 0.2; done
python3 bench/outcome_suite.py "http://$addr" immediate
python3 bench/outcome_suite.py "http://$addr" timed:500ms
