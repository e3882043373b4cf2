#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver from Debian (bookworm: `chromium`,
# `chromium-driver`, the same version). run.sh drives them with Python's standard library
# only, so nothing comes from PyPI. Idempotent; called by .ci/run.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null; }
chromium --version
chromedriver --version
