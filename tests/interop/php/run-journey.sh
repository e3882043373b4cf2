#!/bin/sh
# Shared body of php-array/run.sh and php-positional/run.sh:
#   run-journey.sh JOURNEY_PHP WSDL_QUERY BASE_URL WORK_DIR
# Exits 77 when PHP or its soap extension is missing.
set -eu
journey=$1 query=$2 base_url=$3 work_dir=$4
if ! command -v php >/dev/null 2>&1; then
    echo "php is not installed (Debian packages php-cli, php-soap)"
    exit 77
fi
if ! php -r 'exit(extension_loaded("soap") ? 0 : 1);' 2>/dev/null; then
    echo "PHP's soap extension is not installed (Debian package php-soap)"
    exit 77
fi
echo "version: $(php -r 'echo "PHP ", PHP_VERSION, " ext/soap ", phpversion("soap"), " libxml ", LIBXML_DOTTED_VERSION;')"
mkdir -p "$work_dir"
# The WSDL cache is off in the client (cache_wsdl); should anything be cached, it goes to WORK_DIR.
exec php -d soap.wsdl_cache_dir="$work_dir" "$journey" "${base_url}${query}" "$work_dir"
