#!/bin/sh
# Installs what the Mobizon curl journey needs from Debian: curl (the docs' own example is a curl
# command) and jq (to read the JSON answers; run.sh falls back to python3 without it).
# Idempotent and quiet: installs only what is missing.
set -eu
pkgs=""
command -v curl >/dev/null 2>&1 || pkgs="$pkgs curl"
command -v jq >/dev/null 2>&1 || pkgs="$pkgs jq"
if [ -n "$pkgs" ]; then
    export DEBIAN_FRONTEND=noninteractive
    install() { apt-get install -y -q --no-install-recommends $pkgs >/dev/null; }
    # A fresh machine may have no package lists yet: update only when the install needs it.
    install 2>/dev/null || { apt-get update -q >/dev/null && install; }
fi
curl --version | head -n 1
jq --version
