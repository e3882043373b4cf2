#!/bin/sh
# run.sh BASE_URL WORK_DIR: runs the interop journey with Node.js soap against the emulator at
# BASE_URL, using the default (document/literal wrapped) WSDL at ${BASE_URL}?wsdl.
# Nothing is generated: node-soap reads the WSDL at run time.
set -eu
BASE_URL=$1
WORK_DIR=$2
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX="${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/node-soap"
if ! command -v node >/dev/null 2>&1; then
  echo "node (Node.js) is not installed"; exit 77
fi
if [ ! -f "$PREFIX/node_modules/soap/package.json" ]; then
  echo "npm package soap is not installed under $PREFIX (run tests/interop/node-soap/install.sh)"; exit 77
fi
cd "$WORK_DIR"
NODE_PATH="$PREFIX/node_modules" exec node "$HERE/journey.js" "${BASE_URL}?wsdl"
