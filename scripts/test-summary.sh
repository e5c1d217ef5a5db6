#!/usr/bin/env bash
# Sums the per-project counts of a `dotnet test` log into one plain line: "N passed, N failed, N skipped" (the last
# part only when something was skipped). Usage: test-summary.sh LOG [EXIT_CODE]; a non-zero exit code with no failed
# test counts as one failure (a build error, a crashed test host). Used by .ci/run; the test
# SkipReasonTests runs it on a real `dotnet test` log.
set -uo pipefail
log=$1
rc=${2:-0}
count() { grep -oE "$1: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed); failed=$(count Failed); skipped=$(count Skipped)
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
