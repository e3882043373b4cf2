#!/bin/sh
# Perl SOAP::WSDL: generates the interface classes with wsdl2perl (Debian names the manual's
# wsdl2perl.pl just `wsdl2perl`) from the served document/literal WSDL into WORK_DIR/lib, then
# runs the journey with the generated interface.
# Usage: run.sh BASE_URL WORK_DIR
set -eu
if [ $# -ne 2 ]; then echo "usage: $0 BASE_URL WORK_DIR" >&2; exit 2; fi
base=$1 work=$2
if ! command -v wsdl2perl >/dev/null 2>&1 || ! perl -MSOAP::WSDL -e 1 2>/dev/null; then
    echo "Perl SOAP::WSDL and its wsdl2perl are not installed (Debian package libsoap-wsdl-perl)"
    exit 77
fi
# wsdl2perl prints one line per generated class: keep them in a log, show the last on failure.
if ! (cd "$work" && wsdl2perl -b lib "${base}?wsdl") >"$work/wsdl2perl.log" 2>&1 ||
   [ ! -f "$work/lib/MyInterfaces/CNodeService/CNodePort.pm" ]; then
    echo "version: SOAP::WSDL $(perl -MSOAP::WSDL -e 'print $SOAP::WSDL::VERSION')"
    echo "FAIL: wsdl2perl ${base}?wsdl: expected the interface MyInterfaces::CNodeService::CNodePort, got: $(tail -n 1 "$work/wsdl2perl.log")"
    exit 1
fi
exec perl -I"$work/lib" "$(dirname "$0")/journey.pl"
