#!/usr/bin/env bash
# Lodestar's binding against LLamaSharp 0.30.0 on one GGUF, interleaved, one process per run.
# usage: bench/engine/binding-ab/run.sh GGUF [THREADS] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gguf=$1; threads=${2:-$(nproc)}; rounds=${3:-3}
dotnet build "$here" -c Release --nologo -v quiet -o "$here/bin/out" >/dev/null
for r in $(seq "$rounds"); do
  for which in lodestar llamasharp; do
    (cd "$here/../../.." && dotnet "$here/bin/out/BindingAb.dll" "$which" "$gguf" "$threads")
  done
done
