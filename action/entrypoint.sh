#!/usr/bin/env bash
# action/entrypoint.sh - the GitHub Action's step (action.yml): turns the
# action's inputs (INPUT_* in the environment) into the suite's flags, runs it,
# appends its Markdown summary to $GITHUB_STEP_SUMMARY, sets the `exit-code`
# output in $GITHUB_OUTPUT, and exits as the suite did (so the step fails on a
# finding). Tested by ci/check-action.sh with the variables GitHub sets.
#
# Environment:
#   TODO_CONFORMANCE_BIN   the suite (default: todo-conformance on PATH)
#   BETTER_AUTH_SECRET     the backend's secret, read by the suite itself
#   INPUT_BASE_URL         required
#   INPUT_PROFILE INPUT_OPENAPI INPUT_EXPECT_FAILURES
#   INPUT_JUNIT INPUT_HTML INPUT_SARIF INPUT_JSON          optional paths
#   INPUT_STRICT           "true" or "false" (default false)
#   GITHUB_STEP_SUMMARY GITHUB_OUTPUT RUNNER_TEMP          set by GitHub
set -euo pipefail

die() { printf '::error title=todo-conformance::%s\n' "$*" >&2; exit 2; }

SUITE=${TODO_CONFORMANCE_BIN:-$(command -v todo-conformance || true)}
[[ -n "$SUITE" && -x "$SUITE" ]] || die "the suite is not installed (TODO_CONFORMANCE_BIN=${TODO_CONFORMANCE_BIN:-unset})"
[[ -n "${INPUT_BASE_URL:-}" ]] || die "the input base-url is required"

# Masked in the log even when the workflow passed it as plain text; a mask
# covers one line, so each line of the secret gets its own.
if [[ -n "${BETTER_AUTH_SECRET:-}" ]]; then
  while IFS= read -r line; do
    [[ -z "$line" ]] || echo "::add-mask::$line"
  done <<<"$BETTER_AUTH_SECRET"
else
  unset BETTER_AUTH_SECRET
fi

args=(--base-url "$INPUT_BASE_URL")
case "${INPUT_STRICT:-false}" in
  true) args+=(--strict) ;;
  false | "") ;;
  *) die "the input strict must be true or false, not '$INPUT_STRICT'" ;;
esac
optional() {
  local flag=$1 value=$2
  if [[ -n "$value" ]]; then args+=("$flag" "$value"); fi
}
optional --profile "${INPUT_PROFILE:-}"
optional --openapi "${INPUT_OPENAPI:-}"
optional --expect-failures "${INPUT_EXPECT_FAILURES:-}"
optional --junit "${INPUT_JUNIT:-}"
optional --html "${INPUT_HTML:-}"
optional --sarif "${INPUT_SARIF:-}"
optional --json "${INPUT_JSON:-}"

summary=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/todo-conformance-summary.XXXXXX")
trap 'rm -f "$summary"' EXIT
args+=(--markdown "$summary")

code=0
"$SUITE" "${args[@]}" || code=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  if [[ -s "$summary" ]]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  else
    printf '## todo-conformance: did not run\n\nThe suite exited %s before writing its summary; see the step log.\n' \
      "$code" >>"$GITHUB_STEP_SUMMARY"
  fi
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
fi
if [[ $code == 1 ]]; then
  echo "::error title=todo-conformance::the suite found failures against $INPUT_BASE_URL (see the job summary)"
fi
exit "$code"
