#!/bin/sh
# Installs Node.js soap (node-soap), pinned, under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/node-soap.
# Needs Node.js (>= 20.19) and npm. Idempotent: does nothing when that version is already there.
set -eu
VERSION=1.13.0
PREFIX="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/node-soap"
installed=$(node -p "require('$PREFIX/node_modules/soap/package.json').version" 2>/dev/null || true)
[ "$installed" = "$VERSION" ] && exit 0
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error "soap@$VERSION" >/dev/null
