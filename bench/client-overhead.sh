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
for method in retro-star listwise listwise-stored; do
  store="$work/${method%-stored}.db"
  top=100; [ "${method%-stored}" = listwise ] && top=1000
  /usr/bin/time -o "$work/time" -f "%e %U %S" dotnet "$cli" rerank --index "$work/cran" --topics data/cranfield/queries.jsonl \
    --run "$work/bm25.run" --top "$top" --endpoint http://127.0.0.1:18191 --model instant --method "${method%-stored}" \
    --in-flight "$inflight" --store "$store" -o "$work/$method.run" 2>"$work/$method.log"
  calls=$(sqlite3 "$store" "select (select count(*) from samples) + (select count(*) from calls);" 2>/dev/null || echo 0)
  read -r wall user sys < "$work/time"
  awk -v m="$method" -v c="$calls" -v w="$wall" -v u="$user" -v s="$sys" -v n="$(nproc)" \
    'BEGIN { cpu = u + s;
      if (m ~ /-stored$/) printf "| %s (rerun: %d answers replayed, none asked) | 0 | %.2f | | %.2f | %.3f per replay | |\n", m, c, w, cpu, 1000 * cpu / c;
      else printf "| %s | %d | %.2f | %.0f | %.2f | %.3f | %.0f |\n", m, c, w, c / w, cpu, 1000 * cpu / c, n * c / cpu }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
