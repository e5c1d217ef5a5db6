#!/bin/bash
# Interleaved index builds, Lodestar (2 cores, 1 core) and an older Lodestar against SQLite FTS5 through the sqlite3 CLI,
# as `lodestar bench bm25` builds them (docs/benchmarks.md, "Indexing, session 7"). Run in a folder holding
# tokens534.jsonl / peer534.txt and tokens1m.jsonl / peer1m.txt (the pre-analyzed corpus and the peers' records).
# Usage: bench/index-vs-fts5.sh NEW_LODESTAR OLD_LODESTAR ROUNDS 534k [1m]; one line per build: system size wall user sys maxrss_KiB
NEW=$1; OLD=$2; R=$3; shift 3
for size in "$@"; do
  if [ $size = 534k ]; then T=tokens534.jsonl; P=peer534.txt; else T=tokens1m.jsonl; P=peer1m.txt; fi
  for r in $(seq $R); do
    rm -f fts-$size.db
    /usr/bin/time -f "fts5 $size %e %U %S %M" -o t.out sqlite3 fts-$size.db "PRAGMA journal_mode=OFF" "PRAGMA synchronous=OFF" "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, content UNINDEXED, terms, tokenize=\"unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'\")" ".import --ascii $P docs" >/dev/null; cat t.out
    /usr/bin/time -f "new2 $size %e %U %S %M" -o t.out $NEW index $T -o idx-f2-$size --analyzer pretokenized --overwrite >/dev/null 2>s.out; cat t.out
    /usr/bin/time -f "new1 $size %e %U %S %M" -o t.out taskset -c 0 $NEW index $T -o idx-f1-$size --analyzer pretokenized --threads 1 --overwrite >/dev/null 2>>s.out; cat t.out
    /usr/bin/time -f "old2 $size %e %U %S %M" -o t.out $OLD index $T -o idx-fo-$size --analyzer pretokenized --overwrite >/dev/null 2>>s.out; cat t.out
    echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done
