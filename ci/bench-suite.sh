#!/usr/bin/env bash
# ci/bench-suite.sh - how long the whole conformance suite takes on this
# machine, measured, not claimed:
#   warm: against an already-running reference server (release build, on a
#         local PostgreSQL cluster), i.e. the suite's own speed;
#   cold: `todo-conformance` with no target, which starts the bundled server
#         on a fresh testcontainers Postgres (needs Docker and the image in
#         TODO_POSTGRES_IMAGE, see ci/build-postgres-image.sh).
#
# Usage:  ci/bench-suite.sh [RUNS]     (default 5 runs each; prints medians)
# Target: the warm run under 2 s.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, got '$RUNS'"
PORT=${BENCH_PORT:-18181}
SECRET="bench-secret-$(date +%s)-0123456789abcdef0123456789"
SUITE="$ROOT/target/release/todo-conformance"
SERVER="$ROOT/target/release/todo-reference-server"

log "building release binaries"
(cd "$ROOT" && cargo build --quiet --release -p todo-reference-server -p todo-conformance)

export LOCAL_PG_DIR="${TMPDIR:-/tmp}/todo-bench-pg" LOCAL_PG_PORT="${BENCH_PG_PORT:-55434}"
database_url=$("$ROOT/ci/local-postgres.sh" start)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  "$ROOT/ci/local-postgres.sh" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

log "starting the reference server on 127.0.0.1:$PORT"
BETTER_AUTH_SECRET="$SECRET" DATABASE_URL="$database_url" TODO_BIND="127.0.0.1:$PORT" RUST_LOG=warn \
  "$SERVER" >"${TMPDIR:-/tmp}/todo-bench-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/ready" >/dev/null || die "the server did not become ready (see ${TMPDIR:-/tmp}/todo-bench-server.log)"

scenarios=$("$SUITE" --list | wc -l)

# Runs the command RUNS times; prints the median wall time in seconds.
median_seconds() {
  local times=() start end
  for run in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || die "run $run of '$*' failed"
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000000 ))")
    log "  run $run: ${times[-1]} ms"
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m/1000}'
}

log "warm: $RUNS runs against the running server"
warm=$(median_seconds "$SUITE" --base-url "http://127.0.0.1:$PORT" --secret "$SECRET")
log "cold: $RUNS runs with the bundled server on a fresh container (${TODO_POSTGRES_IMAGE:-postgres:17-alpine})"
cold=$(median_seconds env -u DATABASE_URL -u BETTER_AUTH_SECRET "$SUITE")

printf '\n%-44s %10s %12s %14s\n' "run ($(nproc) cores, median of $RUNS)" scenarios "wall time" "scenarios/s"
rate() { awk -v n="$scenarios" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
printf '%-44s %10s %11ss %14s\n' "warm: against a running reference server" "$scenarios" "$warm" "$(rate "$warm")"
printf '%-44s %10s %11ss %14s\n' "cold: bundled server + Postgres container" "$scenarios" "$cold" "$(rate "$cold")"
