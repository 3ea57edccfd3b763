#!/usr/bin/env bash
# ci/check-html-report.sh - check that an HTML report renders in a real browser.
#
# Usage:  ci/check-html-report.sh [--expect-group] REPORT.html [SCREENSHOT.png]
#
# - Installs Debian's `chromium` package with apt-get if no chromium is on PATH
#   (needs root; only the machine's own apt mirror is used, nothing else is
#   downloaded).
# - Loads the report in headless Chromium and checks the DOM Chromium built
#   from it: the promise matrix (<table id="promise-matrix">) must be there with
#   at least one promise row.
# - When the page holds a finding group (<details class="group ...">, as a run
#   with findings writes), checks that the first one is on the first screen:
#   loaded at 1280x800 (FOLD_WINDOW), its headline (the group's <summary>) must
#   end inside the viewport, so a reader sees the first cause without
#   scrolling. It loads a copy of the report with a small probe script added
#   (the report itself has no script) that writes the group's position into
#   the DOM, and reads it from --dump-dom. --expect-group: a page without a
#   group fails (a run that must have findings).
# - With a screenshot path, also saves a screenshot of the page there, and,
#   when there is a group, one of the first screen (FOLD_WINDOW) beside it as
#   NAME-fold.png.
#
# Environment (optional):
#   CHROMIUM_TIMEOUT  seconds each chromium run may take (default 60)
#   CHROMIUM_WINDOW   screenshot size as W,H (default 1280,2000)
#   FOLD_WINDOW       the first screen as W,H (default 1280,800)
#
# Exit status: 0 the report renders (and its first group is on the first
# screen), 1 it does not (or chromium is not to be had), 2 bad arguments.
# Progress goes to stderr.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() {
    printf 'usage: %s [--expect-group] REPORT.html [SCREENSHOT.png]\n' "$PROG" >&2
    exit 2
}

EXPECT_GROUP=0
case ${1:-} in
    -h | --help) usage ;;
    --expect-group) EXPECT_GROUP=1; shift ;;
esac
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi

REPORT=$1
SCREENSHOT=${2:-}
CHROMIUM_TIMEOUT=${CHROMIUM_TIMEOUT:-60}
CHROMIUM_WINDOW=${CHROMIUM_WINDOW:-1280,2000}
FOLD_WINDOW=${FOLD_WINDOW:-1280,800}

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
# The probed copy of the report: a directory of its own, so that it can keep
# the .html name Chromium goes by.
PROBE_DIR=$(mktemp -d)
trap 'rm -rf "$PROFILE" "$DOM" "$CHROMIUM_LOG" "$PROBE_DIR"' EXIT

# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
# chromium_run FILE ARGS...: loads FILE (absolute) with ARGS.
chromium_run_file() {
    local file=$1
    shift
    timeout "$CHROMIUM_TIMEOUT" "$CHROMIUM" --headless --no-sandbox --disable-gpu \
        --no-first-run --disable-extensions --user-data-dir="$PROFILE" \
        "$@" "file://$file" 2>"$CHROMIUM_LOG"
}
chromium_run() { chromium_run_file "$REPORT_ABS" "$@"; }

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

# --- the first finding group on the first screen ------------------------------
# The fold is the page's own window.innerHeight: a 1280x800 headless window
# leaves about 657 px of page to --dump-dom (its frame takes the rest, as a
# desktop browser's would), stricter than the 800 px of the screenshot.
# The probe: the first group's top, its headline's bottom, and the viewport,
# written into an element the DOM dump carries. It runs last in <body>, after
# the page's own (inline) style applied; getBoundingClientRect lays the page out.
PROBE='<script>(function () {
  var group = document.querySelector("details.group");
  var out = document.createElement("pre");
  out.id = "fold-probe";
  if (!group) { out.textContent = "none"; } else {
    var top = group.getBoundingClientRect().top + window.scrollY;
    var head = group.querySelector("summary") || group;
    var bottom = head.getBoundingClientRect().bottom + window.scrollY;
    out.textContent = [top, bottom, window.innerWidth, window.innerHeight].map(Math.round).join(" ");
  }
  document.body.appendChild(out);
})();</script>'

probe_fold() {
    local probed="$PROBE_DIR/probed.html" line top bottom width height status=0
    # Before the last </body>: the report's own text cannot hold one (maud
    # escapes what it quotes), so the last is the page's.
    PROBE=$PROBE awk '
        { lines[NR] = $0 } /<\/body>/ { last = NR }
        END { for (i = 1; i <= NR; i++) { if (i == last) print ENVIRON["PROBE"]; print lines[i] } }
    ' "$REPORT_ABS" >"$probed"
    chromium_run_file "$probed" --window-size="$FOLD_WINDOW" --dump-dom >"$DOM" || status=$?
    [ "$status" -eq 0 ] || chromium_failed "probing the first screen" "$status"
    # The element the script made, not the script's own text (also dumped).
    line=$(grep -o '<pre id="fold-probe">[^<]*</pre>' "$DOM" | head -n 1) \
        || die "the probe wrote nothing: did chromium run its script?"
    line=${line#*>}
    line=${line%<*}
    if [ "$line" = none ]; then
        [ "$EXPECT_GROUP" -eq 0 ] \
            || die "no finding group (<details class=\"group\">) in $REPORT, and --expect-group says there must be one"
        log "no finding group: nothing to place on the first screen"
        return 1
    fi
    read -r top bottom width height <<<"$line"
    log "first finding group at ${width}x${height}: top ${top} px, headline ends at ${bottom} px"
    # A viewport of nothing would pass anything: at least half the window.
    [ "$height" -ge $((${FOLD_WINDOW#*,} / 2)) ] \
        || die "the probe saw a viewport ${height} px high in a window ${FOLD_WINDOW#*,} px high"
    if [ "$top" -lt 0 ] || [ "$bottom" -gt "$height" ]; then
        die "the first finding group is below the fold: its headline ends at ${bottom} px, the first screen is ${height} px high (what comes before it is too tall)"
    fi
    return 0
}

HAS_GROUP=0
if probe_fold; then HAS_GROUP=1; fi

# --- screenshot ----------------------------------------------------------------
screenshot() { # $1 = path, $2 = window
    local status=0
    rm -f "$1"
    chromium_run --hide-scrollbars --window-size="$2" --screenshot="$1" >/dev/null || status=$?
    [ "$status" -eq 0 ] || chromium_failed "taking a screenshot" "$status"
    [ -s "$1" ] || die "chromium wrote no screenshot to $1"
    log "screenshot ($2): $1"
}
if [ -n "$SCREENSHOT" ]; then
    SCREENSHOT_ABS=$(realpath -m "$SCREENSHOT")
    mkdir -p "$(dirname "$SCREENSHOT_ABS")"
    screenshot "$SCREENSHOT_ABS" "$CHROMIUM_WINDOW"
    if [ "$HAS_GROUP" -eq 1 ]; then
        screenshot "${SCREENSHOT_ABS%.png}-fold.png" "$FOLD_WINDOW"
    fi
fi

log "ok: $REPORT renders"
