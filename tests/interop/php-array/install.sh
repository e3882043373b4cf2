#!/bin/sh
# PHP SoapClient (Debian php-cli + php-soap): the installer is shared with the other PHP stack.
exec sh "$(dirname "$0")/../php/install-php.sh"
