#!/usr/bin/env bash
# Runs the interop journey through Python suds (suds-community): run.sh BASE_URL WORK_DIR.
# Uses the virtualenv install.sh made, else a python3 that already has suds.
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/suds/venv"

PYTHON=""
for candidate in "$VENV/bin/python" python3; do
    if "$candidate" -c "import suds" >/dev/null 2>&1; then
        PYTHON="$candidate"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "suds is not installed (no $VENV, no python3 with suds-community; run tests/interop/suds/install.sh)"
    exit 77
fi

cd "$2" || exit 2
PYTHONPATH="$HERE/../python" PYTHONDONTWRITEBYTECODE=1 exec "$PYTHON" "$HERE/journey.py" "$1" "$2"
