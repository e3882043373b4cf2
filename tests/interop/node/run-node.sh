#!/bin/sh
# Shared body of node-soap/run.sh and strong-soap/run.sh:
#   run-node.sh PACKAGE ID BASE_URL WORK_DIR
# Runs tests/interop/ID/journey.js with the npm PACKAGE that ID/install.sh put under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/ID, against the default (document/literal
# wrapped) WSDL at ${BASE_URL}?wsdl. Nothing is generated: the stack reads the WSDL at run time.
# Exits 77, with one line saying what is missing, when Node.js or the package is not installed.
set -eu
PACKAGE=$1 ID=$2 BASE_URL=$3 WORK_DIR=$4
INTEROP=$(cd "$(dirname "$0")/.." && pwd)
PREFIX="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/$ID"
if ! command -v node >/dev/null 2>&1; then
  echo "node (Node.js) is not installed"; exit 77
fi
if [ ! -f "$PREFIX/node_modules/$PACKAGE/package.json" ]; then
  echo "npm package $PACKAGE is not installed under $PREFIX (run tests/interop/$ID/install.sh)"; exit 77
fi
cd "$WORK_DIR"
NODE_PATH="$PREFIX/node_modules" exec node "$INTEROP/$ID/journey.js" "${BASE_URL}?wsdl"
