#!/usr/bin/env bash
# ci/interop-calibration.sh - the suite against the calibration family, FastAPI
# backends written as people write them (ci/targets/calibration/*/app.py), and
# each run's verdicts compared EXACTLY with the variant's grading.toml: every
# scenario listed there must get the listed verdict, every other one must pass.
#
# Steps: build the suite (or take TODO_CONFORMANCE_BIN), start a local
# PostgreSQL 15 cluster with one database per variant, build the variants'
# venv from PyPI (ci/targets/calibration/requirements.txt), start every
# variant on its own port at once, and against each in turn: print the profile
# the suite infers from the variant's /openapi.json (--print-profile) and
# compare it with expected-profile.toml (check-profile.py), then run the suite
# zero-config (only --base-url, and the HS256 secret in BETTER_AUTH_SECRET: no
# profile) and check its JSON report with check-grading.py.
#
# Usage: ci/interop-calibration.sh [VARIANT...]    (default: every variant)
# Exit: 0 when every report matches its grading file, 1 when one does not
#       (the diff is printed), 2 when the run could not happen.
#
# Environment (optional):
#   TODO_CONFORMANCE_BIN   a prebuilt todo-conformance to use instead of building one
#   CALIBRATION_OUT        a directory to keep each variant's report, suite output and log in
#   CALIBRATION_PG_PORT    the local cluster's port (default 25437)
#   CALIBRATION_VENV       the variants' venv (default $HOME/.cache/todo-conformance/calibration-venv)
# Needs python3 (3.11+, for tomllib in the checker) with venv and pip, curl, and
# the PostgreSQL 15 binaries (ci/local-postgres.sh).
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAMILY="$ROOT/ci/targets/calibration"
# Bounds: a variant that is not up in STARTUP_SECS, or a suite run that takes
# longer than RUN_SECS, is a failure (each run takes seconds).
STARTUP_SECS=90
RUN_SECS=300

case "${1:-}" in
  -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
# The HS256 variants; a JWKS variant (no grading.toml) has its own script,
# ci/interop-calibration-jwks.sh.
mapfile -t ALL < <("$FAMILY/serve.sh" --list | while read -r v; do [[ -f "$FAMILY/$v/grading.toml" ]] && echo "$v"; done)
VARIANTS=("$@")
[[ ${#VARIANTS[@]} -gt 0 ]] || VARIANTS=("${ALL[@]}")
for variant in "${VARIANTS[@]}"; do
  [[ -f "$FAMILY/$variant/app.py" && -f "$FAMILY/$variant/grading.toml" ]] ||
    die "no variant '$variant' with an app.py and a grading.toml; the variants are: ${ALL[*]}"
done
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "python3 is $(python3 --version 2>&1); the grading checker needs 3.11 or newer (tomllib)"

WORK=$(mktemp -d)
# The cluster runs as the postgres user, which must reach its directory.
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  LOCAL_PG_DIR="$WORK/pg" "$ROOT/ci/local-postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n "${TODO_CONFORMANCE_BIN:-}" ]]; then
  SUITE=$TODO_CONFORMANCE_BIN
  [[ -x "$SUITE" ]] || die "TODO_CONFORMANCE_BIN=$SUITE is not an executable"
else
  log "building the suite"
  (cd "$ROOT" && cargo build --quiet -p todo-conformance)
  SUITE="${CARGO_TARGET_DIR:-$ROOT/target}/debug/todo-conformance"
fi

export LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT="${CALIBRATION_PG_PORT:-25437}"
ADMIN_URL=$("$ROOT/ci/local-postgres.sh" start 2>"$WORK/postgres-start.log") || {
  cat "$WORK/postgres-start.log" >&2
  die "could not start the local PostgreSQL cluster on port $LOCAL_PG_PORT"
}
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
[[ -x "$PSQL" ]] || die "psql not found (PATH or /usr/lib/postgresql/15/bin)"

log "building or reusing the variants' venv"
"$FAMILY/serve.sh" --venv

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export BETTER_AUTH_SECRET="$SECRET"
declare -A URL
for variant in "${VARIANTS[@]}"; do
  db="calib_${variant//-/_}"
  "$PSQL" -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
  port=$(free_port)
  DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$LOCAL_PG_PORT/$db" PORT="$port" \
    "$FAMILY/serve.sh" "$variant" >"$WORK/$variant.log" 2>&1 &
  PIDS+=($!)
  URL[$variant]="http://127.0.0.1:$port"
done

for index in "${!VARIANTS[@]}"; do
  variant=${VARIANTS[$index]}
  up=0
  for _ in $(seq 1 $((STARTUP_SECS * 2))); do
    if curl -fsS -o /dev/null --max-time 2 "${URL[$variant]}/health" 2>/dev/null; then
      up=1
      break
    fi
    kill -0 "${PIDS[$index]}" 2>/dev/null || break
    sleep 0.5
  done
  if [[ $up != 1 ]]; then
    cat "$WORK/$variant.log" >&2
    die "$variant did not answer ${URL[$variant]}/health within $STARTUP_SECS s"
  fi
  log "$variant up at ${URL[$variant]}"
done

MISMATCHED=()
for variant in "${VARIANTS[@]}"; do
  code=0
  timeout "$RUN_SECS" "$SUITE" --base-url "${URL[$variant]}" --print-profile \
    >"$WORK/$variant.profile.toml" 2>"$WORK/$variant.profile.err" || code=$?
  if [[ $code != 0 ]]; then
    log "$variant: --print-profile exited $code: $(tail -n 1 "$WORK/$variant.profile.err")"
    MISMATCHED+=("$variant")
  elif ! python3 "$FAMILY/check-profile.py" "$FAMILY/$variant/expected-profile.toml" \
    "$WORK/$variant.profile.toml"; then
    MISMATCHED+=("$variant")
  fi
  args=(--base-url "${URL[$variant]}" --json "$WORK/$variant.json")
  code=0
  timeout "$RUN_SECS" "$SUITE" "${args[@]}" >"$WORK/$variant.out" 2>&1 || code=$?
  [[ $code == 124 ]] && log "$variant: the suite did not finish within $RUN_SECS s"
  log "$variant: the suite exited $code: $(grep '^conformance: ' "$WORK/$variant.out" || tail -n 1 "$WORK/$variant.out")"
  if ! python3 "$FAMILY/check-grading.py" "$FAMILY/$variant/grading.toml" "$WORK/$variant.json" \
    --run-log "$WORK/$variant.out"; then
    MISMATCHED+=("$variant")
  fi
done

if [[ -n "${CALIBRATION_OUT:-}" ]]; then
  mkdir -p "$CALIBRATION_OUT"
  for variant in "${VARIANTS[@]}"; do
    cp "$WORK/$variant".{out,log,profile.toml} "$CALIBRATION_OUT/" 2>/dev/null || true
    cp "$WORK/$variant.json" "$CALIBRATION_OUT/" 2>/dev/null || true
  done
  log "reports, suite output and target logs kept in $CALIBRATION_OUT"
fi

if [[ ${#MISMATCHED[@]} -gt 0 ]]; then
  log "FAILED: the suite's verdicts differ from the grading files of: ${MISMATCHED[*]} (ci/targets/CALIBRATION.md says why each row is graded so)"
  exit 1
fi
log "ok: every variant graded exactly as its grading file says (${VARIANTS[*]})"
