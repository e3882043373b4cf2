#!/usr/bin/env bash
# Installs gSOAP from Debian: gsoap (wsdl2h, soapcpp2, /usr/share/gsoap/import), libgsoap-dev
# (stdsoap2.h, libgsoap++ and its pkg-config file), pkg-config and g++. Idempotent and quiet.
set -euo pipefail

PACKAGES=(gsoap libgsoap-dev pkg-config g++)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
echo "gSOAP $(soapcpp2 -V 2>&1 | head -n 1) installed"
