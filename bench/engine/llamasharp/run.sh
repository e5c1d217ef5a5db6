#!/usr/bin/env bash
# Lodestar's own llama.cpp binding against LLamaSharp 0.30.0 on one GGUF: ROUNDS rounds, each running both bindings
# in their own process (the order alternates per round), whole-process wall, CPU (user+sys) and peak RSS from
# /usr/bin/time beside the harness's per-phase figures; the load average before and after each run is recorded.
# usage: bench/engine/llamasharp/run.sh GGUF [THREADS] [ROUNDS] [OUT.jsonl] [PHASES: prompt,generate,embed]
# then:  python3 bench/engine/llamasharp/summarize.py OUT.jsonl
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
gguf=$(realpath "$1"); threads=${2:-$(nproc)}; rounds=${3:-3}; out=${4:-$repo/out/bench/llamasharp.jsonl}; phases=${5:-prompt,generate,embed}
bash "$repo/scripts/setup-llama.sh" >/dev/null
dotnet build "$here" -c Release --nologo -v quiet >/dev/null
dll="$here/bin/Release/net10.0/linux-x64/LlamaSharpBench.dll"
mkdir -p "$(dirname "$out")"
cd "$repo"
for r in $(seq "$rounds"); do
  order=(lodestar llamasharp); [ $((r % 2)) -eq 0 ] && order=(llamasharp lodestar)
  for which in "${order[@]}"; do
    before=$(cut -d' ' -f1 /proc/loadavg)
    line=$(/usr/bin/time -f '%e %U %S %M' -o /tmp/llamasharp-bench.time dotnet "$dll" "$which" "$gguf" "$threads" "$phases")
    read -r wall user sys rss < /tmp/llamasharp-bench.time
    after=$(cut -d' ' -f1 /proc/loadavg)
    echo "${line%\}},\"round\":$r,\"process_wall_s\":$wall,\"process_cpu_s\":$(echo "$user + $sys" | bc),\"process_rss_mib\":$((rss / 1024)),\"load_before\":$before,\"load_after\":$after}" | tee -a "$out"
  done
done
