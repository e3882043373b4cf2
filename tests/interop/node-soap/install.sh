#!/bin/sh
# Installs Node.js soap (node-soap), pinned, under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/node-soap.
# Needs Node.js (>= 20.19) and npm. Idempotent (the installer is shared: ../node/install-npm.sh).
exec sh "$(dirname "$0")/../node/install-npm.sh" soap 1.13.0 node-soap
