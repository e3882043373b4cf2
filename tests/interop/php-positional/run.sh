#!/bin/sh
# php-positional: PHP SoapClient, positional arguments, rpc/literal WSDL (/?wsdl=rpc).
# Usage: run.sh BASE_URL WORK_DIR
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../php/run-journey.sh" "$here/journey.php" "?wsdl=rpc" "$@"
