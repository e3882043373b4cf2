#!/usr/bin/env bash
# Installs Python suds-community (pinned) into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/suds/venv; run.sh uses that interpreter.
# Idempotent: a venv that already has the pinned version is left alone.
set -euo pipefail

VERSION=1.2.0
HOME_DIR="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/suds"
VENV="$HOME_DIR/venv"

if "$VENV/bin/python" -c "import sys, suds; sys.exit(suds.__version__ != '$VERSION')" 2>/dev/null; then
    exit 0
fi

mkdir -p "$HOME_DIR"
rm -rf "$VENV"
# Debian's python3 needs python3-venv for `python3 -m venv` (ensurepip).
if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends python3-venv >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends python3-venv >/dev/null; }
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "suds-community==$VERSION"
"$VENV/bin/python" -c "import suds; print('suds', suds.__version__, 'in $VENV')"
