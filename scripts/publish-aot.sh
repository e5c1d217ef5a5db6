#!/usr/bin/env bash
# Publishes `lodestar` as a native AOT executable (no JIT at start-up) into out/aot/lodestar.
# Needs clang and zlib (apt-get install clang lld zlib1g-dev); the ILCompiler package comes from NuGet.
# `dotnet tool install` keeps using the portable (JIT) build: AOT is this separate publish only.
# Trimming/AOT warnings are shown, not made errors: see docs/benchmarks.md for what is known to work.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
dotnet publish src/Lodestar.Cli -c Release -r "$rid" -p:PublishAot=true -p:TreatWarningsAsErrors=false \
  -p:StripSymbols=true -o out/aot
ls -la out/aot/lodestar
