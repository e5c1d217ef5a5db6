#!/usr/bin/env bash
# Publishes `lodestar` as native AOT executables (no JIT at start-up): out/aot/lodestar and out/aot/lodestar-serve.
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
# Two executables: `lodestar` without the service (ASP.NET Core's static initialisation would otherwise be part of every
# command's start-up), and `lodestar-serve`, the whole CLI, which `lodestar serve` and `lodestar mcp` run (execv).
publish() {
  dotnet publish src/Lodestar.Cli -c Release -r "$rid" -p:PublishAot=true -p:TreatWarningsAsErrors=false \
    -p:StripSymbols=true -p:IlcDehydrate=false -p:PositionIndependentExecutable="${LODESTAR_AOT_PIE:-false}" "$@"
}
publish -p:LodestarService=InProcess -o out/aot-serve
publish -p:LodestarService=Exec -o out/aot
ext=""; [[ "$rid" == win-* ]] && ext=".exe"
cp "out/aot-serve/lodestar$ext" "out/aot/lodestar-serve$ext"
ls -la "out/aot/lodestar$ext" "out/aot/lodestar-serve$ext"
# The optional native int8 dense kernel travels beside the executables (Lodestar.Dense.Native copies it on publish).
if [[ "$rid" == linux-x64 ]]; then
  ls -la out/aot/liblodestar_dense.so || echo "warning: no liblodestar_dense.so (no C compiler?): int8 batched search will use the managed kernel"
fi
