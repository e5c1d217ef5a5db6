#!/usr/bin/env bash
# Builds llama.cpp's own llama-server from the source node-llama-cpp 3.22.1 bundles (scripts/build-llama-peers.sh,
# ~30 minutes on 2 cores, once) and runs the tests that speak to it (RealLlamaServerTests: /tokenize truncation,
# n > 1 seeds, usage). Without the build those tests are skipped with this script named as the reason.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/scripts/setup-llama.sh"
bash "$repo/scripts/build-llama-peers.sh"
cd "$repo"
dotnet test tests/Lodestar.Llm.Tests -c Release --filter "FullyQualifiedName~RealLlamaServerTests"
