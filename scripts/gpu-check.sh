#!/usr/bin/env bash
# The embedded engine on a GPU machine and on the CPU, side by side.
# usage: scripts/gpu-check.sh [--cpu-only] [GGUF]
#
# GPU half (when nvidia-smi sees a GPU and --cpu-only is not given): installs the CUDA build of llama.cpp
# (npm @node-llama-cpp/linux-x64-cuda@3.22.1, the release of the CPU build), checks that its libraries resolve,
# runs the engine tests against it (LODESTAR_LLAMA_LIB), then the throughput benchmark with every layer on the GPU.
# CPU half (always; this is what CI runs): the same throughput benchmark with the CPU build and --gpu-layers 0.
# GPU_CHECK_THREADS sets the CPU half's threads (default: all cores). Both tables are printed at the end. GGUF defaults to the tiny random-weight model in ../shared; pass a realistic
# one from bench/engine/make_random_gguf.py for meaningful figures.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cpu_only=0
if [ "${1:-}" = "--cpu-only" ]; then cpu_only=1; shift; fi
model="${1:-$repo/../shared/models/llama-2-tiny-random.gguf}"
[ -f "$model" ] || { echo "gpu-check: $model: no such model (pass a GGUF)" >&2; exit 1; }
out="$repo/out/gpu-check"
mkdir -p "$out"
bash scripts/setup-llama.sh
dotnet build src/Lodestar.Cli -c Release --nologo -v quiet >/dev/null
lodestar=(dotnet src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll)
# a short run: 8 rerank requests of 16 new tokens, 16 texts embedded, 2 passes, the engine alone
bench=(bench engine --gguf "$model" --peers none --pairs 8 --max-tokens 16 --texts 16 --passes 2)

gpu=0
if [ "$cpu_only" = 0 ] && command -v nvidia-smi >/dev/null && nvidia-smi -L 2>/dev/null | grep -q GPU; then gpu=1; fi
if [ "$gpu" = 1 ]; then
  nvidia-smi -L
  bash scripts/setup-llama.sh --cuda
  cuda=$(ls -d tools/llama/node_modules/@node-llama-cpp/linux-x64-cuda/bins/*/ | head -1)
  if ldd "$cuda"/libggml-cuda*.so | grep "not found"; then
    echo "gpu-check: the CUDA build needs the libraries above (CUDA 12 runtime, cuBLAS)" >&2
    exit 1
  fi
  LODESTAR_LLAMA_LIB="$repo/$cuda" dotnet test tests/Lodestar.Llm.Tests -c Release --nologo \
    --filter "FullyQualifiedName~EngineTests|FullyQualifiedName~EngineDecodeTests"
  LODESTAR_LLAMA_LIB="$repo/$cuda" "${lodestar[@]}" "${bench[@]}" --gpu-layers all --markdown "$out/gpu.md"
fi
LODESTAR_LLAMA_LIB="$repo/tools/llama/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64" \
  "${lodestar[@]}" "${bench[@]}" --gpu-layers 0 --threads "${GPU_CHECK_THREADS:-$(nproc)}" --markdown "$out/cpu.md"

echo
if [ "$gpu" = 1 ]; then echo "== GPU =="; cat "$out/gpu.md"; echo; else echo "== GPU: none here (or --cpu-only) =="; echo; fi
echo "== CPU =="
cat "$out/cpu.md"
