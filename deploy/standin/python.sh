# Run inside the stand-in python:3.11-slim while scripts/base-images.sh makes it: Debian's
# Python 3.11 in a venv first on PATH, so `python`, `pip` and installed scripts are found as in
# the official image.
set -eu
python3 -m venv /usr/local/python
/usr/local/python/bin/python -m pip --version >/dev/null
