#!/usr/bin/env bash
# Fuzzes one target for a while, seeded with every golden exchange.
#   fuzz/run.sh envelope 1800      # target, seconds
# Needs the nightly toolchain and `cargo install cargo-fuzz`. Crashes land in
# fuzz/artifacts/<target>/; turn each into a case in tests/it/malformed.rs.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-envelope}
seconds=${2:-60}
mkdir -p "corpus/$target" "seeds"
# The golden exchanges are the seed corpus, flattened into one folder: CNode's envelopes
# as they are (the `call` target also reads them behind a `c`), and the other front doors'
# requests behind the byte that picks their door in `call` (`m` Mobizon, `b` Bitrix24,
# `r` ricloud, `i` IntellectMoney).
for f in ../fixtures/cnode/exchanges/*/*.xml; do
    cp "$f" "seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
done
if [ "$target" = call ]; then
    for door in mobizon bitrix24 ricloud intellectmoney; do
        for f in ../fixtures/$door/exchanges/*/*.request.http; do
            { printf '%s' "${door:0:1}"; cat "$f"; } >"seeds/$door-$(basename "$(dirname "$f")")-$(basename "$f")"
        done
    done
fi
cargo +nightly fuzz run "$target" "corpus/$target" seeds -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
