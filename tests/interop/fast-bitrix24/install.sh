#!/usr/bin/env bash
# Installs fast-bitrix24 (PyPI, pinned) into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/fast-bitrix24/venv; run.sh uses that
# interpreter. Idempotent: a venv that already has the pinned version is left alone.
# (Not ../python/install-venv.sh: that one reads MODULE.__version__, which in fast_bitrix24 is a
# submodule, not a string; the installed version is read from the package metadata instead.)
set -euo pipefail

PACKAGE=fast-bitrix24
VERSION=1.8.14
HOME_DIR="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/fast-bitrix24"
VENV="$HOME_DIR/venv"
INSTALLED="import sys, importlib.metadata as m, fast_bitrix24; sys.exit(m.version('fast_bitrix24') != '$VERSION')"

if "$VENV/bin/python" -c "$INSTALLED" 2>/dev/null; then
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
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$PACKAGE==$VERSION"
"$VENV/bin/python" -c "$INSTALLED"
"$VENV/bin/python" -c "import importlib.metadata as m; print('fast_bitrix24', m.version('fast_bitrix24'), 'in $VENV')"
