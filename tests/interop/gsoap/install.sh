#!/usr/bin/env bash
# Installs gSOAP from Debian: gsoap (wsdl2h, soapcpp2, /usr/share/gsoap/import), libgsoap-dev
# (stdsoap2.h, libgsoap++ and its pkg-config file), pkg-config and g++. Idempotent and quiet
# (apt's output is shown only when it fails).
set -euo pipefail

PACKAGES=(gsoap libgsoap-dev pkg-config g++)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    apt_install() { apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; }
    apt_install || { apt-get update -q >"$log" 2>&1 && apt_install; } || { cat "$log"; exit 1; }
fi
echo "gSOAP $(soapcpp2 -V 2>&1 | head -n 1) installed"
