#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the store's conformance tests and print its URL.
#
#   url=$(tests/conformance/postgres.sh)          # installs if needed, starts, prints the URL last
#   FBRT_TEST_POSTGRES_URL=$url python -m pytest tests/store
#   tests/conformance/postgres.sh stop            # stop the server (the data dir is kept)
#   tests/conformance/postgres.sh destroy         # stop and delete the data dir
#
# Idempotent: a second call finds the running server and prints the same URL. The server listens
# on 127.0.0.1 only, on a free port chosen at first start, with a random password. Everything lives
# in $FBRT_PG_DIR (default /tmp/fbrt-postgres). Progress goes to stderr; stdout is only the URL.
set -euo pipefail

PG_DIR=${FBRT_PG_DIR:-/tmp/fbrt-postgres}
DB_NAME=${FBRT_PG_DB:-fbrt_test}
DB_USER=fbrt
DATA="$PG_DIR/data"
STATE="$PG_DIR/state"

say() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
        return
    fi
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
    fi
}

BIN=$(find_bindir)
if [[ -z "$BIN" ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        say "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
        exit 1
    fi
    say "installing PostgreSQL from the Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN=$(find_bindir)
    [[ -n "$BIN" ]] || { say "PostgreSQL was installed but initdb/pg_ctl were not found"; exit 1; }
fi

# The server refuses to run as root: run it as the postgres user when we are root.
if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" --shell /bin/sh postgres
    as_pg() { runuser -u postgres -- "$@"; }
    PG_OWNER=postgres
else
    as_pg() { "$@"; }
    PG_OWNER=$(id -un)
fi

pg_running() { as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

case "${1:-start}" in
    stop)
        if [[ -d "$DATA" ]] && pg_running; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
        exit 0
        ;;
    destroy)
        if [[ -d "$DATA" ]] && pg_running; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2; fi
        rm -rf "$PG_DIR"
        exit 0
        ;;
    start) ;;
    *)
        say "unknown command '$1' (use: start, stop, destroy)"
        exit 2
        ;;
esac

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo 54329
}

if [[ ! -f "$STATE" || ! -f "$DATA/PG_VERSION" ]]; then
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    chown "$PG_OWNER" "$PG_DIR"
    chmod 700 "$PG_DIR"
    PORT=$(free_port)
    PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
    as_pg sh -c "umask 077; printf '%s\n' '$PASSWORD' > '$PG_DIR/pwfile'"
    say "creating a cluster in $DATA"
    as_pg "$BIN/initdb" -D "$DATA" -U "$DB_USER" --pwfile="$PG_DIR/pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$PG_DIR/pwfile"
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    printf 'PORT=%s\nPASSWORD=%s\n' "$PORT" "$PASSWORD" >"$STATE"
    chmod 600 "$STATE"
fi
# shellcheck source=/dev/null
source "$STATE"

if ! pg_running; then
    say "starting the server on 127.0.0.1:$PORT"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
        || { say "the server did not start; its log:"; tail -n 20 "$PG_DIR/server.log" >&2; exit 1; }
fi

export PGPASSWORD=$PASSWORD
PSQL=("$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1)
if [[ -z $("${PSQL[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ]]; then
    "${PSQL[@]}" -c "CREATE DATABASE $DB_NAME" >&2
fi

echo "postgresql+asyncpg://$DB_USER:$PASSWORD@127.0.0.1:$PORT/$DB_NAME"
