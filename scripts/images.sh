#!/usr/bin/env bash
# `make images`: the site's two images, named as compose.yaml expects them
#   localhost/operation-alliance:latest        (web: gunicorn; also the worker, migrate, backup)
#   localhost/operation-alliance-proxy:latest  (proxy: nginx)
# from the official base images when a registry answers, else from stand-ins made from
# Debian's packages (scripts/base-images.sh). BASES=official or BASES=standin chooses.
# buildah when installed (scripts/containers-setup.sh), else docker. Layers are cached: a
# second build with unchanged dependencies takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
WEB_IMAGE="${WEB_IMAGE:-localhost/operation-alliance:latest}"
PROXY_IMAGE="${PROXY_IMAGE:-localhost/operation-alliance-proxy:latest}"
OFFICIAL=(docker.io/library/python:3.11-slim docker.io/library/debian:bookworm-slim)
STANDIN=(localhost/alliance-standin/python:3.11-slim localhost/alliance-standin/debian:bookworm-slim)

if command -v buildah >/dev/null 2>&1; then
    tool=podman
    # chroot isolation and the docker format (OCI images drop HEALTHCHECK) work on these hosts.
    build=(buildah bud --layers --isolation chroot --format docker --pull-never --quiet)
elif command -v docker >/dev/null 2>&1; then
    tool=docker
    build=(docker build --quiet)
else
    echo "Neither buildah nor docker is installed: run scripts/containers-setup.sh." >&2
    exit 1
fi

have() { "$tool" image inspect "$1" >/dev/null 2>&1; }

bases="${BASES:-auto}"
if [[ "$bases" == auto ]]; then
    bases=official
    for image in "${OFFICIAL[@]}"; do
        have "$image" || "$tool" pull -q "$image" >/dev/null 2>&1 || bases=standin
    done
    [[ "$bases" == standin ]] && echo "No registry answers: building from stand-in bases."
fi
if [[ "$bases" == standin ]]; then
    scripts/base-images.sh
    python_image="${STANDIN[0]}" debian_image="${STANDIN[1]}"
else
    python_image="${OFFICIAL[0]}" debian_image="${OFFICIAL[1]}"
fi
args=(--build-arg "PYTHON_IMAGE=$python_image" --build-arg "DEBIAN_IMAGE=$debian_image")

started=$SECONDS
"${build[@]}" "${args[@]}" --target web -t "$WEB_IMAGE" . >/dev/null
"${build[@]}" "${args[@]}" --target proxy -t "$PROXY_IMAGE" . >/dev/null

size() { "$tool" image inspect --format '{{.Size}}' "$1"; }
mb() { echo $(( ($1 + 500000) / 1000000 )); }
web=$(size "$WEB_IMAGE") base=$(size "$python_image")
echo "Built $WEB_IMAGE: $(mb "$web") MB, of which the site's own layers $(mb $((web - base))) MB" \
    "(base $python_image: $(mb "$base") MB)."
echo "Built $PROXY_IMAGE: $(mb "$(size "$PROXY_IMAGE")") MB. ($((SECONDS - started)) s)"
