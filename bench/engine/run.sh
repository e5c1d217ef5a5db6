#!/usr/bin/env bash
# One command: build llama-server/llama-embedding from node-llama-cpp 3.22.1's bundled llama.cpp source (once),
# write the random-weight 0.5B-shape GGUF (once), and print the embedded engine's rerank and embedding throughput
# against them, same model, same threads, passes interleaved.
# usage: bench/engine/run.sh [THREADS] [extra `lodestar bench engine` options...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
threads=${1:-$(nproc)}; shift || true
bash scripts/setup-llama.sh
bash scripts/build-llama-peers.sh >/dev/null
model=out/bench/random-llama-0.5b-q8_0.gguf
mkdir -p out/bench
[ -f "$model" ] || /usr/bin/python3 bench/engine/make_random_gguf.py "$model"
dotnet build src/Lodestar.Cli -c Release --nologo -v quiet >/dev/null
dotnet src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll bench engine --gguf "$model" --threads "$threads" \
  --pairs 8 --max-tokens 16 --texts 32 --passes 2 --markdown out/bench/engine.md "$@"
