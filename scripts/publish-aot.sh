#!/usr/bin/env bash
# Publishes `lodestar` as native AOT executables (no JIT at start-up): out/aot/lodestar (the core commands) and out/aot/lodestar-full (the whole CLI).
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
# Two executables: `lodestar`, the core commands alone (index, search, analyze, explain, eval, fuse: a native image
# initialises the statics of everything it links at every start), and `lodestar-full`, the whole CLI, which `lodestar`
# becomes (execv) for every other command line: the LLM and service commands, root help, telemetry.
publish() {
  dotnet publish src/Lodestar.Cli -c Release -r "$rid" -p:PublishAot=true -p:TreatWarningsAsErrors=false \
    -p:StripSymbols=true -p:IlcDehydrate=false -p:PositionIndependentExecutable="${LODESTAR_AOT_PIE:-false}" "$@"
}
publish -p:LodestarCommands=All -o out/aot-full
publish -p:LodestarCommands=Core -o out/aot
ext=""; [[ "$rid" == win-* ]] && ext=".exe"
cp "out/aot-full/lodestar$ext" "out/aot/lodestar-full$ext"
ls -la "out/aot/lodestar$ext" "out/aot/lodestar-full$ext"
# The optional native int8 dense kernel travels beside the executables (Lodestar.Dense.Native copies it on publish).
if [[ "$rid" == linux-x64 ]]; then
  ls -la out/aot/liblodestar_dense.so || echo "warning: no liblodestar_dense.so (no C compiler?): int8 batched search will use the managed kernel"
fi
