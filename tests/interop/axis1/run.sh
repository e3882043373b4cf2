#!/bin/sh
# Apache Axis 1.4 (Debian libaxis-java), rpc/encoded: WSDL2Java generates stubs from
# ${BASE_URL}?wsdl=encoded into WORK_DIR, javac compiles them with Main.java, java runs the journey.
# Usage: run.sh BASE_URL WORK_DIR   (exit 0 = journey passed, 77 = stack missing, else failed)
set -eu
BASE_URL=$1
WORK_DIR=$2
case $0 in */*) HERE=$(cd "${0%/*}" && pwd) ;; *) HERE=$(pwd) ;; esac
J=/usr/share/java

for tool in java javac; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found (OpenJDK 17 JDK)"; exit 77; }
done
CP=""
for jar in axis jaxrpc saaj commons-discovery commons-logging wsdl4j; do
    [ -f "$J/$jar.jar" ] || { echo "$J/$jar.jar not found (Debian package libaxis-java)"; exit 77; }
    CP="$CP:$J/$jar.jar"
done
# Attachment support (Axis only warns without them).
for jar in javax.activation javax.mail; do
    if [ -f "$J/$jar.jar" ]; then CP="$CP:$J/$jar.jar"; fi
done
CP=${CP#:}

# "Apache Axis version: 1.4" -> "Apache Axis 1.4"
echo "version: $(java -cp "$CP" org.apache.axis.Version | sed -n 's/^Apache Axis version: /Apache Axis /p')"

cd "$WORK_DIR"
# Axis logs through commons-logging; keep its console quiet (Main prints what failed).
JOPTS="-Dorg.apache.commons.logging.Log=org.apache.commons.logging.impl.SimpleLog -Dorg.apache.commons.logging.simplelog.defaultlog=fatal"
if ! java $JOPTS -cp "$CP" org.apache.axis.wsdl.WSDL2Java -o gen "${BASE_URL}?wsdl=encoded" >wsdl2java.log 2>&1; then
    head -n 5 wsdl2java.log
    echo "FAIL: WSDL2Java ${BASE_URL}?wsdl=encoded: expected generated stubs, got the error above"
    exit 1
fi
mkdir -p classes
if ! javac -nowarn -encoding UTF-8 -cp "$CP" -d classes $(find gen -name '*.java') "$HERE/Main.java" >javac.log 2>&1; then
    tail -n 20 javac.log
    echo "FAIL: javac: expected the stubs and Main.java to compile, got the errors above"
    exit 1
fi
exec java $JOPTS -cp "$CP:classes" Main "$BASE_URL"
