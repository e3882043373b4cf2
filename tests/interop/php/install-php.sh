#!/bin/sh
# Installs PHP's own SoapClient from Debian (php-cli + php-soap); shared by php-array and
# php-positional. Idempotent: does nothing when both are already installed.
set -eu
if command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("soap") ? 0 : 1);' 2>/dev/null; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
pkgs="php-cli php-soap"
apt-get install -y -q --no-install-recommends $pkgs >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends $pkgs >/dev/null
}
php -r 'exit(extension_loaded("soap") ? 0 : 1);'
