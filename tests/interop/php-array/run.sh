#!/bin/sh
# php-array: PHP SoapClient, one array of named arguments per call, default WSDL
# (/?wsdl, document/literal wrapped). Usage: run.sh BASE_URL WORK_DIR
here=$(cd "$(dirname "$0")" && pwd)
exec sh "$here/../php/run-journey.sh" "$here/journey.php" "?wsdl" "$@"
