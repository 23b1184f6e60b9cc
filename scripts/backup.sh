#!/usr/bin/env bash
# backup.sh [FOLDER]     write a pg_dump (custom format) of DATABASE_URL, named by the time;
#                        with BACKUP_KEEP_DAYS set, then delete the folder's dumps older than
#                        that many days (only once the new one is whole)
# backup.sh restore FILE restore such a dump into the empty database at DATABASE_URL
# A dump holds password hashes, TOTP secrets and session keys: it is written owner-only (0600
# in a 0700 folder), and restore refuses one that others could have read or replaced.
set -euo pipefail
umask 077
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
    for path in "$file" "$(dirname "$file")"; do
        mode=$(stat -c %a "$path")
        if (( 8#$mode & 8#077 )); then
            echo "Refusing to restore: $path is open to other users (mode $mode). Backups hold" \
                "password hashes and TOTP secrets: chmod 600 the file and 700 its folder." >&2
            exit 1
        fi
    done
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
    keep="${BACKUP_KEEP_DAYS:-}"
    # Refused before dumping, loudly: a scheduled backup then fails its health check.
    if [[ -n "$keep" && ! "$keep" =~ ^[1-9][0-9]{0,4}$ ]]; then
        echo "BACKUP_KEEP_DAYS must be a whole number of days from 1 to 99999 (it is" \
            "\"$keep\"); nothing was written or deleted." >&2
        exit 1
    fi
    mkdir -p "$folder"
    chmod 700 "$folder"
    # Dumps from before backups were owner-only are closed too.
    find "$folder" -maxdepth 1 -name 'alliance-*.dump' -exec chmod 600 {} +
    file="$folder/alliance-$(date -u +%Y%m%dT%H%M%SZ).dump"
    # Named as a dump only once whole: a failed run leaves nothing that looks like a backup.
    partial="$file.partial"
    trap 'rm -f "$partial"' EXIT
    "$BIN/pg_dump" --format=custom --no-owner --file "$partial" "$DATABASE_URL"
    chmod 600 "$partial"
    mv "$partial" "$file"
    echo "Wrote $file."
    # Pruning that fails leaves old dumps, never fails the backup that was written (dumping
    # again would fill the disk faster). Parts left by a run that was killed go too.
    if [[ -n "$keep" ]]; then
        find "$folder" -maxdepth 1 -type f -name 'alliance-*' -mtime "+$((keep - 1))" \
            \( -name '*.dump' -o -name '*.dump.partial' \) \
            -delete -printf "Deleted %p, older than $keep days.\n" ||
            echo "Some dumps older than $keep days could not be deleted." >&2
    fi
fi
