#!/usr/bin/env bash
# scripts/stack-env.sh HOST [HTTPS_PORT [HTTP_PORT]]   write deploy/stack.env for compose.yaml
# From deploy/stack.env.example, with a new SECRET_KEY, database and Redis passwords, the site's
# host name and ports, and the stand-in images where those are what this machine has. Owner-
# only (0600). Refuses to replace an existing file: its password is the database's now.
set -euo pipefail
cd "$(dirname "$0")/.."
host="${1:?usage: scripts/stack-env.sh HOST [HTTPS_PORT [HTTP_PORT]]}"
https_port="${2:-8443}"
http_port="${3:-8080}"
file="${STACK_ENV_FILE:-deploy/stack.env}"
if [[ -e "$file" ]]; then
    echo "$file exists: its secrets are in use. Edit it, or move it away first." >&2
    exit 1
fi
origin="https://$host"
[[ "$https_port" == 443 ]] || origin="$origin:$https_port"
secret() { python3 -c "import secrets, string; a = string.ascii_letters + string.digits; print(''.join(secrets.choice(a) for _ in range($1)))"; }
postgres=docker.io/library/postgres:15 redis=docker.io/library/redis:7
if command -v podman >/dev/null 2>&1; then
    podman image exists "$postgres" || ! podman image exists localhost/alliance-standin/postgres:15 \
        || postgres=localhost/alliance-standin/postgres:15
    podman image exists "$redis" || ! podman image exists localhost/alliance-standin/redis:7 \
        || redis=localhost/alliance-standin/redis:7
fi
umask 077
sed -e "s|^SITE_HOST=.*|SITE_HOST=$host|" \
    -e "s|^HTTPS_PORT=.*|HTTPS_PORT=$https_port|" \
    -e "s|^HTTP_PORT=.*|HTTP_PORT=$http_port|" \
    -e "s|^ALLOWED_HOSTS=.*|ALLOWED_HOSTS=$host|" \
    -e "s|^CSRF_TRUSTED_ORIGINS=.*|CSRF_TRUSTED_ORIGINS=$origin|" \
    -e "s|^SITE_URL=.*|SITE_URL=$origin|" \
    -e "s|^SECRET_KEY=.*|SECRET_KEY=$(secret 60)|" \
    -e "s|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=$(secret 32)|" \
    -e "s|^REDIS_PASSWORD=.*|REDIS_PASSWORD=$(secret 32)|" \
    -e "s|^POSTGRES_IMAGE=.*|POSTGRES_IMAGE=$postgres|" \
    -e "s|^REDIS_IMAGE=.*|REDIS_IMAGE=$redis|" \
    deploy/stack.env.example > "$file"
echo "Wrote $file (owner-only). Its SECRET_KEY and passwords are new: keep a copy safe."
