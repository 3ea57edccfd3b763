#!/usr/bin/env bash
# ci/schemathesis.sh - Schemathesis (from PyPI, pinned) against the reference
# server with its own contract, as served at /openapi.json: every check, every
# phase (examples, coverage, fuzzing, stateful through the contract's links),
# authenticated as a registered user. It must report no failure: a
# schema-driven tool must find nothing the contract and the server disagree on.
#
# Steps: a venv with the pinned Schemathesis, a local PostgreSQL 15 cluster
# (ci/local-postgres.sh), the reference server built and started on a free
# port, a user registered, then `st run`.
#
# Usage: ci/schemathesis.sh
# Exit: 0 when Schemathesis found nothing, 1 when it did (its report is
#       printed), 2 when the run could not happen.
#
# Environment (optional):
#   SCHEMATHESIS_VENV   the venv (default $HOME/.cache/todo-conformance/schemathesis-venv)
#   SCHEMATHESIS_SEED   the generation seed (default 1: the same cases every run;
#                       set another to explore)
#
# One worker only: with several threads, CPython 3.11's ast module may fail
# Hypothesis's strategy descriptions ("AST constructor recursion depth
# mismatch"), an error of the tool, not of the server.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${SCHEMATHESIS_VENV:-$HOME/.cache/todo-conformance/schemathesis-venv}
SEED=${SCHEMATHESIS_SEED:-1}
PINS=(schemathesis==4.32.5 hypothesis==6.170.17)

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "4.32.5"; then
    log "building the venv at $VENV (${PINS[*]})"
    python3 -m venv "$VENV" || die "python3 -m venv failed"
    "$VENV/bin/pip" install --quiet "${PINS[@]}" || die "pip install ${PINS[*]} failed"
fi

DATABASE_URL=$("$ROOT/ci/local-postgres.sh" start) || die "no local Postgres"
export DATABASE_URL
cargo build --quiet -p todo-reference-server --manifest-path "$ROOT/Cargo.toml" \
    || die "the reference server did not build"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Schemathesis keeps a cache in its working directory: a scratch one, not the checkout.
WORK=$(mktemp -d -t schemathesis.XXXXXX)
LOGFILE="$WORK/server.log"
BETTER_AUTH_SECRET=$(openssl rand -hex 32) TODO_BIND="127.0.0.1:$PORT" \
    "$ROOT/target/debug/todo-reference-server" >"$LOGFILE" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do
    curl -fsS "$BASE/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$LOGFILE" >&2; die "the reference server exited"; }
    sleep 0.5
done
curl -fsS "$BASE/ready" >/dev/null || { cat "$LOGFILE" >&2; die "the reference server is not ready"; }

EMAIL="schemathesis-$(date +%s%N)@example.test"
TOKEN=$(curl -fsS -X POST "$BASE/api/auth/register" -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"correct horse battery\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') \
    || die "could not register a user"

log "st run $BASE/openapi.json (all checks, all phases, seed $SEED)"
# A throwaway user's token on loopback; Schemathesis prints it filtered.
status=0
cd "$WORK"
"$VENV/bin/st" run "$BASE/openapi.json" --checks all --workers 1 --seed "$SEED" \
    --header "Authorization: Bearer $TOKEN" || status=$?
case $status in
    0) log "ok: no failure" ;;
    1) log "FAILED: Schemathesis found failures (above)"; exit 1 ;;
    *) die "Schemathesis could not run (exit $status)" ;;
esac
