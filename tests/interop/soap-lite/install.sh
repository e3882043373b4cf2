#!/bin/sh
# Installs Perl SOAP::Lite from Debian (libsoap-lite-perl). Idempotent and quiet.
set -eu
pkgs="libsoap-lite-perl"
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends $pkgs >/dev/null; }
# A fresh machine may have no package lists yet: update only when the install needs it.
install 2>/dev/null || { apt-get update -q >/dev/null && install; }
perl -MSOAP::Lite -e 1
