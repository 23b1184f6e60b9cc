#!/usr/bin/env bash
# A project-local PostgreSQL for development and tests: `start` (idempotent) or `stop`.
# Data lives in .local/pg (git-ignored; or /var/tmp when the postgres user cannot reach the
# project folder), the server listens on 127.0.0.1 only, and connections
# from this machine are trusted. Used by `make` only when DATABASE_URL is not set.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT="${LOCAL_PG_PORT:-54329}"
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
fi
DEFAULT_ROOT="$PWD/.local/pg"
if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
    # The project sits in a folder the postgres user cannot enter (a clone in `mktemp -d`,
    # say): keep this project's cluster in /var/tmp instead, named after the project's path.
    DEFAULT_ROOT="/var/tmp/alliance-pg-$(printf %s "$PWD" | sha256sum | cut -c1-12)"
fi
ROOT="${LOCAL_PG_ROOT:-$DEFAULT_ROOT}"
DATA="$ROOT/data"
LOG="$ROOT/postgres.log"

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then echo "$PG_BINDIR"; return; fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return; fi
    dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    if [[ -x "$dir/initdb" ]]; then echo "$dir"; return; fi
    echo "PostgreSQL server binaries not found: install them (apt-get install postgresql) or set DATABASE_URL." >&2
    exit 1
}

BIN=$(find_bindir)

# PostgreSQL refuses to run as root, so as root the server runs as the unprivileged
# `postgres` user (created above if the machine lacks it) and owns the data folder.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        # From /, which the postgres user can always enter (the project folder may be private).
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

running() {
    [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
    mkdir -p "$ROOT"
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres "$ROOT"
        if ! runuser -u postgres -- test -w "$ROOT"; then
            echo "The postgres user cannot reach $ROOT: give it search access to the parent folders." >&2
            exit 1
        fi
    fi
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
        as_owner "$BIN/initdb" --pgdata="$DATA" --username=alliance --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$ROOT/initdb.log" 2>&1 \
            || { cat "$ROOT/initdb.log" >&2; exit 1; }
    fi
    if ! running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=''" start >/dev/null \
            || { tail -n 20 "$LOG" >&2; exit 1; }
    fi
    if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U alliance -d postgres -tAc \
        "select 1 from pg_database where datname = 'alliance'" | grep -q 1; then
        "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U alliance alliance
    fi
    echo "PostgreSQL is running on 127.0.0.1:$PORT (data in $ROOT)."
}

stop() {
    if running; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "PostgreSQL stopped."
    else
        echo "PostgreSQL was not running."
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
