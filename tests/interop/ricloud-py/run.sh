#!/usr/bin/env bash
# Runs the ricloud journey through ricloud-py (PyPI ricloud): run.sh BASE_URL WORK_DIR
# Uses the virtualenv install.sh made, else a python3 that already imports ricloud
# (shared body: ../python/run-venv.sh, which exits 77 when neither exists).
if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
exec bash "$(dirname "$0")/../python/run-venv.sh" ricloud ricloud-py journey.py "$1" "$2"
