#!/usr/bin/env bash
# ci/check-html-report.sh - check that an HTML report renders in a real browser.
#
# Usage:  ci/check-html-report.sh REPORT.html [SCREENSHOT.png]
#
# - Installs Debian's `chromium` package with apt-get if no chromium is on PATH
#   (needs root; only the machine's own apt mirror is used, nothing else is
#   downloaded).
# - Loads the report in headless Chromium and checks the DOM Chromium built
#   from it: the promise matrix (<table id="promise-matrix">) must be there with
#   at least one promise row.
# - With a second argument, also saves a screenshot of the page there.
#
# Environment (optional):
#   CHROMIUM_TIMEOUT  seconds each chromium run may take (default 60)
#   CHROMIUM_WINDOW   screenshot size as W,H (default 1280,2000)
#
# Exit status: 0 the report renders, 1 it does not (or chromium is not to be
# had), 2 bad arguments. Progress goes to stderr.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() {
    printf 'usage: %s REPORT.html [SCREENSHOT.png]\n' "$PROG" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
case $1 in -h | --help) usage ;; esac

REPORT=$1
SCREENSHOT=${2:-}
CHROMIUM_TIMEOUT=${CHROMIUM_TIMEOUT:-60}
CHROMIUM_WINDOW=${CHROMIUM_WINDOW:-1280,2000}

[ -f "$REPORT" ] || die "no such file: $REPORT"
[ -r "$REPORT" ] || die "cannot read $REPORT"
# Chromium wants an absolute file:// URL.
REPORT_ABS=$(realpath "$REPORT")

# --- chromium ------------------------------------------------------------------
find_chromium() {
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

if ! CHROMIUM=$(find_chromium); then
    log "chromium not found; installing Debian package chromium"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install chromium by hand"
    [ "$(id -u)" -eq 0 ] || die "installing chromium needs root; rerun as root or install the chromium package"
    export DEBIAN_FRONTEND=noninteractive
    started=$SECONDS
    # Lock timeout: wait for another apt/dpkg run instead of failing at once.
    apt-get -o DPkg::Lock::Timeout=600 update >&2 \
        || die "apt-get update failed (is this machine's apt mirror reachable?)"
    apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium >&2 \
        || die "apt-get install chromium failed (is this machine's apt mirror reachable?)"
    CHROMIUM=$(find_chromium) || die "chromium installed but not on PATH"
    log "chromium installed in $((SECONDS - started)) s"
fi
log "using $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"

# A throwaway profile, so that runs neither share nor leave browser state.
PROFILE=$(mktemp -d)
DOM=$(mktemp)
CHROMIUM_LOG=$(mktemp)
trap 'rm -rf "$PROFILE" "$DOM" "$CHROMIUM_LOG"' EXIT

# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
chromium_run() {
    timeout "$CHROMIUM_TIMEOUT" "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --no-first-run --disable-extensions --user-data-dir="$PROFILE" \
        "$@" "file://$REPORT_ABS" 2>"$CHROMIUM_LOG"
}

chromium_failed() { # $1 = what was being done, $2 = exit status
    if [ "$2" -eq 124 ]; then
        log "chromium did not finish $1 within ${CHROMIUM_TIMEOUT}s"
    else
        log "chromium failed $1 (exit status $2); last lines of its output:"
        tail -n 5 "$CHROMIUM_LOG" | sed "s/^/$PROG:   /" >&2 || true
    fi
    exit 1
}

# --- the rendered DOM ----------------------------------------------------------
status=0
chromium_run --dump-dom >"$DOM" || status=$?
[ "$status" -eq 0 ] || chromium_failed "rendering $REPORT" "$status"
[ -s "$DOM" ] || die "chromium rendered $REPORT to an empty DOM"

# --dump-dom serialises the DOM the browser built, so this checks what
# Chromium understood, not just the bytes of the file.
grep -q '<table id="promise-matrix"' "$DOM" \
    || die "rendered page has no <table id=\"promise-matrix\">"
# One line, so that the table's body is found however Chromium lays it out.
matrix=$(tr '\n' ' ' <"$DOM")
matrix=${matrix#*<table id=\"promise-matrix\"}
matrix=${matrix%%</table>*}
case $matrix in *"<tbody>"*) ;; *) die "the promise matrix has no <tbody>" ;; esac
body=${matrix#*<tbody>}
body=${body%%</tbody>*}
# grep finds no row: status 1, which pipefail would turn into a silent exit.
rows=$({ grep -o '<tr[ >]' <<<"$body" || true; } | wc -l)
[ "$rows" -ge 1 ] || die "the promise matrix has no promise rows"
log "rendered: promise matrix with $rows promise row(s)"

# --- screenshot ----------------------------------------------------------------
if [ -n "$SCREENSHOT" ]; then
    SCREENSHOT_ABS=$(realpath -m "$SCREENSHOT")
    mkdir -p "$(dirname "$SCREENSHOT_ABS")"
    rm -f "$SCREENSHOT_ABS"
    status=0
    chromium_run --hide-scrollbars --window-size="$CHROMIUM_WINDOW" \
        --screenshot="$SCREENSHOT_ABS" >/dev/null || status=$?
    [ "$status" -eq 0 ] || chromium_failed "taking a screenshot" "$status"
    [ -s "$SCREENSHOT_ABS" ] || die "chromium wrote no screenshot to $SCREENSHOT_ABS"
    log "screenshot: $SCREENSHOT_ABS"
fi

log "ok: $REPORT renders"
