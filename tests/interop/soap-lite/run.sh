#!/bin/sh
# Perl SOAP::Lite, no WSDL: the journey calls the node the way SOAP::Lite users call an rpc
# service (SOAP::Lite->proxy(...)->ns(...)->call(...), SOAP::Data for names and types).
# Usage: run.sh BASE_URL WORK_DIR (nothing is generated, so WORK_DIR stays empty).
set -eu
if [ $# -ne 2 ]; then echo "usage: $0 BASE_URL WORK_DIR" >&2; exit 2; fi
if ! perl -MSOAP::Lite -e 1 2>/dev/null; then
    echo "Perl SOAP::Lite is not installed (Debian package libsoap-lite-perl)"
    exit 77
fi
exec perl "$(dirname "$0")/journey.pl" "$1"
