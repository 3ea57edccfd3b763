#!/usr/bin/env bash
# ci/interop-fastapi.sh - the suite against a second implementation of the
# contract, ci/targets/fastapi (FastAPI + SQLModel + python-jose), on a local
# PostgreSQL 15 cluster:
#   1. correctly configured, with the seed profile: it passes, also with --strict;
#   2. FASTAPI_TARGET_FLAW=legacy-403 (HTTPBearer before FastAPI 0.122): the run
#      reports exactly the findings in ci/targets/fastapi/expected/legacy-403.toml
#      (non-strict: a 403 refuses all the same; --strict fails on them),
#      with the HTTPBearer hint, and its HTML reports (the accepted run's and the
#      failing --strict run's) render in headless Chromium with the first
#      finding group on the first screen at 1280x800;
#   3. FASTAPI_TARGET_FLAW=no-exp-required: exactly the findings in
#      ci/targets/fastapi/expected/no-exp-required.toml, with the require_exp hint;
#   4. FASTAPI_TARGET_SHAPE=wrapped ({tasks, count}, status open/done, delete 200)
#      with profiles/wrapped-count.toml: it passes; with the seed profile it does not.
# "Exactly": with --expect-failures the run exits 0 only when every listed
# scenario fails and no other does.
# Needs python3 (3.10+) with pip (the target's venv is built from PyPI), the
# PostgreSQL 15 binaries, and Chromium for step 2 (ci/check-html-report.sh
# installs Debian's package if it is missing; SKIP_HTML_CHECK=1 skips it;
# HTML_SCREENSHOTS=DIR keeps the reports and their screenshots there).
# Usage: ci/interop-fastapi.sh      (exit 0 when all four hold)
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET_DIR="$ROOT/ci/targets/fastapi"
WORK=$(mktemp -d)
# The cluster runs as the postgres user, which must reach its directory.
chmod 755 "$WORK"
SUITE="$ROOT/target/debug/todo-conformance"
TARGET_PID=""

stop_target() {
  if [[ -n "$TARGET_PID" ]]; then
    kill "$TARGET_PID" 2>/dev/null && wait "$TARGET_PID" 2>/dev/null || true
    TARGET_PID=""
  fi
}
cleanup() {
  stop_target
  LOCAL_PG_DIR="$WORK/pg" "$ROOT/ci/local-postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

log "building the suite"
(cd "$ROOT" && cargo build --quiet -p todo-conformance)

export LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT="${INTEROP_PG_PORT:-25436}"
DATABASE_URL=$("$ROOT/ci/local-postgres.sh" start)
export DATABASE_URL
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export BETTER_AUTH_SECRET="$SECRET"

# start_target FLAW SHAPE: the target on a free port, in the background, until ready.
start_target() {
  local port log_file
  port=$(free_port)
  log_file="$WORK/target-$1-$2.log"
  PORT="$port" FASTAPI_TARGET_FLAW="$1" FASTAPI_TARGET_SHAPE="$2" \
    "$TARGET_DIR/serve.sh" >"$log_file" 2>&1 &
  TARGET_PID=$!
  TARGET_URL="http://127.0.0.1:$port"
  # The first start builds the venv from PyPI: allow it a few minutes.
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "$TARGET_URL/health" 2>/dev/null; then
      log "target up at $TARGET_URL (flaw '${1:-none}', shape $2)"
      return 0
    fi
    kill -0 "$TARGET_PID" 2>/dev/null || { cat "$log_file" >&2; die "the FastAPI target exited"; }
    sleep 0.5
  done
  cat "$log_file" >&2
  die "the FastAPI target did not answer /health within 300 s"
}

# suite NAME EXPECTED_CODE ARGS...: runs the suite, keeps its output, checks the exit code.
suite() {
  local name=$1 expected=$2 code=0
  shift 2
  "$SUITE" --base-url "$TARGET_URL" "$@" >"$WORK/$name.out" 2>&1 || code=$?
  grep '^conformance: ' "$WORK/$name.out" >&2 || true
  if [[ "$code" != "$expected" ]]; then
    cat "$WORK/$name.out" >&2
    die "$name: the suite exited $code, expected $expected"
  fi
}

# needs NAME TEXT: the run's output says TEXT.
needs() {
  grep -qF -- "$2" "$WORK/$1.out" || { cat "$WORK/$1.out" >&2; die "$1: the output lacks: $2"; }
}

log "1. correctly configured: passes with the seed profile, also with --strict"
start_target "" seed
suite correct 0
suite correct-strict 0 --strict
stop_target

log "2. legacy-403: exactly the listed findings, non-strict (a 403 still refuses), with the hint, and an HTML report"
start_target legacy-403 seed
suite legacy-403-raw 0
needs legacy-403-raw "hint:     FastAPI's HTTPBearer before 0.122 answers 403"
suite legacy-403-strict 1 --strict --html "$WORK/legacy-403-strict.html"
# One cause on every task route: one group, with one example, on the console.
for run in legacy-403-raw legacy-403-strict; do
  headlines=$(grep -cE '^(promise broken|contract deviation|non-strict finding|scenario not set up)' "$WORK/$run.out" || true)
  examples=$(grep -c '^  example (' "$WORK/$run.out" || true)
  if [[ "$headlines" != 1 || "$examples" != 1 ]] || ! grep -qE '^contract deviation .*: 19 findings, one cause' "$WORK/$run.out"; then
    cat "$WORK/$run.out" >&2
    die "$run: expected one group of 19 findings with one example, got $headlines headline(s) and $examples example(s)"
  fi
done
log "the 403 on every route is one group of 19 findings with one example"
suite legacy-403 0 --expect-failures "$TARGET_DIR/expected/legacy-403.toml" --html "$WORK/legacy-403.html"
if [[ "${SKIP_HTML_CHECK:-0}" != 1 ]]; then
  shots=${HTML_SCREENSHOTS:-$WORK/screenshots}
  for report in legacy-403 legacy-403-strict; do
    # --expect-group: one cause on six routes must show as a group, on the first screen.
    "$ROOT/ci/check-html-report.sh" --expect-group "$WORK/$report.html" "$shots/$report.png"
  done
  if [[ -n "${HTML_SCREENSHOTS:-}" ]]; then
    cp "$WORK/legacy-403.html" "$WORK/legacy-403-strict.html" "$HTML_SCREENSHOTS/"
  fi
fi
stop_target

log "3. no-exp-required: exactly the listed findings, with the hint"
start_target no-exp-required seed
suite no-exp-raw 1
needs no-exp-raw 'require_exp'
suite no-exp 0 --expect-failures "$TARGET_DIR/expected/no-exp-required.toml"
stop_target

log "4. wrapped shape: passes with profiles/wrapped-count.toml, not with the seed profile"
start_target "" wrapped
suite wrapped 0 --strict --profile "$ROOT/profiles/wrapped-count.toml"
suite wrapped-as-seed 1
stop_target

log "ok: the suite tells the FastAPI target's flaws from its harmless variants"
