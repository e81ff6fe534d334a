#!/usr/bin/env bash
# The action's check step: expand the configs: patterns in the workspace,
# judge every file they match with `ocidiff check -json`, and hand the
# report to `ocidiff annotate`, which writes an annotation per
# disagreement, the step summary and the outputs, and decides whether the
# job fails. Everything it decides is in ocidiff, where it is tested; this
# script only finds the files.
#
# The inputs come as INPUT_CONFIGS, INPUT_ALLOW, INPUT_FAIL, INPUT_JUDGES
# and INPUT_ANNOTATIONS (see action.yml). OCIDIFF names the ocidiff
# executable; by default, the one `make` built in the action.
set -euo pipefail

action=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=action/commands.sh
. "$action/action/commands.sh"
ocidiff=${OCIDIFF:-$action/bin/ocidiff}
notes=${INPUT_ANNOTATIONS:-$action/findings.json}

# Patterns are separated by white space; ** matches any depth of
# directories. A pattern that matches no file is an error: it is far more
# often a wrong path than a wish to check nothing.
shopt -s globstar nullglob
read -r -d '' -a patterns < <(printf '%s\0' "${INPUT_CONFIGS:-}") || true
if [ "${#patterns[@]}" -eq 0 ]; then
	gh_error "ocidiff: no configs" "the configs input names no pattern"
	exit 2
fi
declare -A seen=()
files=()
# From here on no word splitting: $pattern is expanded unquoted below for
# the glob alone, and a matched name with spaces stays one word.
IFS=
for pattern in "${patterns[@]}"; do
	# shellcheck disable=SC2206
	matched=($pattern)
	if [ "${#matched[@]}" -eq 0 ]; then
		gh_error "ocidiff: no configs" "configs: $pattern matches no file in $PWD"
		exit 2
	fi
	for f in "${matched[@]}"; do
		if [ -z "${seen[$f]:-}" ]; then
			seen[$f]=1
			files+=("$f")
		fi
	done
done

report=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ocidiff-check.XXXXXX.jsonl")
status=0
"$ocidiff" check -json -judges "${INPUT_JUDGES:-default}" -annotations "$notes" -- "${files[@]}" >"$report" || status=$?
if [ "$status" -gt 1 ]; then
	gh_error "ocidiff check failed" "ocidiff check exited with status $status: see its message above"
	exit "$status"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	echo "report=$report" >>"$GITHUB_OUTPUT"
fi
status=0
"$ocidiff" annotate -annotations "$notes" -allow "${INPUT_ALLOW:-}" -allow-refused="${INPUT_ALLOW_REFUSED:-false}" -fail="${INPUT_FAIL:-true}" \
	-summary "${GITHUB_STEP_SUMMARY:-}" -output "${GITHUB_OUTPUT:-}" "$report" || status=$?
if [ "$status" -gt 1 ]; then
	gh_error "ocidiff annotate failed" "ocidiff annotate exited with status $status: see its message above"
fi
exit "$status"
