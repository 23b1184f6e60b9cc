#!/usr/bin/env bash
# Make this machine able to build and run the site's containers without a registry or a
# Docker daemon: Debian's podman, buildah and mmdebstrap, and the limits containers need here
# (docs/deploy.md, "Building without a registry"). Safe to run again: it changes only what
# is missing. podman-compose comes from PyPI, in the project's virtual environment.
set -euo pipefail

packages=(podman buildah mmdebstrap runc uidmap slirp4netns fuse-overlayfs)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if (( ${#missing[@]} )); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "Install the Debian packages ${missing[*]} (apt-get install ${missing[*]})." >&2
        exit 1
    fi
    echo "Installing Debian's ${missing[*]} ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Without explicit limits, processes inside containers fail to start on these hosts; crun
# fails on their cgroup layout, runc works.
conf=/etc/containers/containers.conf
ensure() {  # ensure SECTION KEY LINE: LINE in [SECTION] unless KEY is set there already
    local section="$1" key="$2" line="$3"
    if grep -qs "^$key *=" "$conf"; then return; fi
    if [[ $(id -u) -ne 0 ]]; then
        echo "Add to $conf, under [$section]: $line" >&2
        exit 1
    fi
    mkdir -p "$(dirname "$conf")"
    if grep -qs "^\[$section\]" "$conf"; then
        sed -i "/^\[$section\]/a $line" "$conf"
    else
        printf '\n[%s]\n%s\n' "$section" "$line" >> "$conf"
    fi
    echo "Wrote $key to $conf."
}
ensure containers default_ulimits 'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]'
ensure engine runtime 'runtime = "runc"'
