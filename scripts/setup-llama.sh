#!/usr/bin/env bash
# Installs llama.cpp's shared libraries (the C API of llama.cpp 0.5.0, CPU backends for every x64 level) from the
# npm package @node-llama-cpp/linux-x64@3.22.1 into tools/llama, where Lodestar's embedded engine finds them.
# With --cuda it also installs the CUDA build of the same release (@node-llama-cpp/linux-x64-cuda@3.22.1), which
# Lodestar loads first when an NVIDIA GPU is present (--gpu-layers N|all; see docs/embedded-engine.md).
# Another build can be used instead: point --llama-lib or LODESTAR_LLAMA_LIB at a folder with libllama.so and
# libggml*.so (see docs/embedded-engine.md).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/tools/llama"
bins="$dest/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
cuda="$dest/node_modules/@node-llama-cpp/linux-x64-cuda/bins"
packages=(@node-llama-cpp/linux-x64@3.22.1)
if [ "${1:-}" = "--cuda" ]; then
  packages+=(@node-llama-cpp/linux-x64-cuda@3.22.1)
  [ -f "$bins/libllama.v0.5.0.so" ] && [ -d "$cuda" ] && exit 0
elif [ -f "$bins/libllama.v0.5.0.so" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "setup-llama: npm is needed (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dest"
# one npm call for every package: a later --no-save install would prune the earlier one
npm install --prefix "$dest" --no-audit --no-fund --no-save "${packages[@]}" >/dev/null
test -f "$bins/libllama.v0.5.0.so" || { echo "setup-llama: $bins/libllama.v0.5.0.so missing after npm install" >&2; exit 1; }
echo "llama.cpp libraries in $bins"
if [ -d "$cuda" ]; then echo "CUDA build in $cuda"; fi
