#!/bin/bash
# The backup service (compose.yaml): a pg_dump of DATABASE_URL every BACKUP_INTERVAL_HOURS
# (24) into BACKUP_DIR, keeping BACKUP_KEEP_DAYS (14) of them. Each dump is owner-only
# (scripts/backup.sh). Copy the folder off the machine too (docs/operations.md).
set -euo pipefail
folder="${BACKUP_DIR:-/var/lib/alliance/backups}"
hours="${BACKUP_INTERVAL_HOURS:-24}"
export BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"  # scripts/backup.sh deletes older dumps
trap 'exit 0' TERM INT  # a stop between dumps ends at once; one in progress finishes first
# The first dump once the database answers and holds this release's tables (the migrate
# service applies them; the stack starts in any order): a dump of a half-made schema would
# restore nothing useful.
until pg_isready -q -d "$DATABASE_URL" && python /app/manage.py migrate --check >/dev/null 2>&1; do
    sleep 5 &
    wait $!
done
while true; do
    if /app/scripts/backup.sh "$folder"; then
        pause=$((hours * 3600))
    else
        echo "Backup failed; trying again in a minute." >&2
        pause=60
    fi
    sleep "$pause" &
    wait $!
done
