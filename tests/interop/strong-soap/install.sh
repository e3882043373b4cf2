#!/bin/sh
# Installs Node.js strong-soap, pinned, under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/strong-soap.
# Needs Node.js (>= 20) and npm. Idempotent: does nothing when that version is already there.
set -eu
VERSION=5.0.10
PREFIX="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/strong-soap"
installed=$(node -p "require('$PREFIX/node_modules/strong-soap/package.json').version" 2>/dev/null || true)
[ "$installed" = "$VERSION" ] && exit 0
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error "strong-soap@$VERSION" >/dev/null
