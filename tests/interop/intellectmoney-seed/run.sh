#!/usr/bin/env bash
# The IntellectMoney journey with the seed's own example requests (seed 003): its PHP snippet run
# by php-cli + php-curl (seed-request.php), its C# request replayed header for header from
# python3 (journey.py says how and why). Usage: run.sh BASE_URL WORK_DIR
# Exits 77, with one line saying what is missing, when php, php-curl or python3 is not installed.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BASE_URL WORK_DIR" >&2
    exit 2
fi
BASE_URL=$1
case "$BASE_URL" in */) ;; *) BASE_URL="$BASE_URL/" ;; esac
HERE="$(cd "$(dirname "$0")" && pwd)"

if ! command -v php >/dev/null 2>&1; then
    echo "php is not installed (run tests/interop/intellectmoney-seed/install.sh)"
    exit 77
fi
if ! php -r 'exit(function_exists("curl_init") ? 0 : 1);' >/dev/null 2>&1; then
    echo "php-curl is not installed (run tests/interop/intellectmoney-seed/install.sh)"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 is not installed"
    exit 77
fi

cd "$2" || exit 2
PYTHONDONTWRITEBYTECODE=1 exec python3 "$HERE/journey.py" "$BASE_URL" "$2"
