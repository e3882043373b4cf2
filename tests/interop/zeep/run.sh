#!/usr/bin/env bash
# Runs the interop journey through Python zeep: run.sh BASE_URL WORK_DIR [SCRIPT]
# (SCRIPT: journey.py, the default, or families.py, which tests/it/interop.rs runs too).
# Uses the virtualenv install.sh made, else a python3 that already has zeep.
set -uo pipefail

if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: $0 BASE_URL WORK_DIR [SCRIPT]" >&2
    exit 2
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/zeep/venv"

PYTHON=""
for candidate in "$VENV/bin/python" python3; do
    if "$candidate" -c "import zeep" >/dev/null 2>&1; then
        PYTHON="$candidate"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "zeep is not installed (no $VENV, no python3 with zeep; run tests/interop/zeep/install.sh)"
    exit 77
fi

cd "$2" || exit 2
PYTHONPATH="$HERE/../python" PYTHONDONTWRITEBYTECODE=1 exec "$PYTHON" "$HERE/${3:-journey.py}" "$1" "$2"
