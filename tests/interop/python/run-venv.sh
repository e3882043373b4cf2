#!/usr/bin/env bash
# Shared body of zeep/run.sh and suds/run.sh:
#   run-venv.sh MODULE ID SCRIPT BASE_URL WORK_DIR
# Runs SCRIPT (a path relative to tests/interop/ID, or absolute) as `SCRIPT BASE_URL WORK_DIR`
# inside WORK_DIR, with the virtualenv ID/install.sh made under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/ID/venv, else a python3 that already
# imports MODULE; the shared Python (checks.py, steps.py) is on its path.
# Exits 77, with one line saying what is missing, when no interpreter imports MODULE.
set -uo pipefail

if [ $# -ne 5 ]; then
    echo "usage: $0 MODULE ID SCRIPT BASE_URL WORK_DIR" >&2
    exit 2
fi
MODULE=$1
ID=$2
SCRIPT=$3
INTEROP="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/$ID/venv"
case "$SCRIPT" in
    /*) ;;
    *) SCRIPT="$INTEROP/$ID/$SCRIPT" ;;
esac

PYTHON=""
for candidate in "$VENV/bin/python" python3; do
    if "$candidate" -c "import $MODULE" >/dev/null 2>&1; then
        PYTHON="$candidate"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "$MODULE is not installed (no $VENV, no python3 with $MODULE; run tests/interop/$ID/install.sh)"
    exit 77
fi

cd "$5" || exit 2
PYTHONPATH="$INTEROP/python" PYTHONDONTWRITEBYTECODE=1 exec "$PYTHON" "$SCRIPT" "$4" "$5"
