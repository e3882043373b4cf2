#!/usr/bin/env bash
# Installs Python zeep (pinned) into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/zeep/venv; run.sh uses that interpreter.
# Idempotent (the installer is shared: ../python/install-venv.sh).
exec bash "$(dirname "$0")/../python/install-venv.sh" zeep 4.3.1 zeep
