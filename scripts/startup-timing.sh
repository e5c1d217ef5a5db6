#!/usr/bin/env bash
# Whole-process start-up timing: runs a command N times (default 20, after 2 unmeasured warm-up runs) and prints the
# median and minimum of wall time and of CPU time (perf's task-clock: every thread, user and kernel), wall and CPU
# from alternate runs so that perf's own start-up is not in the wall time.
# Usage: scripts/startup-timing.sh [-n RUNS] -- COMMAND [ARGS...]   (needs perf; stdout/stderr of the command are dropped)
set -euo pipefail
runs=20
if [[ "${1:-}" == "-n" ]]; then runs="$2"; shift 2; fi
[[ "${1:-}" == "--" ]] && shift
for _ in 1 2; do "$@" >/dev/null 2>&1 || true; done
walls=() cpus=()
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  cpu=$(perf stat -x, -e task-clock -- "$@" 2>&1 >/dev/null | awk -F, '$3 == "task-clock" { print $1 }' | tail -1)
  walls+=("$(( (end - start) / 1000 ))")
  cpus+=("$cpu")
done
stats() { sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median %.1f ms, min %.1f ms", m, a[1] }'; }
printf 'wall: %s; CPU: %s (%d runs): %s\n' \
  "$(printf '%s\n' "${walls[@]}" | awk '{ print $1 / 1000 }' | stats)" "$(printf '%s\n' "${cpus[@]}" | stats)" "$runs" "$*"
