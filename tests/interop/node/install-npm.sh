#!/bin/sh
# Shared body of node-soap/install.sh and strong-soap/install.sh:
#   install-npm.sh PACKAGE VERSION ID
# Installs npm PACKAGE, pinned to VERSION, under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/ID.
# Needs Node.js and npm. Idempotent: does nothing when that version is already there.
set -eu
PACKAGE=$1 VERSION=$2 ID=$3
PREFIX="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/$ID"
installed=$(node -p "require('$PREFIX/node_modules/$PACKAGE/package.json').version" 2>/dev/null || true)
[ "$installed" = "$VERSION" ] && exit 0
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error "$PACKAGE@$VERSION" >/dev/null
