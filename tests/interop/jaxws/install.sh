#!/bin/sh
# Installs JAX-WS RI 2.3 from Debian: `jaxws` (wsimport) pulls in `libjaxws-java` (the runtime jars
# under /usr/share/java). The JDK (javac) is already on the CI machine. Idempotent and quiet.
set -eu
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
if ! installed jaxws || ! installed libjaxws-java; then
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q --no-install-recommends jaxws >/dev/null 2>&1; then
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends jaxws >/dev/null
    fi
fi
command -v wsimport >/dev/null
test -f /usr/share/java/jaxws-rt.jar
