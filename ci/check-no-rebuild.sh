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
    cargo "$@" --message-format=json 2>"$work/$name.log" |
        jq -r --arg root "file://$PWD" '
            select(.reason == "compiler-artifact")
            | select(.package_id | startswith("path+" + $root) | not)
            | .filenames[]' |
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
