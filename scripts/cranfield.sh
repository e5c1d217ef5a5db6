#!/usr/bin/env bash
# The main job on the embedded default: build Lodestar, index Cranfield (shipped in data/), search it with
# BRIGHT-mode BM25 and evaluate the run. Needs only the .NET 10 SDK. Outputs go to out/cranfield/.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Lodestar.Cli -c Release --nologo -v quiet
lodestar() { dotnet src/Lodestar.Cli/bin/Release/net10.0/lodestar.dll "$@"; }
mkdir -p out/cranfield
lodestar index data/cranfield/corpus.jsonl.gz -o out/cranfield/index --overwrite
lodestar search out/cranfield/index --topics data/cranfield/queries.jsonl --k 1000 -o out/cranfield/run.bm25.txt
lodestar search out/cranfield/index --topics data/cranfield/queries.jsonl --k 1000 --bm25 lucene -o out/cranfield/run.bm25-lucene.txt
lodestar eval data/cranfield/qrels/test.tsv out/cranfield/run.bm25.txt out/cranfield/run.bm25-lucene.txt \
  -m nDCG@10 -m MAP -m Recall@100 -m P@10 -m MRR --compare
