#!/usr/bin/env bash
# Installs the PyPI package mobizon-client (pinned; third-party, source
# github.com/devstsoy/mobizon-client; it needs Python >= 3.10 and pins httpx itself) into its
# own virtualenv under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/mobizon-client/venv;
# run.sh uses that interpreter. Idempotent (the installer is shared: ../python/install-venv.sh).
exec bash "$(dirname "$0")/../python/install-venv.sh" mobizon-client 0.1.2 mobizon-client mobizon_client
