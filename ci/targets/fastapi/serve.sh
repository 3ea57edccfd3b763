#!/usr/bin/env bash
# ci/targets/fastapi/serve.sh - the FastAPI + SQLModel + python-jose implementation of the
# contract, in the foreground on 127.0.0.1:$PORT (one uvicorn worker, no access log).
#
# Usage:
#   BETTER_AUTH_SECRET=... DATABASE_URL=postgres://... ci/targets/fastapi/serve.sh
# e.g.
#   export DATABASE_URL=$(ci/local-postgres.sh start)
#   BETTER_AUTH_SECRET=$SECRET ci/targets/fastapi/serve.sh &
#   todo-conformance --base-url http://127.0.0.1:8001 --secret "$SECRET"
#
# The first run (and every run after requirements.txt changed) builds a venv and installs
# requirements.txt from PyPI into it; later runs reuse it.
#
# Environment:
#   BETTER_AUTH_SECRET    required: the HS256 secret, at least 32 bytes
#   DATABASE_URL          required: postgres://user:password@host:port/db (table fastapi_task
#                         is created there at startup)
#   PORT                  TCP port on 127.0.0.1 (default 8001)
#   FASTAPI_TARGET_FLAW   empty (default) | legacy-403 | no-exp-required (see README.md)
#   FASTAPI_TARGET_SHAPE  seed (default) | wrapped (see README.md)
#   FASTAPI_VENV          the venv (default $HOME/.cache/todo-conformance/fastapi-venv)
#   FASTAPI_LOG_LEVEL     uvicorn's log level (default info)
#   PYTHON                the interpreter the venv is made from (default python3, 3.10+)
set -euo pipefail

PROG=serve.sh
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REQUIREMENTS="$HERE/requirements.txt"
VENV=${FASTAPI_VENV:-$HOME/.cache/todo-conformance/fastapi-venv}
PYTHON=${PYTHON:-python3}
PORT=${PORT:-8001}
LOG_LEVEL=${FASTAPI_LOG_LEVEL:-info}

case "${1:-}" in
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    '') ;;
    *) die "unexpected argument '$1' (configuration is by environment; see --help)" ;;
esac

case $PORT in '' | *[!0-9]*) die "PORT must be a number, got '$PORT'" ;; esac
[ -n "${BETTER_AUTH_SECRET:-}" ] || die "BETTER_AUTH_SECRET is not set: the HS256 secret the target verifies tokens with (at least 32 bytes)"
[ "$(printf '%s' "$BETTER_AUTH_SECRET" | wc -c)" -ge 32 ] || die "BETTER_AUTH_SECRET must be at least 32 bytes long"
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set, e.g. export DATABASE_URL=\$(ci/local-postgres.sh start)"
case ${FASTAPI_TARGET_FLAW:-} in '' | none | legacy-403 | no-exp-required) ;;
    *) die "FASTAPI_TARGET_FLAW must be empty, legacy-403 or no-exp-required, got '$FASTAPI_TARGET_FLAW'" ;;
esac
case ${FASTAPI_TARGET_SHAPE:-seed} in seed | wrapped) ;;
    *) die "FASTAPI_TARGET_SHAPE must be seed or wrapped, got '$FASTAPI_TARGET_SHAPE'" ;;
esac
[ -r "$REQUIREMENTS" ] || die "cannot read $REQUIREMENTS"

# The venv is up to date when its python runs and it was built from this requirements.txt.
WANT=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
STAMP="$VENV/.todo-conformance-requirements.sha256"
if ! "$VENV/bin/python" -c '' 2>/dev/null || [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; set PYTHON to a Python 3.10+ interpreter"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
        die "$PYTHON is $("$PYTHON" --version 2>&1); Python 3.10 or newer is needed"
    log "building the venv $VENV from requirements.txt (this happens once per change of it)"
    mkdir -p "$(dirname "$VENV")"
    rm -f "$STAMP"
    "$PYTHON" -m venv --clear "$VENV" || die "could not create the venv $VENV with $PYTHON"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS" ||
        die "pip could not install $REQUIREMENTS into $VENV (is PyPI reachable?)"
    printf '%s\n' "$WANT" >"$STAMP"
fi

log "serving on http://127.0.0.1:$PORT (shape ${FASTAPI_TARGET_SHAPE:-seed}, flaw ${FASTAPI_TARGET_FLAW:-none})"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
exec "$VENV/bin/python" -m uvicorn app:app \
    --app-dir "$HERE" \
    --host 127.0.0.1 \
    --port "$PORT" \
    --workers 1 \
    --no-access-log \
    --log-level "$LOG_LEVEL"
