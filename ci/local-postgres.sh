#!/usr/bin/env bash
# ci/local-postgres.sh - throwaway PostgreSQL 15 cluster from the installed binaries
# (no Docker), for tests that just need a DATABASE_URL.
#
# Usage:
#   ci/local-postgres.sh start    init (first time) + start; prints DATABASE_URL as the only stdout line
#   ci/local-postgres.sh url      print DATABASE_URL
#   ci/local-postgres.sh status   exit 0 if running, 3 if not (message on stderr)
#   ci/local-postgres.sh stop     stop the server and delete the cluster directory
# e.g.  export DATABASE_URL=$(ci/local-postgres.sh start)
#
# The server listens on 127.0.0.1 only; user postgres, password postgres (scram-sha-256),
# database todo: postgres://postgres:postgres@127.0.0.1:25432/todo
# Tuned for tests, not durability (fsync, synchronous_commit, full_page_writes off).
#
# Environment (optional):
#   LOCAL_PG_DIR      cluster directory (default ${TMPDIR:-/tmp}/todo-conformance-pg)
#   LOCAL_PG_PORT     TCP port (default 25432; the CI scripts keep their clusters
#                     below 32768, out of the kernel's range for outgoing connections,
#                     which can otherwise hold a port a moment before a cluster binds it)
#   LOCAL_PG_OS_USER  OS user that runs the server when invoked as root (postgres refuses
#                     to run as root); default: "postgres" if it exists, else a system
#                     user "todo-pg" is created.
# Binaries: initdb/pg_ctl from PATH if they are version 15, else /usr/lib/postgresql/15/bin.
# start and stop are idempotent; start on a running cluster just prints the URL.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; }

PG_MAJOR=15
DB_USER=postgres
DB_PASSWORD=postgres
DB_NAME=todo
MARKER=.todo-conformance-local-pg

PORT=${LOCAL_PG_PORT:-25432}
case $PORT in '' | *[!0-9]*) die "LOCAL_PG_PORT must be a number, got '$PORT'" ;; esac
DIR=${LOCAL_PG_DIR:-${TMPDIR:-/tmp}/todo-conformance-pg}
case $DIR in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DIR=${DIR%/}
[ -n "$DIR" ] || die "LOCAL_PG_DIR must not be /"
case $DIR in *"'"* | *\\*) die "LOCAL_PG_DIR must not contain quotes or backslashes: $DIR" ;; esac
# The unix socket lives in $DIR; socket paths are limited to 107 bytes.
[ "${#DIR}" -le 90 ] || die "LOCAL_PG_DIR is too long for a unix socket path (max 90 chars): $DIR"
PGDATA_DIR="$DIR/data"
LOGFILE="$DIR/postgres.log"

url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$DB_USER" "$DB_PASSWORD" "$1" "$DB_NAME"; }

# The port of the running server (from postmaster.pid), else the configured one.
running_port() {
    local p=
    if [ -r "$PGDATA_DIR/postmaster.pid" ]; then
        p=$(sed -n 4p "$PGDATA_DIR/postmaster.pid" 2>/dev/null || true)
    fi
    case $p in '' | *[!0-9]*) echo "$PORT" ;; *) echo "$p" ;; esac
}

find_pg_bin() {
    local d v
    if d=$(command -v pg_ctl 2>/dev/null) && v=$("$d" --version 2>/dev/null) \
        && [[ $v =~ \ $PG_MAJOR(\.|$) ]] && command -v initdb >/dev/null 2>&1; then
        # Use the real directory, so postgres/psql of the same version are found next to it.
        dirname "$(readlink -f "$d")"
        return 0
    fi
    d=/usr/lib/postgresql/$PG_MAJOR/bin
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
        echo "$d"
        return 0
    fi
    return 1
}

# --- who runs the server ---------------------------------------------------------
RUN_AS=()
setup_user() {
    [ "$(id -u)" -eq 0 ] || return 0
    local u=${LOCAL_PG_OS_USER:-}
    if [ -z "$u" ]; then
        if id postgres >/dev/null 2>&1; then
            u=postgres
        else
            u=todo-pg
        fi
    fi
    if ! id "$u" >/dev/null 2>&1; then
        [ -z "${LOCAL_PG_OS_USER:-}" ] || die "LOCAL_PG_OS_USER=$u does not exist"
        log "creating system user $u to run PostgreSQL (it refuses to run as root)"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$u" || die "useradd $u failed"
    fi
    [ "$(id -u "$u")" -ne 0 ] || die "LOCAL_PG_OS_USER must not be a uid-0 user"
    command -v runuser >/dev/null 2>&1 || die "runuser not found (util-linux)"
    RUN_AS=(runuser -u "$u" --)
    OS_USER=$u
}
as_pg() { "${RUN_AS[@]}" "$@"; }

is_running() {
    [ -f "$PGDATA_DIR/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

psql_local() { # over the private unix socket, as the superuser
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$(running_port)" -U "$DB_USER" "$@"
}

ensure_db() {
    local exists
    exists=$(psql_local -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") \
        || die "cannot query the server (see $LOGFILE)"
    if [ -z "$exists" ]; then
        log "creating database $DB_NAME"
        psql_local -d postgres -c "CREATE DATABASE \"$DB_NAME\"" >&2 || die "CREATE DATABASE failed"
    fi
}

check_ours() { # refuse to touch a directory this script did not create
    [ -d "$DIR" ] || return 0
    [ -e "$DIR/$MARKER" ] && return 0
    [ -z "$(ls -A "$DIR")" ] && return 0
    die "$DIR exists and was not created by $PROG (no $MARKER); choose another LOCAL_PG_DIR"
}

cmd_start() {
    check_ours
    if is_running; then
        log "already running in $DIR (port $(running_port))"
        ensure_db
        url "$(running_port)"
        return 0
    fi
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        log "initialising cluster in $PGDATA_DIR ($("$PG_BIN/postgres" --version))"
        rm -rf "$PGDATA_DIR"
        mkdir -p "$DIR"
        : >"$DIR/$MARKER"
        chmod 700 "$DIR"
        [ -z "${OS_USER:-}" ] || chown -R "$OS_USER:" "$DIR"
        as_pg test -w "$DIR" \
            || die "user ${OS_USER:-$(id -un)} cannot write to $DIR (a parent directory is not accessible?); set LOCAL_PG_DIR"
        # Password file in the private dir (a root-owned pipe as /dev/stdin is not
        # readable by the server user).
        (umask 077 && printf '%s\n' "$DB_PASSWORD" >"$DIR/.pwfile")
        [ -z "${OS_USER:-}" ] || chown "$OS_USER:" "$DIR/.pwfile"
        if ! as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" --username="$DB_USER" \
            --pwfile="$DIR/.pwfile" --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >&2; then
            rm -f "$DIR/.pwfile"
            die "initdb failed"
        fi
        rm -f "$DIR/.pwfile"
        # Host access: only loopback. Local socket: trust, but the socket lives in
        # the private $DIR (mode 700) with unix_socket_permissions 0700.
        as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null <<EOF

# --- added by $PROG (throwaway test cluster) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    log "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOGFILE)"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$LOGFILE" -o "-p $PORT" -w -t 60 start >&2; then
        tail -n 15 "$LOGFILE" 2>/dev/null | sed "s/^/$PROG:   /" >&2 || true
        die "could not start PostgreSQL (port $PORT in use? see $LOGFILE)"
    fi
    ensure_db
    url "$(running_port)"
}

cmd_stop() {
    check_ours
    if [ ! -d "$DIR" ]; then
        log "nothing to stop ($DIR does not exist)"
        return 0
    fi
    if is_running; then
        log "stopping PostgreSQL in $DIR"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >&2 || die "pg_ctl stop failed"
    fi
    log "removing $DIR"
    rm -rf "$DIR"
}

cmd_status() {
    if is_running; then
        log "running in $DIR on port $(running_port)"
        return 0
    fi
    log "not running ($DIR)"
    return 3
}

[ $# -eq 1 ] || { usage; exit 2; }
case $1 in
url) url "$(running_port)"; exit 0 ;;
start | stop | status) ;;
-h | --help) usage; exit 0 ;;
*) usage; die "unknown command: $1" ;;
esac

PG_BIN=$(find_pg_bin) || die "PostgreSQL $PG_MAJOR binaries not found (install postgresql-$PG_MAJOR)"
cd / # the server user may not be able to access the caller's working directory
setup_user
"cmd_$1"
