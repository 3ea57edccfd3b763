#!/usr/bin/env bash
# ci/docker-up.sh - make sure a Docker daemon answers `docker info`.
#
# Usage (as root, or via sudo):  ci/docker-up.sh
#
# - If `docker info` already answers, does nothing (prints the storage driver).
# - If `dockerd` is missing, installs Debian's `docker.io` package with apt-get.
# - Starts dockerd detached (setsid + nohup, stdin from /dev/null) so it keeps
#   running after this script exits, first with --storage-driver=overlay2 and,
#   if that does not come up within DOCKERD_WAIT seconds, with vfs.
#
# Environment (all optional):
#   DOCKER_STORAGE_DRIVER  force one driver (no fallback), e.g. vfs or overlay2
#   DOCKERD_LOG            dockerd log file (default /var/log/dockerd-ci.log)
#   DOCKERD_WAIT           seconds to wait for each start attempt (default 30)
#   DOCKERD_EXTRA_ARGS     extra arguments for dockerd (word-split)
#
# Safe to rerun. Progress goes to stderr; nothing is printed on stdout.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# dockerd lives in /usr/sbin, which is not on every PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

DOCKERD_WAIT=${DOCKERD_WAIT:-30}
DOCKER_DATA_ROOT=/var/lib/docker

docker_ok() { docker info >/dev/null 2>&1; }

current_driver() { docker info --format '{{.Driver}}' 2>/dev/null || echo unknown; }

command -v docker >/dev/null 2>&1 || NEED_CLIENT=1

if [ -z "${NEED_CLIENT:-}" ] && docker_ok; then
    log "docker daemon already running (storage driver: $(current_driver)); nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    die "docker is not reachable and starting dockerd needs root; rerun as root (e.g. sudo $0)"
fi

case ${DOCKER_HOST:-unix:///var/run/docker.sock} in
unix:///var/run/docker.sock | unix:///run/docker.sock) ;;
*) log "warning: DOCKER_HOST=$DOCKER_HOST; the dockerd started here listens on /var/run/docker.sock" ;;
esac

# --- install docker.io if needed ------------------------------------------
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    log "dockerd not found; installing Debian package docker.io"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install Docker manually"
    export DEBIAN_FRONTEND=noninteractive
    # Lock timeout: wait for another apt/dpkg run instead of failing at once.
    apt-get -o DPkg::Lock::Timeout=600 update >&2 || die "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y docker.io >&2 \
        || die "apt-get install docker.io failed"
    command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd still not found"
    # On a systemd machine the package's postinst may already have started it.
    if docker_ok; then
        log "docker daemon started by the package (storage driver: $(current_driver))"
        exit 0
    fi
fi

# --- a dockerd that is still starting (or hung)? ---------------------------
wait_for_docker() { # $1 = pid to watch (or empty), $2 = seconds
    local pid=$1 secs=$2 i
    for ((i = 0; i < secs * 2; i++)); do
        docker_ok && return 0
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.5
    done
    docker_ok
}

existing=$(pgrep -x dockerd || true)
if [ -n "$existing" ]; then
    log "dockerd already running (pid $existing) but not answering yet; waiting up to ${DOCKERD_WAIT}s"
    if wait_for_docker "" "$DOCKERD_WAIT"; then
        log "docker daemon is up (storage driver: $(current_driver))"
        exit 0
    fi
    die "dockerd (pid $existing) is running but 'docker info' fails; check it (and DOCKER_HOST) or stop it, then rerun"
fi

# --- start dockerd -----------------------------------------------------------
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd-ci.log}
if ! { mkdir -p "$(dirname "$DOCKERD_LOG")" && : >>"$DOCKERD_LOG"; } 2>/dev/null; then
    DOCKERD_LOG="${TMPDIR:-/tmp}/dockerd-ci.log"
    : >>"$DOCKERD_LOG" || die "cannot write a dockerd log file"
fi

if [ -n "${DOCKER_STORAGE_DRIVER:-}" ]; then
    drivers=("$DOCKER_STORAGE_DRIVER")
else
    drivers=(overlay2 vfs)
    # Images are stored per driver: if this data root was only ever used with
    # vfs, keep using vfs so that images built earlier stay visible.
    if [ -d "$DOCKER_DATA_ROOT/image/vfs" ] && [ ! -d "$DOCKER_DATA_ROOT/image/overlay2" ]; then
        drivers=(vfs overlay2)
        log "data root $DOCKER_DATA_ROOT was used with vfs before; trying vfs first"
    fi
fi

stop_dockerd() { # $1 = pid we started
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 40; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    log "dockerd (pid $pid) did not stop after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
}

# shellcheck disable=SC2206 # DOCKERD_EXTRA_ARGS is meant to be word-split
extra=(${DOCKERD_EXTRA_ARGS:-})
for driver in "${drivers[@]}"; do
    log "starting dockerd --storage-driver=$driver (log: $DOCKERD_LOG)"
    printf '\n==== %s: %s starting dockerd --storage-driver=%s\n' "$(date -u +%FT%TZ)" "$PROG" "$driver" >>"$DOCKERD_LOG"
    log_offset=$(stat -c %s "$DOCKERD_LOG")
    # setsid: own session, so it is not killed with this script's process group;
    # nohup + </dev/null: no SIGHUP, no terminal. Neither forks here, so $! is dockerd.
    setsid nohup dockerd --storage-driver="$driver" "${extra[@]}" </dev/null >>"$DOCKERD_LOG" 2>&1 &
    pid=$!
    if wait_for_docker "$pid" "$DOCKERD_WAIT"; then
        disown "$pid" 2>/dev/null || true
        log "docker daemon is up (pid $pid, storage driver: $(current_driver))"
        exit 0
    fi
    if kill -0 "$pid" 2>/dev/null; then
        log "dockerd with $driver did not answer within ${DOCKERD_WAIT}s; stopping it"
        stop_dockerd "$pid"
    else
        log "dockerd with $driver exited; last log lines:"
        tail -c +"$((log_offset + 1))" "$DOCKERD_LOG" | tail -n 5 | sed "s/^/$PROG:   /" >&2 || true
    fi
    # A dockerd that died may leave its pid file behind; dockerd removes stale
    # ones itself, so nothing else to clean up here.
done

die "could not start dockerd (tried: ${drivers[*]}); see $DOCKERD_LOG"
