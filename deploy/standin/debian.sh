# Run inside the stand-in debian:bookworm-slim while scripts/base-images.sh makes it.
set -eu
true
