#!/usr/bin/env bash
# Installs the PyPI package mobizon-client (pinned; third-party, source
# github.com/devstsoy/mobizon-client) into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/mobizon-client/venv; run.sh uses that
# interpreter. Its own installer because the module has no __version__ (the shared
# ../python/install-venv.sh reads that): the installed version comes from the package metadata.
# Idempotent: a venv that already has the pinned version is left alone.
set -euo pipefail

PACKAGE=mobizon-client
VERSION=0.1.2
ID=mobizon-client
HOME_DIR="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/$ID"
VENV="$HOME_DIR/venv"

installed() {
    "$VENV/bin/python" -c "import sys, mobizon_client; from importlib.metadata import version; sys.exit(version('$PACKAGE') != '$VERSION')" 2>/dev/null
}

if installed; then
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
# mobizon-client 0.1.2 needs Python >= 3.10 and pins httpx >=0.23.3,<0.24 itself.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$PACKAGE==$VERSION"
installed
"$VENV/bin/python" -c "from importlib.metadata import version; print('mobizon-client', version('$PACKAGE'), 'httpx', version('httpx'), 'in $VENV')"
