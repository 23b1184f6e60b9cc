# Run inside the stand-in redis:7 while scripts/base-images.sh makes it: the official image's
# data folder, owned by the user it runs as.
set -eu
mkdir -p /data
chown redis:redis /data
