#!/usr/bin/env bash
# Builds llama.cpp's own llama-server and llama-embedding (Release, CPU) from the llama.cpp source that the
# node-llama-cpp 3.22.1 npm package bundles (llama/gitRelease.bundle, the same source as the library Lodestar loads),
# into tools/llama-peers/bin. `lodestar bench engine`, bench/engine-model.sh and the real-llama-server test use them.
# usage: scripts/build-llama-peers.sh [JOBS]   (JOBS defaults to the number of cores)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/tools/llama-peers"
jobs="${1:-$(nproc)}"
if [ -x "$dest/bin/llama-server" ] && [ -x "$dest/bin/llama-embedding" ]; then
  echo "$dest/bin"
  exit 0
fi
for tool in npm git cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-llama-peers: $tool is needed (apt-get install npm git cmake g++)" >&2; exit 1; }
done
mkdir -p "$dest"
if [ ! -d "$dest/src/.git" ]; then
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent node-llama-cpp@3.22.1 >/dev/null && tar xzf node-llama-cpp-3.22.1.tgz package/llama)
  rm -rf "$dest/src"
  git clone -q "$work/package/llama/gitRelease.bundle" "$dest/src" 2>/dev/null
  cp "$work/package/llama/llama.cpp.info.json" "$dest/"
  mkdir -p "$dest/gguf-py" && cp -r "$dest/src/gguf-py/gguf" "$dest/gguf-py/"
  rm -rf "$work"
fi
cmake -S "$dest/src" -B "$dest/build" -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DBUILD_SHARED_LIBS=OFF >"$dest/build.log" 2>&1
cmake --build "$dest/build" -j "$jobs" --target llama-server llama-embedding >>"$dest/build.log" 2>&1 \
  || { echo "build-llama-peers: the build failed; see $dest/build.log" >&2; exit 1; }
mkdir -p "$dest/bin"
cp "$dest/build/bin/llama-server" "$dest/build/bin/llama-embedding" "$dest/bin/"
echo "$dest/bin"
