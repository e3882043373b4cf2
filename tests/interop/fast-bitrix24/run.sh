#!/usr/bin/env bash
# Runs the Bitrix24 interop journey through fast-bitrix24: run.sh BASE_URL WORK_DIR
# Uses the virtualenv install.sh made, else a python3 that already has fast_bitrix24
# (shared body: ../python/run-venv.sh; exits 77 when neither has it).
if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
exec bash "$(dirname "$0")/../python/run-venv.sh" fast_bitrix24 fast-bitrix24 journey.py "$1" "$2"
