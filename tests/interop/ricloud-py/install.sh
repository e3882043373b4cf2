#!/usr/bin/env bash
# Installs ricloud (PyPI, pinned; Reincubate's official client, source github.com/reincubate/ricloud)
# into its own virtualenv under ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/ricloud-py/venv;
# run.sh uses that interpreter. Idempotent (the installer is shared: ../python/install-venv.sh).
exec bash "$(dirname "$0")/../python/install-venv.sh" ricloud 3.2.0 ricloud-py ricloud
