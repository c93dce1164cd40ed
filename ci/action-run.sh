#!/usr/bin/env bash
# The logic of the syndicheck GitHub Action (action.yml), kept out of the YAML so it can be run
# and tested locally with the variables GitHub sets.
#
# Inputs (environment; action.yml maps each `inputs.X` to one of these):
#   INPUT_TARGETS        paths, globs or URLs, separated by spaces or newlines (required)
#   INPUT_ORIGINALS      one or more originals sources (manifest files or feed/manifest URLs) (required)
#   INPUT_LICENSE        license pack (default: the CLI's default, dcnf)
#   INPUT_FAIL_ON        error | warning | never (default: error)
#   INPUT_CHANGED_ONLY   git revision: only check HTML files changed since it (optional)
#   INPUT_CACHE_DIR      cache directory for fetched originals (optional)
#   INPUT_ARGS           extra arguments for `syndicheck check`, split on whitespace (optional)
#   INPUT_JSON, INPUT_JUNIT, INPUT_SARIF, INPUT_HTML, INPUT_MARKDOWN   extra report paths (optional)
# Tool:
#   SYNDICHECK           path of the syndicheck command (default: `syndicheck` on PATH)
#   SYNDICHECK_PYTHON    python used to read the JSON report (default: python3, else python)
#   SYNDICHECK_RULES     a rules/ directory in which a pack name is looked up first (the action's own)
# GitHub's variables: GITHUB_WORKSPACE (working directory), RUNNER_TEMP (the JSON report),
#   GITHUB_OUTPUT (outputs are appended), GITHUB_STEP_SUMMARY (the github format appends the
#   Markdown report; only the first run sees it).
#
# One run: --format github (annotations on stdout, Markdown report appended to the step
# summary) plus --report FORMAT=PATH for the JSON report the outputs are read from and for each
# requested junit/sarif/html/markdown/json file. Exit: the run's status (0 clean, 1 violations,
# 2 usage/config error or, when there are no violations, a report that could not be written,
# 3 some target not checked).
set -uo pipefail

die() {
  echo "::error title=syndicheck action::$*"
  exit 2
}

if [ -n "${GITHUB_WORKSPACE:-}" ]; then
  cd "$GITHUB_WORKSPACE" || die "cannot enter GITHUB_WORKSPACE $GITHUB_WORKSPACE"
fi
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

tool="${SYNDICHECK:-syndicheck}"
command -v "$tool" >/dev/null 2>&1 || die "syndicheck not found ($tool); was it installed?"

# Inputs are split on whitespace with globbing off: globs reach syndicheck as written, and it
# expands them itself (** included). Paths containing spaces are not supported in inputs.
set -f
# shellcheck disable=SC2206
targets=(${INPUT_TARGETS:-})
# shellcheck disable=SC2206
originals=(${INPUT_ORIGINALS:-})
# shellcheck disable=SC2206
extra=(${INPUT_ARGS:-})
set +f
[ "${#targets[@]}" -gt 0 ] || die "input 'targets' is empty: give paths, globs or URLs of the pages to check"

# A page under the workspace is named relative to it, so annotations attach to the file.
if [ -n "${GITHUB_WORKSPACE:-}" ]; then
  ws="${GITHUB_WORKSPACE%/}/"
  for i in "${!targets[@]}"; do
    case "${targets[$i]}" in
      "$ws"*) targets[i]="${targets[$i]#"$ws"}" ;;
      "${GITHUB_WORKSPACE%/}") targets[i]="." ;;
    esac
  done
fi

[ "${#originals[@]}" -gt 0 ] || die "input 'originals' is empty: without the licensor's articles no page can be recognised as a copy (see docs/ci.md)"

fail_on="${INPUT_FAIL_ON:-error}"
case "$fail_on" in
  error | warning | never) ;;
  *) die "input 'fail-on' must be error, warning or never (got '$fail_on')" ;;
esac

args=(check --fail-on "$fail_on")
for src in "${originals[@]}"; do args+=(--originals "$src"); done
# A pack name is looked up in the action's own rules/ first (SYNDICHECK_RULES): the rules that
# ship with this version of the action, whether or not the installed package carries them.
license="${INPUT_LICENSE:-}"
if [ -n "${SYNDICHECK_RULES:-}" ] && [ ! -e "${license:-dcnf}" ] && [ -f "$SYNDICHECK_RULES/${license:-dcnf}/license.yaml" ]; then
  license="$SYNDICHECK_RULES/${license:-dcnf}"
fi
[ -n "$license" ] && args+=(--license "$license")
[ -n "${INPUT_CHANGED_ONLY:-}" ] && args+=(--changed-only "$INPUT_CHANGED_ONLY")
cache_dir="${INPUT_CACHE_DIR:-}"
# shellcheck disable=SC2088 # a literal ~ from the input is meant
case "$cache_dir" in "~" | "~/"*) cache_dir="$HOME${cache_dir#"~"}" ;; esac # as actions/cache reads it
[ -n "$cache_dir" ] && args+=(--cache-dir "$cache_dir")
[ "${#extra[@]}" -gt 0 ] && args+=("${extra[@]}")
# (No "--" before the targets: argparse's handling of it under a subcommand differs between
# Python versions, and a target never starts with "-" except "-" itself, which is positional.)

json_report="$tmp/syndicheck-report.json"
rm -f "$json_report" # never read counts from an earlier run's report
reports=(--report "json=$json_report")
[ -n "${INPUT_JSON:-}" ] && reports+=(--report "json=$INPUT_JSON")
[ -n "${INPUT_JUNIT:-}" ] && reports+=(--report "junit=$INPUT_JUNIT")
[ -n "${INPUT_SARIF:-}" ] && reports+=(--report "sarif=$INPUT_SARIF")
[ -n "${INPUT_HTML:-}" ] && reports+=(--report "html=$INPUT_HTML")
[ -n "${INPUT_MARKDOWN:-}" ] && reports+=(--report "markdown=$INPUT_MARKDOWN")

echo "syndicheck: $tool ${args[*]} --format github ${reports[*]} ${targets[*]}" >&2
"$tool" "${args[@]}" --format github "${reports[@]}" "${targets[@]}"
status=$?
[ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=$status" >>"$GITHUB_OUTPUT"

if [ "$status" -eq 2 ]; then
  if [ -f "$json_report" ]; then # the pages were checked: a requested report is what failed
    echo "::error title=syndicheck::a report could not be written (exit 2): see the message above"
  else
    echo "::error title=syndicheck::syndicheck stopped with a usage or configuration error (exit 2): see the message above"
  fi
elif [ "$status" -ne 0 ] && [ "$status" -ne 1 ] && [ "$status" -ne 3 ]; then
  echo "::error title=syndicheck::syndicheck failed unexpectedly (exit $status)"
  exit "$status"
fi

# Outputs, from the JSON report's summary.
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  if [ -f "$json_report" ]; then
    echo "json-report=$json_report" >>"$GITHUB_OUTPUT"
    py="${SYNDICHECK_PYTHON:-}"
    if [ -z "$py" ]; then
      py="$(command -v python3 || command -v python || true)"
    fi
    if [ -n "$py" ]; then
      "$py" - "$json_report" >>"$GITHUB_OUTPUT" <<'PY' || echo "::warning title=syndicheck action::cannot read the counts from the JSON report"
import json, sys
summary = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
names = {"pages": "pages", "compliant": "compliant", "violations": "violation", "review": "review",
         "not-a-copy": "not_a_copy", "errors": "error"}
for output, key in names.items():
    print(f"{output}={int(summary.get(key, 0))}")
PY
    else
      echo "::warning title=syndicheck action::no python to read the counts from the JSON report"
    fi
  fi
fi

exit "$status"
