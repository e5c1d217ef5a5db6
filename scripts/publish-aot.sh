#!/usr/bin/env bash
# Publishes `lodestar` as a native AOT executable (no JIT at start-up) into out/aot/lodestar.
# Needs clang and zlib (apt-get install clang lld zlib1g-dev); the ILCompiler package comes from NuGet.
# `dotnet tool install` keeps using the portable (JIT) build: AOT is this separate publish only.
# Trimming/AOT warnings are shown, not made errors: see docs/benchmarks.md for what is known to work.
# Start-up (docs/benchmarks.md, "Start-up and native AOT"; docs/decisions/aot-startup.md): IlcDehydrate=false, because
# a dehydrated image rebuilds its pointer data at every start (two thirds of the CPU time of `lodestar --version`), and
# PositionIndependentExecutable=false, because a position-independent image without dehydration makes the dynamic
# loader apply ~1 million relocations at every start instead. The cost: no address randomisation of the executable's
# own image (libraries and the heap keep theirs). Set LODESTAR_AOT_PIE=true to keep a position-independent image.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-x64}"
dotnet publish src/Lodestar.Cli -c Release -r "$rid" -p:PublishAot=true -p:TreatWarningsAsErrors=false \
  -p:StripSymbols=true -p:IlcDehydrate=false -p:PositionIndependentExecutable="${LODESTAR_AOT_PIE:-false}" -o out/aot
ls -la out/aot/lodestar
