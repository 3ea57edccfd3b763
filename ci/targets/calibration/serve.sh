#!/usr/bin/env bash
# ci/targets/calibration/serve.sh - one variant of the calibration family in the
# foreground on 127.0.0.1:$PORT (one uvicorn worker, no access log).
#
# Usage:
#   serve.sh VARIANT        build or reuse the venv, then serve VARIANT/app.py
#   serve.sh --venv         build or reuse the venv only (before starting several at once)
#   serve.sh --list         print the variants, one a line
# e.g.
#   export DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:25432/todo
#   BETTER_AUTH_SECRET=$SECRET PORT=8011 ci/targets/calibration/serve.sh seed-jose &
#   todo-conformance --base-url http://127.0.0.1:8011 --secret "$SECRET"
#
# The venv is built from requirements.txt (PyPI) the first time and whenever that file
# changes (its SHA-256 is kept in the venv); later runs reuse it.
#
# Environment:
#   BETTER_AUTH_SECRET    required by `serve.sh VARIANT`: the HS256 secret (at least 32 bytes)
#   BETTER_AUTH_URL       required instead by a JWKS variant (pyjwkclient): the issuer's base URL
#   DATABASE_URL          required by `serve.sh VARIANT`: postgresql://user:password@host:port/db
#                         (SQLAlchemy's form; the variant creates its tables there at startup)
#   PORT                  TCP port on 127.0.0.1 (default 8001)
#   CALIBRATION_VENV      the venv (default $HOME/.cache/todo-conformance/calibration-venv)
#   CALIBRATION_LOG_LEVEL uvicorn's log level (default info)
#   PYTHON                the interpreter the venv is made from (default python3, 3.10+)
set -euo pipefail

PROG=serve.sh
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REQUIREMENTS="$HERE/requirements.txt"
VENV=${CALIBRATION_VENV:-$HOME/.cache/todo-conformance/calibration-venv}
PYTHON=${PYTHON:-python3}
PORT=${PORT:-8001}
LOG_LEVEL=${CALIBRATION_LOG_LEVEL:-info}

variants() {
    local dir
    for dir in "$HERE"/*/; do
        [ -f "$dir/app.py" ] && basename "$dir"
    done
}

build_venv() {
    [ -r "$REQUIREMENTS" ] || die "cannot read $REQUIREMENTS"
    # Up to date when its python runs and it was built from this requirements.txt.
    local want stamp
    want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
    stamp="$VENV/.todo-conformance-requirements.sha256"
    if "$VENV/bin/python" -c '' 2>/dev/null && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
        return 0
    fi
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found; set PYTHON to a Python 3.10+ interpreter"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
        die "$PYTHON is $("$PYTHON" --version 2>&1); Python 3.10 or newer is needed"
    log "building the venv $VENV from requirements.txt (once per change of it)"
    mkdir -p "$(dirname "$VENV")"
    rm -f "$stamp"
    "$PYTHON" -m venv --clear "$VENV" || die "could not create the venv $VENV with $PYTHON"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS" ||
        die "pip could not install $REQUIREMENTS into $VENV (is PyPI reachable?)"
    printf '%s\n' "$want" >"$stamp"
}

case "${1:-}" in
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    --list) variants; exit 0 ;;
    --venv) build_venv; exit 0 ;;
    '') die "which variant? one of: $(variants | tr '\n' ' ')" ;;
esac
VARIANT=$1
[ $# -eq 1 ] || die "unexpected argument '$2' (configuration is by environment; see --help)"
[ -f "$HERE/$VARIANT/app.py" ] || die "no variant '$VARIANT'; the variants are: $(variants | tr '\n' ' ')"
case $PORT in '' | *[!0-9]*) die "PORT must be a number, got '$PORT'" ;; esac
# A JWKS variant (graded per issuer, no grading.toml) trusts an issuer's keys;
# the others verify HS256 with the shared secret.
if [ -f "$HERE/$VARIANT/grading-issuer.toml" ]; then
    case ${BETTER_AUTH_URL:-} in
        http://* | https://*) ;;
        *) die "BETTER_AUTH_URL is not set to an http(s) URL: the issuer whose /api/auth/jwks $VARIANT trusts" ;;
    esac
else
    [ -n "${BETTER_AUTH_SECRET:-}" ] || die "BETTER_AUTH_SECRET is not set: the HS256 secret the variant verifies tokens with"
    [ "$(printf '%s' "$BETTER_AUTH_SECRET" | wc -c)" -ge 32 ] || die "BETTER_AUTH_SECRET must be at least 32 bytes long"
fi
case ${DATABASE_URL:-} in
    postgresql://* | postgresql+psycopg://*) ;;
    '') die "DATABASE_URL is not set, e.g. postgresql://postgres:postgres@127.0.0.1:25432/todo" ;;
    # The variants hand it to SQLAlchemy as written, as their tutorials do.
    *) die "DATABASE_URL must be a postgresql:// URL (SQLAlchemy refuses postgres://)" ;;
esac
build_venv

log "serving $VARIANT on http://127.0.0.1:$PORT"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
exec "$VENV/bin/python" -m uvicorn app:app \
    --app-dir "$HERE/$VARIANT" \
    --host 127.0.0.1 \
    --port "$PORT" \
    --workers 1 \
    --no-access-log \
    --log-level "$LOG_LEVEL"
