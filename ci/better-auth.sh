#!/usr/bin/env bash
# ci/better-auth.sh - a real Better Auth issuer (better-auth 1.7.25, ci/better-auth/server.mjs)
# on loopback, for interop tests of JWKS verification. TEST-ONLY, in-memory storage.
#
# Usage:
#   ci/better-auth.sh start   npm ci (if needed) + start in the background, wait until
#                             GET /api/auth/jwks answers 200; prints the base URL as the
#                             only stdout line
#   ci/better-auth.sh url     print the base URL
#   ci/better-auth.sh stop    stop the server (fine if it is not running)
# e.g.  export BETTER_AUTH_URL=$(ci/better-auth.sh start)
#
# Endpoints under $URL/api/auth: sign-up/email, sign-in/email (JSON body, session cookie),
# token (session cookie -> {"token": JWT}), jwks, get-session (set-auth-jwt header).
# JWTs: EdDSA/Ed25519, 15 min, iss = aud = base URL. Rate limiting is disabled.
#
# Environment (optional):
#   BETTER_AUTH_PORT    TCP port on 127.0.0.1 (default 3999)
#   BETTER_AUTH_SECRET  server secret, >= 32 chars (default: a fixed TEST-ONLY value)
#   JWT_EXPIRATION      override jwt.expirationTime, e.g. "1h" (default 15m)
#   JWT_ALG             the key pair's algorithm: EdDSA (default), ES256, ES512, RS256, PS256
#   JWKS_ROTATION_INTERVAL, JWKS_GRACE_PERIOD
#                       key rotation, in seconds (default: none, and a 30-day grace period)
#   TMPDIR              where the log and pid file go: a TMPDIR and a port of its own
#                       let several issuers run at once
# Log: ${TMPDIR:-/tmp}/todo-better-auth.log, pid file: ${TMPDIR:-/tmp}/todo-better-auth.pid.
# start and stop are idempotent; start on a running server just prints the URL.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP_DIR="$HERE/better-auth"
PORT=${BETTER_AUTH_PORT:-3999}
case $PORT in '' | *[!0-9]*) die "BETTER_AUTH_PORT must be a number, got '$PORT'" ;; esac
# TEST-ONLY secret: public, never use it for anything real.
export BETTER_AUTH_SECRET=${BETTER_AUTH_SECRET:-test-only-better-auth-secret-NOT-FOR-PRODUCTION-0123456789}
[ "${#BETTER_AUTH_SECRET}" -ge 32 ] || die "BETTER_AUTH_SECRET must be at least 32 characters"
RUN_DIR=${TMPDIR:-/tmp}
RUN_DIR=${RUN_DIR%/}
LOGFILE="$RUN_DIR/todo-better-auth.log"
PIDFILE="$RUN_DIR/todo-better-auth.pid"
URL="http://127.0.0.1:$PORT"
START_TIMEOUT=30

# alive PID: exists and is not a zombie (an exited server reparented to init may stay a
# zombie for a while until init reaps it; kill -0 still succeeds on it)
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# pid of the running server (from the pid file, if that process is our node server)
running_pid() {
    local pid
    [ -r "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE" 2>/dev/null || true)
    case $pid in '' | *[!0-9]*) return 1 ;; esac
    alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'server\.mjs' || return 1
    echo "$pid"
}

jwks_ok() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/api/auth/jwks" 2>/dev/null)" = 200 ]
}

cmd_start() {
    command -v node >/dev/null 2>&1 || die "node not found"
    command -v curl >/dev/null 2>&1 || die "curl not found"
    local pid
    if pid=$(running_pid); then
        jwks_ok || die "server (pid $pid) is running but $URL/api/auth/jwks does not answer 200; see $LOGFILE (another port?)"
        log "already running (pid $pid)"
        echo "$URL"
        return 0
    fi
    rm -f "$PIDFILE"
    if [ ! -d "$APP_DIR/node_modules/better-auth" ]; then
        command -v npm >/dev/null 2>&1 || die "npm not found"
        log "installing dependencies (npm ci in $APP_DIR)"
        local npm_log
        npm_log=$(cd "$APP_DIR" && npm ci --no-audit --no-fund --loglevel=error 2>&1) || {
            printf '%s\n' "$npm_log" | sed "s/^/$PROG:   /" >&2
            die "npm ci failed"
        }
    fi
    if jwks_ok; then
        die "something else already answers on $URL; set BETTER_AUTH_PORT"
    fi
    log "starting Better Auth on $URL (log: $LOGFILE)"
    (cd "$APP_DIR" && PORT="$PORT" BASE_URL="$URL" exec setsid nohup node server.mjs) \
        >"$LOGFILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PIDFILE"
    local deadline=$((SECONDS + START_TIMEOUT))
    until jwks_ok; do
        if ! alive "$pid"; then
            rm -f "$PIDFILE"
            tail -n 15 "$LOGFILE" 2>/dev/null | sed "s/^/$PROG:   /" >&2 || true
            die "server exited during startup (see $LOGFILE)"
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 15 "$LOGFILE" 2>/dev/null | sed "s/^/$PROG:   /" >&2 || true
            cmd_stop
            die "no 200 from $URL/api/auth/jwks after ${START_TIMEOUT}s"
        fi
        sleep 0.2
    done
    log "ready (pid $pid)"
    echo "$URL"
}

cmd_stop() {
    local pid _
    if ! pid=$(running_pid); then
        rm -f "$PIDFILE"
        log "not running"
        return 0
    fi
    log "stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        log "still running after 5s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
}

[ $# -eq 1 ] || { usage; exit 2; }
case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    url) echo "$URL" ;;
    -h | --help | help) usage ;;
    *) usage; exit 2 ;;
esac
