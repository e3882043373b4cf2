#!/usr/bin/env bash
# Runs the interop journey through Python suds (suds-community): run.sh BASE_URL WORK_DIR.
# Uses the virtualenv install.sh made, else a python3 that already has suds
# (shared body: ../python/run-venv.sh).
if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
exec bash "$(dirname "$0")/../python/run-venv.sh" suds suds journey.py "$1" "$2"
