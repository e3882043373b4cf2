#!/bin/sh
# Installs Apache Axis 1.4 from Debian (libaxis-java; it pulls commons-discovery, commons-logging,
# wsdl4j, javax.mail and javax.activation). Java 17 (java + javac) is already on the machine.
# Idempotent and quiet.
set -eu
[ -f /usr/share/java/axis.jar ] && [ -f /usr/share/java/wsdl4j.jar ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y -q --no-install-recommends libaxis-java >/dev/null; }
apt_install || { apt-get update -q >/dev/null && apt_install; }
