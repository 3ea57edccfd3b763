#!/usr/bin/env bash
# ci/image-smoke.sh - run the suite's image (ci/build-suite-image.sh) as a
# user would, on the host network, with its reports in a mounted folder:
#   1. without --base-url: a client-only image says so in one line, exit 2;
#   2. against the reference server started on the host (a local cluster):
#      exit 0, and the JUnit and JSON reports exist and parse;
#   3. against one calibration variant (ci/targets/calibration, default
#      paginated): its JSON report graded exactly as the variant's
#      grading.toml says, as ci/interop-calibration.sh grades it.
#
# Usage: ci/image-smoke.sh IMAGE
# Exit: 0 all passed, 1 a check failed, 2 the smoke test could not run.
#
# Environment (optional):
#   TODO_REFERENCE_SERVER_BIN  a prebuilt todo-reference-server (default: cargo build, debug)
#   SMOKE_VARIANT              the calibration variant (default paginated)
#   SMOKE_PG_PORT              the local cluster's port (default 25440)
#   SMOKE_SERVER_PORT          the reference server's port (default 25441)
#   SMOKE_VARIANT_PORT         the variant's port (default 25442)
# Bounded: each target must answer within STARTUP_SECS, each run end within RUN_SECS.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FAMILY="$ROOT/ci/targets/calibration"
STARTUP_SECS=90
RUN_SECS=300

case "${1:-}" in
'' | -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
IMAGE=$1
VARIANT=${SMOKE_VARIANT:-paginated}
PG_PORT=${SMOKE_PG_PORT:-25440}
SERVER_PORT=${SMOKE_SERVER_PORT:-25441}
VARIANT_PORT=${SMOKE_VARIANT_PORT:-25442}
[[ -f "$FAMILY/$VARIANT/grading.toml" ]] || die "no calibration variant '$VARIANT' with a grading.toml"
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "no image $IMAGE: build it with ci/build-suite-image.sh"

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

if [[ -n "${TODO_REFERENCE_SERVER_BIN:-}" ]]; then
    SERVER=$TODO_REFERENCE_SERVER_BIN
else
    log "building the reference server"
    (cd "$ROOT" && cargo build --quiet -p todo-reference-server)
    SERVER="${CARGO_TARGET_DIR:-$ROOT/target}/debug/todo-reference-server"
fi
[[ -x "$SERVER" ]] || die "not an executable: $SERVER"

# wait_for URL PID LOG: until URL answers, or fail with the target's log.
wait_for() {
    local _
    for _ in $(seq 1 $((STARTUP_SECS * 2))); do
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.5
    done
    cat "$3" >&2
    die "$1 did not answer within $STARTUP_SECS s"
}

# suite NAME ARGS...: the image as its own non-root user, reports in
# $WORK/NAME mounted at /out (writable by anyone, as a user's folder would be
# made for it); its exit code in $code, what it printed in $WORK/NAME.out.
suite() {
    local name=$1
    shift
    mkdir -p "$WORK/$name"
    chmod 777 "$WORK/$name"
    code=0
    timeout "$RUN_SECS" docker run --rm --network host \
        -v "$WORK/$name:/out" "$@" >"$WORK/$name.out" 2>&1 || code=$?
    [[ $code != 124 ]] || log "$name: the image's run did not finish within $RUN_SECS s"
}

FAILED=()
user=$(docker image inspect -f '{{.Config.User}}' "$IMAGE")
case ${user%%:*} in
'' | 0 | root) log "FAILED: the image runs as root (User: '$user')"; FAILED+=(user) ;;
*) log "ok: the image runs as user $user" ;;
esac

# 1. A client-only image, and the one line.
suite no-target "$IMAGE"
line=$(cat "$WORK/no-target.out")
if [[ $code == 2 && $(wc -l <"$WORK/no-target.out") == 1 && $line == *--base-url* ]]; then
    log "ok: without --base-url, exit 2 and one line: $line"
else
    log "FAILED: without --base-url, expected exit 2 and one line naming --base-url, got exit $code:"
    cat "$WORK/no-target.out" >&2
    FAILED+=(no-target)
fi

export LOCAL_PG_DIR="$WORK/pg" LOCAL_PG_PORT="$PG_PORT"
ADMIN_URL=$("$ROOT/ci/local-postgres.sh" start 2>"$WORK/postgres-start.log") || {
    cat "$WORK/postgres-start.log" >&2
    die "could not start the local PostgreSQL cluster on port $PG_PORT"
}
PSQL=$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)
"$PSQL" -q -v ON_ERROR_STOP=1 "$ADMIN_URL" -c "CREATE DATABASE smoke_variant" >/dev/null
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# 2. The reference server on the host.
DATABASE_URL="$ADMIN_URL" BETTER_AUTH_SECRET="$SECRET" TODO_BIND="127.0.0.1:$SERVER_PORT" \
    "$SERVER" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$SERVER_PORT/openapi.json" "${PIDS[-1]}" "$WORK/server.log"
suite reference -e BETTER_AUTH_SECRET="$SECRET" "$IMAGE" \
    --base-url "http://127.0.0.1:$SERVER_PORT" --junit /out/conformance.xml --json /out/report.json
log "reference server: the image exited $code: $(grep '^conformance: ' "$WORK/reference.out" || tail -n 1 "$WORK/reference.out")"
if [[ $code == 0 ]] && python3 - "$WORK/reference" <<'EOF'; then
import json, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
suites = ET.parse(f"{out}/conformance.xml").getroot()
report = json.load(open(f"{out}/report.json"))
assert any(True for _ in suites.iter("testcase")), "no testcase in the JUnit report"
assert report, "an empty JSON report"
EOF
    log "ok: against the reference server, exit 0, conformance.xml and report.json written and parsed"
else
    log "FAILED: against the reference server (exit $code, reports in $WORK/reference: $(ls "$WORK/reference"))"
    tail -n 20 "$WORK/reference.out" >&2
    FAILED+=(reference)
fi

# 3. One calibration variant, graded as ci/interop-calibration.sh grades it.
log "building or reusing the calibration venv"
"$FAMILY/serve.sh" --venv
DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$PG_PORT/smoke_variant" PORT="$VARIANT_PORT" BETTER_AUTH_SECRET="$SECRET" \
    "$FAMILY/serve.sh" "$VARIANT" >"$WORK/variant.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$VARIANT_PORT/health" "${PIDS[-1]}" "$WORK/variant.log"
suite "$VARIANT" -e BETTER_AUTH_SECRET="$SECRET" "$IMAGE" \
    --base-url "http://127.0.0.1:$VARIANT_PORT" --json "/out/$VARIANT.json"
log "$VARIANT: the image exited $code: $(grep '^conformance: ' "$WORK/$VARIANT.out" || tail -n 1 "$WORK/$VARIANT.out")"
if python3 "$FAMILY/check-grading.py" "$FAMILY/$VARIANT/grading.toml" "$WORK/$VARIANT/$VARIANT.json" \
    --run-log "$WORK/$VARIANT.out"; then
    log "ok: $VARIANT graded exactly as its grading file says"
else
    FAILED+=("$VARIANT")
fi

if [[ ${#FAILED[@]} -gt 0 ]]; then
    log "FAILED: ${FAILED[*]}"
    exit 1
fi
log "ok: the image $IMAGE ran as a user runs it, against the reference server and $VARIANT"
