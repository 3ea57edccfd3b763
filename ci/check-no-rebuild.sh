#!/usr/bin/env bash
# One build serves every README command: after the first command of each
# pair, the second must need no dependency built any other way (only the
# workspace's own crates may be compiled again).
#
# A dependency built with other features gets another hash in its file
# name, so the check compares the dependency artifacts each command uses
# (cargo's --message-format=json), not just the "Compiling" lines: it holds
# even when target/ already has both builds from an earlier run. Debug
# builds: feature unification is the same in every profile, so this also
# covers `cargo run --release`. Run it after the test build (CI's `cargo
# test --workspace`): then it compiles next to nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The file names of every artifact of a package that is not in this
# workspace (a dependency), one a line, sorted.
artifacts() {
    local name=$1
    shift
    # python3, not jq: a fresh machine has the one, not the other.
    cargo "$@" --message-format=json 2>"$work/$name.log" |
        ROOT="path+file://$PWD" python3 -c '
import json, os, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and not message["package_id"].startswith(os.environ["ROOT"]):
        print("\n".join(message["filenames"]))
' |
        sort -u >"$work/$name.txt"
}

failed=0
# Builds FIRST then each of the others, and fails if one of them uses a
# dependency artifact FIRST did not.
check() {
    local first=$1
    shift
    # shellcheck disable=SC2086 # the commands split into words on purpose
    artifacts first $first
    # An empty list would pass every comparison: the check must see builds.
    [[ -s "$work/first.txt" ]] || { cat "$work/first.log" >&2; echo "no dependency artifacts listed for \`cargo $first\`" >&2; exit 2; }
    for second in "$@"; do
        # shellcheck disable=SC2086
        artifacts second $second
        local extra
        extra=$(comm -13 "$work/first.txt" "$work/second.txt")
        local compiled
        compiled=$(grep -E '^ +Compiling ' "$work/second.log" |
            grep -vE 'Compiling (todo-conformance|todo-reference-server|workspace-hack) ' || true)
        if [[ -n $extra || -n $compiled ]]; then
            echo "REBUILD: \`cargo $second\` after \`cargo $first\` needs dependencies built otherwise (features unified differently; align them in Cargo.toml):" >&2
            # One line per crate: its name, as in lib<name>-<hash>.rlib.
            [[ -z $extra ]] || sed -E 's|.*/||; s/^lib//; s/-[0-9a-f]{16}.*//' <<<"$extra" |
                sort -u | sed 's/^/  /' >&2
            [[ -z $compiled ]] || sed 's/^/ /' <<<"$compiled" >&2
            failed=1
        else
            echo "ok: \`cargo $second\` after \`cargo $first\` rebuilt no dependency" >&2
        fi
    done
}

check "build -p todo-conformance" \
    "build -p todo-reference-server"
check "test --workspace --no-run" \
    "test -p todo-reference-server --test api --no-run" \
    "test -p todo-reference-server --test fuzz --no-run" \
    "test -p todo-conformance --no-run"
exit $failed
