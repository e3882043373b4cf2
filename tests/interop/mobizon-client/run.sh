#!/usr/bin/env bash
# Runs the Mobizon journey through the PyPI client mobizon-client: run.sh BASE_URL WORK_DIR
# Uses the virtualenv install.sh made, else a python3 that already imports mobizon_client
# (shared body: ../python/run-venv.sh, which exits 77 when neither exists).
if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
exec bash "$(dirname "$0")/../python/run-venv.sh" mobizon_client mobizon-client journey.py "$1" "$2"
