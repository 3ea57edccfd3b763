#!/usr/bin/env bash
# ci/interop-calibration-jwks.sh - the suite against the calibration family's
# JWKS variants (ci/targets/calibration/*/grading-issuer.toml: pyjwkclient,
# FastAPI verifying Better Auth's tokens with PyJWT's PyJWKClient), each run
# twice at once and graded EXACTLY as the variant's grading files say:
#   1. trusting a real Better Auth issuer (ci/better-auth.sh, EdDSA), with users
#      signed up there (--better-auth): grading-better-auth.toml;
#   2. trusting the suite as the issuer (`todo-conformance issuer`, with
#      --signing-key, so every minted token and the key-lifecycle scenarios
#      run): grading-issuer.toml.
#
# Usage: ci/interop-calibration-jwks.sh [VARIANT...]   (default: every JWKS variant)
# Exit: 0 when every report matches its grading file, 1 when one does not
#       (the diff is printed), 2 when the runs could not happen.
#
# Environment (optional):
#   TODO_CONFORMANCE_BIN   a prebuilt todo-conformance to use instead of building one
#   CALIBRATION_OUT        a directory to keep each run's report, suite output and log in
#   CALIBRATION_PG_PORT    the local cluster's port (default 25438)
# Needs what ci/interop-calibration.sh needs, and Node.js with npm (Better Auth).
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAMILY="$ROOT/ci/targets/calibration"
STARTUP_SECS=90
# The key-lifecycle scenarios wait up to --jwks-wait each. Longer than
# PyJWKClient's 30 s refetch cooldown, so that whether a new key is taken up
# does not depend on when its last fetch happened: the verdicts are stable.
JWKS_WAIT=40
RUN_SECS=600

case "${1:-}" in
  -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
mapfile -t ALL < <("$FAMILY/serve.sh" --list | while read -r v; do [[ -f "$FAMILY/$v/grading-issuer.toml" ]] && echo "$v"; done)
VARIANTS=("$@")
[[ ${#VARIANTS[@]} -gt 0 ]] || VARIANTS=("${ALL[@]}")
for variant in "${VARIANTS[@]}"; do
  for file in app.py grading-better-auth.toml grading-issuer.toml; do
    [[ -f "$FAMILY/$variant/$file" ]] || die "no JWKS variant '$variant' with $file; they are: ${ALL[*]}"
  done
done

WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  TMPDIR="$WORK/better-auth" "$ROOT/ci/better-auth.sh" stop >/dev/null 2>&1 || true
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

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

export LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT="${CALIBRATION_PG_PORT:-25438}"
ADMIN_URL=$("$ROOT/ci/local-postgres.sh" start 2>"$WORK/postgres-start.log") || {
  cat "$WORK/postgres-start.log" >&2
  die "could not start the local PostgreSQL cluster on port $LOCAL_PG_PORT"
}
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
"$FAMILY/serve.sh" --venv


log "starting Better Auth and the suite's issuer"
mkdir -p "$WORK/better-auth"
BETTER_AUTH=$(TMPDIR="$WORK/better-auth" BETTER_AUTH_PORT=$(free_port) "$ROOT/ci/better-auth.sh" start)
"$SUITE" issuer --key-out "$WORK/issuer.jwk.json" >"$WORK/issuer.out" 2>&1 &
PIDS+=("$!")
for _ in $(seq 50); do grep -q '^JWKS:' "$WORK/issuer.out" 2>/dev/null && break; sleep 0.1; done
ISSUER=$(sed -n 's|^JWKS: *\(http://[^ ]*\)/api/auth/jwks$|\1|p' "$WORK/issuer.out")
[[ -n "$ISSUER" ]] || { cat "$WORK/issuer.out" >&2; die "todo-conformance issuer did not start"; }

# Starts VARIANT trusting ISSUER_URL as run NAME; sets URL.
start_variant() {
  local variant=$1 name=$2 issuer_url=$3 port db
  db="calib_${name//-/_}"
  "$PSQL" -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
  port=$(free_port)
  env -u BETTER_AUTH_SECRET BETTER_AUTH_URL="$issuer_url" PORT="$port" \
    DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$LOCAL_PG_PORT/$db" \
    "$FAMILY/serve.sh" "$variant" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  URL="http://127.0.0.1:$port"
  for _ in $(seq 1 $((STARTUP_SECS * 2))); do
    curl -fsS -o /dev/null --max-time 2 "$URL/health" 2>/dev/null && return
    sleep 0.5
  done
  cat "$WORK/$name.log" >&2
  die "$name did not answer $URL/health within $STARTUP_SECS s"
}

# Runs the suite as run NAME with ARGS, then checks its report with GRADING.
graded_run() {
  local name=$1 grading=$2 started=$SECONDS code=0
  shift 2
  timeout "$RUN_SECS" "$SUITE" "$@" --json "$WORK/$name.json" >"$WORK/$name.out" 2>&1 || code=$?
  log "$name: the suite exited $code in $((SECONDS - started)) s: $(grep '^conformance: ' "$WORK/$name.out" || tail -n 1 "$WORK/$name.out")"
  python3 "$FAMILY/check-grading.py" "$grading" "$WORK/$name.json" --run-log "$WORK/$name.out" \
    >"$WORK/$name.grading" 2>&1 && echo ok >"$WORK/$name.verdict"
}

RUNS=()
RUN_PIDS=()
for variant in "${VARIANTS[@]}"; do
  start_variant "$variant" "$variant-better-auth" "$BETTER_AUTH"
  graded_run "$variant-better-auth" "$FAMILY/$variant/grading-better-auth.toml" \
    --base-url "$URL" --better-auth "$BETTER_AUTH" &
  RUN_PIDS+=("$!")
  RUNS+=("$variant-better-auth")
  start_variant "$variant" "$variant-issuer" "$ISSUER"
  graded_run "$variant-issuer" "$FAMILY/$variant/grading-issuer.toml" \
    --base-url "$URL" --signing-key "$WORK/issuer.jwk.json" --token-issuer "$ISSUER" \
    --jwks-wait "$JWKS_WAIT" &
  RUN_PIDS+=("$!")
  RUNS+=("$variant-issuer")
done
# Each run leaves its verdict in a file; a mismatch is not a script error.
wait "${RUN_PIDS[@]}" || true

if [[ -n "${CALIBRATION_OUT:-}" ]]; then
  mkdir -p "$CALIBRATION_OUT"
  for name in "${RUNS[@]}"; do cp "$WORK/$name".{out,log,json,grading} "$CALIBRATION_OUT/" 2>/dev/null || true; done
  log "reports, suite output and target logs kept in $CALIBRATION_OUT"
fi
MISMATCHED=()
for name in "${RUNS[@]}"; do
  [[ -f "$WORK/$name.verdict" ]] || { cat "$WORK/$name.grading" >&2; MISMATCHED+=("$name"); }
done
if [[ ${#MISMATCHED[@]} -gt 0 ]]; then
  log "FAILED: the suite's verdicts differ from the grading files of: ${MISMATCHED[*]} (ci/targets/CALIBRATION.md says why each row is graded so)"
  exit 1
fi
log "ok: every JWKS run graded exactly as its grading file says (${RUNS[*]})"
