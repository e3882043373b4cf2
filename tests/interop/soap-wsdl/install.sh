#!/bin/sh
# Installs Perl SOAP::WSDL (with its wsdl2perl generator) from Debian (libsoap-wsdl-perl).
# Idempotent and quiet.
set -eu
pkgs="libsoap-wsdl-perl"
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends $pkgs >/dev/null; }
# A fresh machine may have no package lists yet: update only when the install needs it.
install 2>/dev/null || { apt-get update -q >/dev/null && install; }
command -v wsdl2perl >/dev/null
perl -MSOAP::WSDL -e 1
