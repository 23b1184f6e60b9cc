# Run inside the stand-in postgres:15 while scripts/base-images.sh makes it: no cluster of
# Debian's own (the entrypoint makes one in PGDATA at first start, as the official image does).
set -eu
pg_dropcluster 15 main 2>/dev/null || true
install -m 755 /usr/local/share/alliance-standin/postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
mkdir -p /var/lib/postgresql/data /var/run/postgresql
chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
