#!/usr/bin/env bash
# Reproduces the tables of docs/decisions/token-counting.md: the error of each way of counting tokens without a
# server on the 1,384 shared BRIGHT queries, against the tiny GGUF's own tokenizer (Llama 2's vocabulary, through
# llama.cpp) and against cl100k_base. Needs ../shared and the llama.cpp libraries (bash scripts/setup-llama.sh).
# Usage: bash bench/tokens/error.sh [SHARED_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
shared=${1:-$repo/../shared}
lodestar=(dotnet "$repo/src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll")
[ -f "${lodestar[1]}" ] || dotnet build "$repo/src/Lodestar.Cli" -c Release >/dev/null
gguf="$shared/models/llama-2-tiny-random.gguf"
queries=("$shared"/data/bright/*/examples.jsonl.gz)
echo "## All tasks, reference: the GGUF's tokenizer (Llama 2)"
"${lodestar[@]}" tokens "${queries[@]}" -t "$gguf" -t chars -t cl100k -t o200k
echo
echo "## All tasks, reference: cl100k_base"
"${lodestar[@]}" tokens "${queries[@]}" -t cl100k -t chars -t o200k -t "$gguf"
for task in "$shared"/data/bright/*/; do
  echo
  echo "## $(basename "$task"), reference: the GGUF's tokenizer"
  "${lodestar[@]}" tokens "$task/examples.jsonl.gz" -t "$gguf" -t chars -t cl100k -t o200k | tail -n +3
done
