#!/usr/bin/env bash
# Runs the interop journey through Python zeep: run.sh BASE_URL WORK_DIR [SCRIPT]
# (SCRIPT: journey.py, the default, or families.py, which tests/it/interop.rs runs too).
# Uses the virtualenv install.sh made, else a python3 that already has zeep
# (shared body: ../python/run-venv.sh).
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: $0 BASE_URL WORK_DIR [SCRIPT]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/../python/run-venv.sh" zeep zeep "${3:-journey.py}" "$1" "$2"
