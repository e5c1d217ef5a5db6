#!/usr/bin/env bash
# Bounded load test of `lodestar serve` on 127.0.0.1 (docs/service.md#load-test): BM25 search at 1, 8 and 64
# clients, and the service's overhead on a rerank call against an instant LLM. Everything runs on this machine, so
# the load generator, the server and the instant LLM share its cores; say so with the figures.
# Usage: bench/serve-load.sh [REQUESTS_PER_LEVEL] [SECONDS_PER_LEVEL]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-20000}
seconds=${2:-15}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
dotnet build src/Lodestar.Cli -c Release -v q >/dev/null
dotnet build bench/Lodestar.LoadTest -c Release -v q >/dev/null
cli=src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll
load=bench/Lodestar.LoadTest/bin/Release/net10.0/Lodestar.LoadTest.dll
dotnet "$cli" index data/cranfield/corpus.jsonl.gz -o "$work/cran" 2>/dev/null
dotnet "$load" llm 18091 & pids+=($!)
dotnet "$cli" serve --index "$work/cran=cran" --port 18090 --endpoint http://127.0.0.1:18091 --model instant --in-flight 64 \
  --store "$work/judgments.db" --max-concurrent-per-client 256 2>"$work/serve.log" & pids+=($!)
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18090/health/ready >/dev/null && break; sleep 0.3; done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
dotnet "$load" search http://127.0.0.1:18090 cran data/cranfield/queries.jsonl --clients 1,8,64 --requests "$requests" --duration "$seconds"
dotnet "$load" rerank http://127.0.0.1:18090 http://127.0.0.1:18091 --requests 3000 --duration $((seconds * 2))
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
