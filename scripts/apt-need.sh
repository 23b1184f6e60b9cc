#!/usr/bin/env bash
# Make sure a program from Debian's packages is installed: apt-need.sh PROGRAM PACKAGE...
# Installs the packages when the program is missing and we are root; otherwise says what to
# install. (Browsers and tools come from Debian: nothing downloads binaries of its own here.)
set -euo pipefail
program="$1"
shift
if command -v "$program" >/dev/null 2>&1 || [[ -x "$program" ]]; then exit 0; fi
if [[ $(id -u) -ne 0 ]]; then
    echo "$program not found: install the Debian package(s) $* (apt-get install $*)." >&2
    exit 1
fi
echo "Installing Debian's $* ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
