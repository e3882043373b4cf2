#!/usr/bin/env bash
# Installs Python suds-community (pinned) into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/suds/venv; run.sh uses that interpreter.
# Idempotent (the installer is shared: ../python/install-venv.sh).
exec bash "$(dirname "$0")/../python/install-venv.sh" suds-community 1.2.0 suds suds
