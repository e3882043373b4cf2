#!/usr/bin/env bash
# Installs fast-bitrix24 (PyPI, pinned) into its own virtualenv under
# ${CNODE_INTEROP_HOME:-$HOME/.cache/cnode-interop}/fast-bitrix24/venv; run.sh uses that
# interpreter. Idempotent (the installer is shared: ../python/install-venv.sh).
exec bash "$(dirname "$0")/../python/install-venv.sh" fast-bitrix24 1.8.14 fast-bitrix24 fast_bitrix24
