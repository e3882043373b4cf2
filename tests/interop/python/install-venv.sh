#!/usr/bin/env bash
# Shared body of zeep/install.sh and suds/install.sh:
#   install-venv.sh PACKAGE VERSION ID [MODULE]
# Installs PyPI PACKAGE, pinned to VERSION, into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/ID/venv; run-venv.sh uses that interpreter.
# MODULE (default ID) is what `import` names; the installed version is read from PACKAGE's
# metadata (a module's own __version__ is not always a string: fast_bitrix24's is a submodule).
# Idempotent: a venv that already has the pinned version is left alone.
set -euo pipefail

PACKAGE=$1
VERSION=$2
ID=$3
MODULE=${4:-$ID}
HOME_DIR="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/$ID"
VENV="$HOME_DIR/venv"

INSTALLED="import sys, $MODULE; from importlib.metadata import version; sys.exit(version('$PACKAGE') != '$VERSION')"
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
"$VENV/bin/python" -c "from importlib.metadata import version; print('$PACKAGE', version('$PACKAGE'), 'in $VENV')"
