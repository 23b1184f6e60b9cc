#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright: downloading a browser
# (`playwright install`) is impossible on machines without internet access.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then exit 0; fi
if [[ $(id -u) -ne 0 ]]; then
    echo "Chromium not found at $CHROMIUM: install Debian's chromium package (or set CHROMIUM_PATH)." >&2
    exit 1
fi
echo "Installing Debian's chromium package..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
