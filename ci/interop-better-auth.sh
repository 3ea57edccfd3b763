#!/usr/bin/env bash
# ci/interop-better-auth.sh - interop test against a real Better Auth issuer
# (ci/better-auth.sh, better-auth 1.7.25 with its jwt plugin):
#   1. the reference server in JWKS mode trusts Better Auth's EdDSA tokens, and
#      the suite, with users signed up on Better Auth (--better-auth), passes
#      every applicable scenario with --strict;
#   2. the suite as the issuer (`todo-conformance issuer`, --signing-key):
#      the same server passes everything, with full coverage;
#   3. the common misconfiguration: the reference server in HS256-only mode,
#      even with Better Auth's own secret, refuses every Better Auth token;
#   4. every algorithm Better Auth issues, and its key rotation: one issuer
#      each for EdDSA rotating every 3 s with a 30 s grace period, ES256
#      rotating likewise, ES512, RS256 and PS256, one after another; the reference
#      server passes everything with each (--strict). A run of about 10 s
#      meets several new keys; each stays published 30 s past its interval,
#      longer than any scenario, since a token that outlives its key is
#      rightly refused and each scenario signs its users up afresh. Key
#      removal is checked in step 2, where the suite is the issuer.
# Needs Node.js and npm (for better-auth), the PostgreSQL 15 binaries (a local
# cluster) and a built workspace (it runs cargo build first).
# Usage: ci/interop-better-auth.sh      (exit 0 when all four hold)
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
# The cluster runs as the postgres user, which must reach its directory.
chmod 755 "$WORK"
SUITE="$ROOT/target/debug/todo-conformance"
SERVER="$ROOT/target/debug/todo-reference-server"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  "$ROOT/ci/better-auth.sh" stop >/dev/null 2>&1 || true
  local issuer
  for issuer in "$WORK"/issuer-*; do
    [ -d "$issuer" ] && TMPDIR="$issuer" "$ROOT/ci/better-auth.sh" stop >/dev/null 2>&1 || true
  done
  LOCAL_PG_DIR="$WORK/pg" "$ROOT/ci/local-postgres.sh" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "building"
(cd "$ROOT" && cargo build --quiet -p todo-reference-server -p todo-conformance)

# Each server gets a database of its own.
export LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT="${INTEROP_PG_PORT:-25435}"
database_url=$("$ROOT/ci/local-postgres.sh" start)
database() {
  local name=$1
  psql "$database_url" --quiet --no-psqlrc -c "CREATE DATABASE $name" >/dev/null
  printf '%s\n' "${database_url%/*}/$name"
}

# Starts the reference server with the given environment and sets
# SERVER_URL. Not called in $(...): the pid must reach PIDS for cleanup.
start_server() {
  local port=$1 log_file="$WORK/server-$1.log"
  shift
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
    die "port $port is already taken by another server"
  fi
  env -u BETTER_AUTH_SECRET -u BETTER_AUTH_URL "$@" TODO_BIND="127.0.0.1:$port" RUST_LOG=info \
    "$SERVER" >"$log_file" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && { SERVER_URL="http://127.0.0.1:$port"; return; }
    sleep 0.1
  done
  cat "$log_file" >&2
  die "the reference server on port $port did not start"
}

log "starting Better Auth"
better_auth=$("$ROOT/ci/better-auth.sh" start)

log "1/4: reference server in JWKS mode, users signed up on Better Auth"
start_server 18201 BETTER_AUTH_URL="$better_auth" DATABASE_URL="$(database interop_jwks)"
jwks_server=$SERVER_URL
"$SUITE" --base-url "$jwks_server" --better-auth "$better_auth" --strict --concurrency 8 \
  --junit "$ROOT/target/interop-better-auth.xml" >"$WORK/run1.out" 2>&1 \
  || { cat "$WORK/run1.out"; die "the suite failed against the JWKS-mode server with Better Auth's users"; }
grep '^conformance: ' "$WORK/run1.out" >&2

log "2/4: the suite as the issuer, minting in Better Auth's format"
"$SUITE" issuer --key-out "$WORK/issuer.jwk.json" >"$WORK/issuer.out" 2>&1 &
PIDS+=("$!")
for _ in $(seq 50); do grep -q '^JWKS:' "$WORK/issuer.out" 2>/dev/null && break; sleep 0.1; done
issuer=$(sed -n 's|^JWKS: *\(http://[^ ]*\)/api/auth/jwks$|\1|p' "$WORK/issuer.out")
[ -n "$issuer" ] || { cat "$WORK/issuer.out"; die "todo-conformance issuer did not start"; }
start_server 18202 BETTER_AUTH_URL="$issuer" DATABASE_URL="$(database interop_issuer)"
issuer_server=$SERVER_URL
"$SUITE" --base-url "$issuer_server" --signing-key "$WORK/issuer.jwk.json" --token-issuer "$issuer" \
  --strict --verbose --concurrency 8 >"$WORK/run2.out" 2>&1 \
  || { cat "$WORK/run2.out"; die "the suite failed against the JWKS-mode server with its own issuer"; }
# The key-lifecycle scenarios' times are informational lines (--verbose
# prints each): kept in the log.
grep -E "^(conformance: |\[skipped\]|\[informational\] A key's life)" "$WORK/run2.out" >&2

log "3/4: the misconfiguration: HS256 only, with Better Auth's own secret"
secret=${BETTER_AUTH_SECRET:-test-only-better-auth-secret-NOT-FOR-PRODUCTION-0123456789}
start_server 18203 BETTER_AUTH_SECRET="$secret" DATABASE_URL="$(database interop_hs256)"
hs256_server=$SERVER_URL
status=0
"$SUITE" --base-url "$hs256_server" --better-auth "$better_auth" >"$WORK/run3.out" 2>&1 || status=$?
if [ "$status" != 2 ] || ! grep -q "refused the suite's users" "$WORK/run3.out"; then
  cat "$WORK/run3.out"
  die "expected the HS256-only server to refuse Better Auth's tokens (exit 2), got exit $status"
fi
log "as expected, the HS256-only server refuses Better Auth's tokens: $(grep -o "answered 401[^;]*" "$WORK/run3.out" | head -1)"
# One Better Auth issuer, a reference server trusting it, and a --strict run
# of the suite with its users; NAME's files go to $WORK/NAME*, its verdict
# to $WORK/NAME.verdict.
algorithm_run() {
  local name=$1 port=$2 server_port=$3 dir="$WORK/issuer-$1"
  shift 3
  mkdir -p "$dir"
  local url
  url=$(env "$@" TMPDIR="$dir" BETTER_AUTH_PORT="$port" "$ROOT/ci/better-auth.sh" start 2>"$dir/start.log") \
    || { cat "$dir/start.log" >&2; echo "Better Auth did not start" >"$WORK/$name.verdict"; return; }
  local db server_url="http://127.0.0.1:$server_port"
  db=$(database "interop_$name")
  env -u BETTER_AUTH_SECRET BETTER_AUTH_URL="$url" DATABASE_URL="$db" TODO_BIND="127.0.0.1:$server_port" \
    RUST_LOG=info "$SERVER" >"$WORK/server-$name.log" 2>&1 &
  local server=$!
  for _ in $(seq 100); do curl -fsS "$server_url/health" >/dev/null 2>&1 && break; sleep 0.1; done
  # The kids Better Auth publishes, sampled through the run: a rotation
  # shows as more than one.
  (while sleep 2; do
    curl -fsS "$url/api/auth/jwks" 2>/dev/null | grep -o '"kid":"[^"]*"' >>"$dir/kids" || true
  done) &
  local sampler=$!
  local started=$SECONDS status=0
  "$SUITE" --base-url "$server_url" --better-auth "$url" --strict --concurrency 4 \
    >"$WORK/$name.out" 2>&1 || status=$?
  kill "$sampler" "$server" 2>/dev/null && wait "$sampler" "$server" 2>/dev/null || true
  TMPDIR="$dir" "$ROOT/ci/better-auth.sh" stop >/dev/null 2>&1 || true
  local summary fetches kids
  summary=$(grep '^conformance: ' "$WORK/$name.out" || tail -n 1 "$WORK/$name.out")
  fetches=$(grep -c 'fetched the JWKS' "$WORK/server-$name.log" || true)
  kids=$(sort -u "$dir/kids" 2>/dev/null | wc -l)
  # A rotating issuer that never made a second key tested no rotation.
  if [[ $name == *_rotating && $kids -lt 2 ]]; then
    status="no rotation seen (Better Auth published $kids kid(s))"
  fi
  echo "exit $status in $((SECONDS - started)) s, $kids kid(s) published, $fetches JWKS fetch(es): $summary" >"$WORK/$name.verdict"
}

log "4/4: every algorithm Better Auth issues, and its key rotation (3 s, 30 s grace)"
RUNS=(eddsa_rotating es256_rotating es512 rs256 ps256)
# One after another: five issuers, servers and suites at once on two cores
# made a JWKS fetch miss its 5 s timeout now and then (a 503, rightly).
algorithm_run eddsa_rotating 3991 18211 JWKS_ROTATION_INTERVAL=3 JWKS_GRACE_PERIOD=30
algorithm_run es256_rotating 3992 18212 JWT_ALG=ES256 JWKS_ROTATION_INTERVAL=3 JWKS_GRACE_PERIOD=30
algorithm_run es512 3993 18213 JWT_ALG=ES512
algorithm_run rs256 3994 18214 JWT_ALG=RS256
algorithm_run ps256 3995 18215 JWT_ALG=PS256
failed=()
for name in "${RUNS[@]}"; do
  verdict=$(cat "$WORK/$name.verdict" 2>/dev/null || echo "no verdict")
  log "$name: $verdict"
  if [[ $verdict != "exit 0 "* ]]; then
    cat "$WORK/$name.out" >&2 2>/dev/null || true
    # The server's warnings say why it refused (an unreachable JWKS, say).
    grep -E ' (WARN|ERROR) ' "$WORK/server-$name.log" | tail -n 20 >&2 || true
    failed+=("$name")
  fi
done
[ ${#failed[@]} -eq 0 ] || die "the JWKS-mode server failed with: ${failed[*]}"
log "interop with Better Auth: all four checks hold"
