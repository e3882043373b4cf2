#!/bin/sh
# Installs what the IntellectMoney seed journey needs from Debian: php-cli and php-curl (the
# seed's PHP example is a curl_setopt_array snippet); the C# example is replayed from python3's
# standard library (.NET is not installed), and python3 is already on every machine the suite
# runs on. Idempotent and quiet: installs only what is missing; exits non-zero when it cannot.
set -eu
has_php_curl() { php -r 'exit(function_exists("curl_init") ? 0 : 1);' >/dev/null 2>&1; }
pkgs=""
command -v php >/dev/null 2>&1 || pkgs="$pkgs php-cli"
has_php_curl || pkgs="$pkgs php-curl"
if [ -n "$pkgs" ]; then
    export DEBIAN_FRONTEND=noninteractive
    install() { apt-get install -y -q --no-install-recommends $pkgs >/dev/null; }
    # A fresh machine may have no package lists yet: update only when the install needs it.
    install 2>/dev/null || { apt-get update -q >/dev/null && install; }
fi
command -v python3 >/dev/null 2>&1 || { echo "python3 is not installed" >&2; exit 1; }
has_php_curl || { echo "php-curl is installed but PHP has no curl_init" >&2; exit 1; }
php -r 'echo "PHP ", PHP_VERSION, ", curl ", curl_version()["version"], "\n";'
