#!/bin/sh
# run.sh BASE_URL WORK_DIR: runs the interop journey with Node.js strong-soap against the emulator at
# BASE_URL, using the default (document/literal wrapped) WSDL at ${BASE_URL}?wsdl.
# Nothing is generated: strong-soap reads the WSDL at run time (shared body: ../node/run-node.sh).
exec sh "$(dirname "$0")/../node/run-node.sh" strong-soap strong-soap "$@"
