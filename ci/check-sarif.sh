#!/usr/bin/env bash
# ci/check-sarif.sh FILE - validates FILE (a `--sarif` report of a real run)
# against the SARIF 2.1.0 schema vendored in
# conformance/tests/fixtures/sarif, with the same validator as the tests
# (the ignored test `the_file_named_by_sarif_file_is_valid` in
# conformance/tests/sarif.rs). Exit 0: valid.
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: ci/check-sarif.sh FILE" >&2
    exit 2
fi
file=$(realpath "$1")
cd "$(dirname "$0")/.."
SARIF_FILE="$file" cargo test --quiet -p todo-conformance --test sarif -- \
    --ignored --exact the_file_named_by_sarif_file_is_valid --nocapture
