#!/bin/sh
# Interop journey with JAX-WS RI (Debian package jaxws): wsimport generates the client from the
# served document/literal WSDL (${BASE_URL}?wsdl) into WORK_DIR, javac compiles it with Main.java,
# and java runs the journey. Usage: run.sh BASE_URL WORK_DIR
set -u
BASE_URL=$1
WORK_DIR=$2
HERE=$(cd "$(dirname "$0")" && pwd)
JAXWS_RT=/usr/share/java/jaxws-rt.jar   # its manifest Class-Path names the other Debian jars

if ! command -v wsimport >/dev/null 2>&1 || [ ! -f "$JAXWS_RT" ]; then
    echo "JAX-WS RI not installed (no wsimport or $JAXWS_RT; Debian package jaxws)"
    exit 77
fi
if ! command -v javac >/dev/null 2>&1; then
    echo "javac not installed (a JDK is needed to compile the wsimport output)"
    exit 77
fi

# wsimport full version "JAX-WS RI 2.3.0.2 svn-revision#${buildNumber}" -> JAX-WS RI 2.3.0.2
echo "version: $(wsimport -fullversion 2>&1 | sed -n 's/.*"\(JAX-WS RI [^ "]*\).*/\1/p')"

WSDL="${BASE_URL}?wsdl"
mkdir -p "$WORK_DIR/src" "$WORK_DIR/classes"
if ! wsimport -quiet -Xnocompile -p cnode -s "$WORK_DIR/src" -d "$WORK_DIR/classes" "$WSDL" \
        >"$WORK_DIR/wsimport.log" 2>&1; then
    cat "$WORK_DIR/wsimport.log"
    echo "FAIL: wsimport $WSDL: expected generated sources, got the errors above"
    exit 1
fi
if ! javac -nowarn -encoding UTF-8 -cp "$JAXWS_RT" -d "$WORK_DIR/classes" \
        "$WORK_DIR"/src/cnode/*.java "$HERE/Main.java" >"$WORK_DIR/javac.log" 2>&1; then
    cat "$WORK_DIR/javac.log"
    echo "FAIL: javac of the wsimport output and Main.java: expected no errors, got the errors above"
    exit 1
fi
# Naming SAAJ's meta factory silences a "deprecated META-INF/services mechanism" warning per call
# (Debian's saaj-impl registers it under the old service name).
exec java -Djavax.xml.soap.SAAJMetaFactory=com.sun.xml.messaging.saaj.soap.SAAJMetaFactoryImpl \
    -cp "$WORK_DIR/classes:$JAXWS_RT" Main "$WSDL"
