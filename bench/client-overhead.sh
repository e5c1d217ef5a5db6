#!/usr/bin/env bash
# Client overhead of `lodestar rerank` against an instant OpenAI-compatible server in its own process (issue 14's
# "LLM calls/s of capacity"): the server answers at once, so the rerank process's CPU time per call is the client's
# whole cost (HTTP, JSON, prompt building, parsing, the judgment store). Capacity = cores / CPU seconds per call.
# Cranfield's 225 topics: Retro* K=1 on the BM25 top 100 is 22,500 calls; listwise (window 20, stride 10) on the
# top 1,000 is 19,872 calls (on the top 100 it would be 2,025, too few to amortize the process's start-up). The same
# listwise rerank is then run again with every answer in the store: the CPU of a run that asks nothing.
# Usage: bench/client-overhead.sh [IN_FLIGHT]
set -euo pipefail
cd "$(dirname "$0")/.."
inflight=${1:-64}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
dotnet build src/Lodestar.Cli -c Release -v q >/dev/null
dotnet build bench/Lodestar.LoadTest -c Release -v q >/dev/null
cli=src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll
load=bench/Lodestar.LoadTest/bin/Release/net10.0/Lodestar.LoadTest.dll
dotnet "$cli" index data/cranfield/corpus.jsonl.gz -o "$work/cran" 2>/dev/null
dotnet "$cli" search "$work/cran" --topics data/cranfield/queries.jsonl --k 1000 -o "$work/bm25.run" 2>/dev/null
dotnet "$load" llm 18191 >/dev/null & pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:18191/ && break; sleep 0.2; done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run; in flight: $inflight"
echo "| method | calls | wall s | calls/s (wall) | rerank process CPU s (user+sys) | CPU ms per call | capacity on $(nproc) cores, calls/s |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for method in retro-star listwise listwise-stored listwise-fixed; do
  base=${method%-stored}; base=${base%-fixed}
  store="$work/$base.db"
  top=100; [ "$base" = listwise ] && top=1000
  # listwise-fixed: windows of 2 on the top 2, one call per topic (225), in a fresh store: the process's fixed cost
  [ "$method" = listwise-fixed ] && { top=2; store="$work/fixed.db"; }
  /usr/bin/time -o "$work/time" -f "%e %U %S" dotnet "$cli" rerank --index "$work/cran" --topics data/cranfield/queries.jsonl \
    --run "$work/bm25.run" --top "$top" --endpoint http://127.0.0.1:18191 --model instant --method "$base" \
    --in-flight "$inflight" --store "$store" -o "$work/$method.run" 2>"$work/$method.log"
  calls=$(sqlite3 "$store" "select (select count(*) from samples) + (select count(*) from calls);" 2>/dev/null || echo 0)
  read -r wall user sys < "$work/time"
  echo "$method $calls $user $sys" >> "$work/cpu"
  awk -v m="$method" -v c="$calls" -v w="$wall" -v u="$user" -v s="$sys" -v n="$(nproc)" \
    'BEGIN { cpu = u + s;
      if (m == "listwise-fixed") printf "| %s (start-up, loading, %d calls) | %d | %.2f | | %.2f | | |\n", m, c, c, w, cpu;
      else if (m ~ /-stored$/) printf "| %s (rerun: %d answers replayed, none asked) | 0 | %.2f | | %.2f | %.3f per replay | |\n", m, c, w, cpu, 1000 * cpu / c;
      else printf "| %s | %d | %.2f | %.0f | %.2f | %.3f | %.0f |\n", m, c, w, c / w, cpu, 1000 * cpu / c, n * c / cpu }'
done
# The marginal cost: listwise's CPU less the fixed run's, per call beyond the fixed run's calls.
awk -v n="$(nproc)" '{ c[$1] = $2; t[$1] = $3 + $4 } END { d = c["listwise"] - c["listwise-fixed"]; cpu = t["listwise"] - t["listwise-fixed"];
  printf "listwise at steady state (process start-up excluded): %.3f CPU ms per call, capacity %.0f calls/s on %d cores\n", 1000 * cpu / d, n * d / cpu, n }' "$work/cpu"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
