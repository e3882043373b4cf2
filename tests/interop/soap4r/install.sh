#!/bin/sh
# Installs Ruby soap4r from Debian (ruby-soap4r 2.0.5, on Debian's ruby 3.1). Idempotent and quiet.
# soap4r uses httpclient when it is there and falls back to Ruby's own net/http otherwise; the
# Debian package depends on ruby alone, and the journey runs on net/http, so nothing else is needed.
set -eu
pkgs="ruby ruby-soap4r"
export DEBIAN_FRONTEND=noninteractive
install() { apt-get install -y -q --no-install-recommends $pkgs >/dev/null; }
# A fresh machine may have no package lists yet: update only when the install needs it.
install 2>/dev/null || { apt-get update -q >/dev/null && install; }
ruby -e 'require "soap/wsdlDriver"'
