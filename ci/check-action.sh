#!/usr/bin/env bash
# ci/check-action.sh - tests the GitHub Action's entrypoint (action/entrypoint.sh)
# here, with the environment variables GitHub sets (GITHUB_STEP_SUMMARY,
# GITHUB_OUTPUT, RUNNER_TEMP, INPUT_*): against the reference server (the run
# passes: exit-code 0, a summary with the matrix, the report files), against
# the calibration variant seed-jose (python-jose accepts a token without exp:
# exit-code 1, the failed finding and its hint in the summary), and with bad
# inputs (exit 2, one ::error line). The secret must appear in no output but
# the ::add-mask:: line, and both runs' SARIF must validate against the SARIF
# 2.1.0 schema (ci/check-sarif.sh).
#
# Usage: ci/check-action.sh
# Environment (optional): TODO_CONFORMANCE_BIN, TODO_REFERENCE_SERVER_BIN
#   (default: target/debug/..., built if missing). Ports 25450-25452.
# Needs the PostgreSQL 15 binaries (ci/local-postgres.sh), python3, curl.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
SUITE=${TODO_CONFORMANCE_BIN:-$TARGET_DIR/debug/todo-conformance}
SERVER=${TODO_REFERENCE_SERVER_BIN:-$TARGET_DIR/debug/todo-reference-server}
if [[ ! -x "$SUITE" || ! -x "$SERVER" ]]; then
  log "building the suite and the reference server"
  (cd "$ROOT" && cargo build --quiet -p todo-conformance -p todo-reference-server)
fi
PG_PORT=25450 REF_PORT=25451 SEED_PORT=25452
RUN_SECS=300

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT=$PG_PORT "$ROOT/ci/local-postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

ADMIN_URL=$(LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT=$PG_PORT "$ROOT/ci/local-postgres.sh" start 2>"$WORK/pg.log") ||
  { cat "$WORK/pg.log" >&2; die "could not start the local PostgreSQL cluster"; }
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
for db in action_ref action_seed; do
  "$PSQL" -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
done
db_url() { echo "postgresql://postgres:postgres@127.0.0.1:$PG_PORT/$1"; }

SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
BETTER_AUTH_SECRET=$SECRET TODO_BIND=127.0.0.1:$REF_PORT DATABASE_URL=$(db_url action_ref) \
  "$SERVER" >"$WORK/ref.log" 2>&1 &
PIDS+=($!)
"$ROOT/ci/targets/calibration/serve.sh" --venv
BETTER_AUTH_SECRET=$SECRET PORT=$SEED_PORT DATABASE_URL=$(db_url action_seed) \
  "$ROOT/ci/targets/calibration/serve.sh" seed-jose >"$WORK/seed.log" 2>&1 &
PIDS+=($!)
for port in $REF_PORT $SEED_PORT; do
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null && continue 2
    sleep 0.5
  done
  cat "$WORK/ref.log" "$WORK/seed.log" >&2
  die "nothing answered http://127.0.0.1:$port/health within 60 s"
done

# One step as GitHub runs it: a fresh summary and output file, INPUT_* from
# the arguments (NAME=value), the secret in BETTER_AUTH_SECRET. Sets $CODE.
step() {
  local name=$1
  shift
  mkdir -p "$WORK/$name"
  : >"$WORK/$name/summary.md"
  : >"$WORK/$name/output"
  CODE=0
  env -i PATH="$PATH" HOME="$HOME" GITHUB_ACTIONS=true CI=true \
    GITHUB_STEP_SUMMARY="$WORK/$name/summary.md" GITHUB_OUTPUT="$WORK/$name/output" \
    RUNNER_TEMP="$WORK/$name" GITHUB_WORKSPACE="$WORK/$name" GITHUB_ACTION_PATH="$ROOT" \
    TODO_CONFORMANCE_BIN="$SUITE" BETTER_AUTH_SECRET="$SECRET" "$@" \
    timeout "$RUN_SECS" "$ROOT/action/entrypoint.sh" >"$WORK/$name/log" 2>&1 || CODE=$?
  log "$name: the entrypoint exited $CODE"
}
expect() {
  local name=$1 what=$2 file=$3 pattern=$4
  grep -qE -- "$pattern" "$file" || { tail -n 30 "$WORK/$name/log" >&2; die "$name: $what (no /$pattern/ in $(basename "$file"))"; }
}
no_secret() {
  local name=$1 file
  for file in "$WORK/$name"/*; do
    [[ -f "$file" ]] || continue
    if grep -v '^::add-mask::' "$file" | grep -qF "$SECRET"; then die "$name: the secret is in $(basename "$file")"; fi
  done
}

step passing INPUT_BASE_URL="http://127.0.0.1:$REF_PORT" INPUT_STRICT=true \
  INPUT_JUNIT="$WORK/passing/conformance.xml" INPUT_HTML="$WORK/passing/conformance.html" \
  INPUT_SARIF="$WORK/passing/conformance.sarif" INPUT_JSON="$WORK/passing/conformance.json"
[[ $CODE == 0 ]] || { tail -n 40 "$WORK/passing/log" >&2; die "passing: exit $CODE, expected 0"; }
expect passing "no exit-code output" "$WORK/passing/output" '^exit-code=0$'
expect passing "no verdict in the summary" "$WORK/passing/summary.md" '^## todo-conformance .*: passed$'
expect passing "no promise matrix in the summary" "$WORK/passing/summary.md" '^\| Missing token \| passed \|'
for report in conformance.xml conformance.html conformance.sarif conformance.json; do
  [[ -s "$WORK/passing/$report" ]] || die "passing: $report was not written"
done
no_secret passing

step failing INPUT_BASE_URL="http://127.0.0.1:$SEED_PORT" INPUT_SARIF="$WORK/failing/conformance.sarif"
[[ $CODE == 1 ]] || { tail -n 40 "$WORK/failing/log" >&2; die "failing: exit $CODE, expected 1"; }
expect failing "no exit-code output" "$WORK/failing/output" '^exit-code=1$'
expect failing "no failed verdict in the summary" "$WORK/failing/summary.md" ': FAILED$'
expect failing "the token without exp is not among the failed findings" "$WORK/failing/summary.md" '^#### .*exp'
expect failing "no hint in the summary" "$WORK/failing/summary.md" '^- hint: '
expect failing "no ::error annotation" "$WORK/failing/log" '^::error title=todo-conformance::'
no_secret failing
for run in passing failing; do
  "$ROOT/ci/check-sarif.sh" "$WORK/$run/conformance.sarif" >"$WORK/$run/sarif-check.log" 2>&1 ||
    { cat "$WORK/$run/sarif-check.log" >&2; die "$run: conformance.sarif is not valid SARIF 2.1.0"; }
done
log "the SARIF of both runs validates against the SARIF 2.1.0 schema"

step bad-input INPUT_BASE_URL="http://127.0.0.1:$REF_PORT" INPUT_STRICT=maybe
[[ $CODE == 2 ]] || die "bad-input: exit $CODE, expected 2"
expect bad-input "no ::error line" "$WORK/bad-input/log" '^::error title=todo-conformance::the input strict must be true or false'
step no-url INPUT_BASE_URL=
[[ $CODE == 2 ]] || die "no-url: exit $CODE, expected 2"
expect no-url "no ::error line" "$WORK/no-url/log" 'base-url is required'

if [[ -n "${ACTION_OUT:-}" ]]; then
  mkdir -p "$ACTION_OUT" && cp -r "$WORK"/passing "$WORK"/failing "$ACTION_OUT/"
fi
log "ok: the entrypoint passes, fails, and refuses bad inputs as GitHub would see it"
