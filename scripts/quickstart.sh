#!/usr/bin/env bash
# The main job on the embedded default: build Lodestar and run `lodestar quickstart`, which indexes Cranfield (shipped
# in data/), searches it with BRIGHT's and Anserini's BM25, evaluates both with significance tests and writes an
# HTML report to out/quickstart/. With a GGUF model in the Hugging Face cache (`lodestar models pull hf:…`) and
# llama.cpp's library (`bash scripts/setup-llama.sh`) it adds dense, hybrid and Retro*-reranked runs.
# Needs only the .NET 10 SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Lodestar.Cli -c Release --nologo -v quiet
dotnet src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll quickstart "$@"
