#!/usr/bin/env bash
# Stand-ins for the official base images, made from Debian's own packages, for a site whose
# machines reach no image registry (these do not). Each is Debian 12 (minbase) with what the
# official image gives the Dockerfile and compose.yaml:
#   localhost/alliance-standin/python:3.11-slim   python3 (3.11) in a venv first on PATH, pip
#   localhost/alliance-standin/debian:bookworm-slim
#   localhost/alliance-standin/postgres:15        initdb from POSTGRES_* at first start
#   localhost/alliance-standin/redis:7            redis-server, as the redis user, in /data
# The host's apt sources and extra CA certificates are copied in while each is made (a
# TLS-inspecting proxy needs them for pip and apt); they are never part of the repository.
# An image made from this recipe (this script and deploy/standin/) is kept; one made from an
# older recipe is made again, and REBUILD=1 makes them all again. Needs root and mmdebstrap
# (scripts/containers-setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=localhost/alliance-standin
RECIPE=$(cat scripts/base-images.sh deploy/standin/* | sha256sum | cut -c1-16)

make_base() {  # make_base NAME PACKAGES [podman import --change ...]
    local name="$1" packages="$2"
    shift 2
    local made
    made=$(podman image inspect --format '{{index .Labels "alliance.standin.recipe"}}' \
        "$PREFIX/$name" 2>/dev/null || true)
    if [[ -z "${REBUILD:-}" && "$made" == "$RECIPE" ]]; then
        echo "Stand-in $PREFIX/$name exists."
        return
    fi
    echo "Making stand-in $PREFIX/$name from Debian packages ..."
    local hooks=(
        --customize-hook='copy-in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/'
        --customize-hook='rm -f "$1/etc/apt/sources.list"'
        --customize-hook='mkdir -p "$1/usr/local/share/alliance-standin"'
        --customize-hook="copy-in $(echo deploy/standin/*) /usr/local/share/alliance-standin/"
    )
    local cert
    for cert in /usr/local/share/ca-certificates/*.crt; do
        [[ -e "$cert" ]] || continue
        hooks+=(--customize-hook="copy-in $cert /usr/local/share/ca-certificates/")
    done
    hooks+=(
        --customize-hook='chroot "$1" update-ca-certificates >/dev/null'
        --customize-hook='chroot "$1" sh /usr/local/share/alliance-standin/'"${name%%:*}"'.sh'
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin'
    )
    local tarball
    tarball=$(mktemp --suffix=.tar)
    trap 'rm -f "$tarball"' RETURN
    mmdebstrap --quiet --variant=minbase --include="ca-certificates${packages:+,$packages}" \
        "${hooks[@]}" bookworm "$tarball"
    podman import "$@" --change "LABEL alliance.standin.recipe=$RECIPE" "$tarball" \
        "$PREFIX/$name" >/dev/null
}

make_base debian:bookworm-slim "" --change 'CMD ["bash"]'
make_base python:3.11-slim "python3,python3-venv,python3-pip" \
    --change 'ENV PATH=/usr/local/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]'
make_base postgres:15 "postgresql-15" \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]' --change 'STOPSIGNAL SIGINT' --change 'EXPOSE 5432'
make_base redis:7 "redis-server" \
    --change 'WORKDIR /data' --change 'USER redis' --change 'CMD ["redis-server"]' \
    --change 'EXPOSE 6379'
