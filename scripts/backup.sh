#!/usr/bin/env bash
# backup.sh [FOLDER]     write a pg_dump (custom format) of DATABASE_URL, named by the time
# backup.sh restore FILE restore such a dump into the empty database at DATABASE_URL
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?Set DATABASE_URL (make sets it for the project-local PostgreSQL).}"

bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -x "$dir/pg_dump" ]]; then echo "$dir"; return; fi
    dirname "$(command -v pg_dump)"
}
BIN=$(bindir)

if [[ "${1:-}" == "restore" ]]; then
    file="${2:?usage: backup.sh restore FILE}"
    [[ -f "$file" ]] || { echo "No such backup: $file" >&2; exit 1; }
    tables=$("$BIN/psql" "$DATABASE_URL" -tAc "select count(*) from information_schema.tables where table_schema = 'public'")
    if [[ "$tables" != "0" ]]; then
        echo "Refusing to restore: the database at DATABASE_URL is not empty ($tables tables)." >&2
        exit 1
    fi
    "$BIN/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction \
        --dbname "$DATABASE_URL" "$file"
    echo "Restored $file."
else
    folder="${1:-backups}"
    mkdir -p "$folder"
    file="$folder/alliance-$(date -u +%Y%m%dT%H%M%SZ).dump"
    "$BIN/pg_dump" --format=custom --no-owner --file "$file" "$DATABASE_URL"
    echo "Wrote $file."
fi
