#!/bin/sh
# Installs Node.js strong-soap, pinned, under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/strong-soap.
# Needs Node.js (>= 20) and npm. Idempotent (the installer is shared: ../node/install-npm.sh).
exec sh "$(dirname "$0")/../node/install-npm.sh" strong-soap 5.0.10 strong-soap
