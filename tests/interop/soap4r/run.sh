#!/bin/sh
# Ruby soap4r on the rpc/literal WSDL (${BASE_URL}?wsdl=rpc): the driver is built from the served
# WSDL at run time (SOAP::WSDLDriverFactory#create_rpc_driver), so nothing is generated and
# WORK_DIR stays empty.
# Usage: run.sh BASE_URL WORK_DIR
set -eu
if [ $# -ne 2 ]; then echo "usage: $0 BASE_URL WORK_DIR" >&2; exit 2; fi
if ! command -v ruby >/dev/null 2>&1 || ! ruby -e 'require "soap/wsdlDriver"' 2>/dev/null; then
    echo "Ruby soap4r is not installed (Debian package ruby-soap4r)"
    exit 77
fi
exec ruby "$(dirname "$0")/journey.rb" "${1}?wsdl=rpc"
