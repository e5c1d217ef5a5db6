#!/usr/bin/env python3
"""faiss IndexFlatIP on the same float32 vectors as `lodestar bench dense`; prints one JSON line.

usage: faiss_flat.py VECTORS.f32 COUNT DIM QUERIES.f32 K THREADS PASSES
Times one query at a time (the memory-bound scan) and all queries in one call (faiss's BLAS path), best of PASSES,
and returns the top-k row ids of every query so the caller can check both systems agree.
Needs Debian's python3-faiss (run with /usr/bin/python3).
"""
import json
import sys
import time

import faiss
import numpy as np

path, count, dim, queries_path, k, threads, passes = sys.argv[1:8]
count, dim, k, threads, passes = int(count), int(dim), int(k), int(threads), int(passes)
faiss.omp_set_num_threads(threads)
vectors = np.fromfile(path, dtype=np.float32, count=count * dim).reshape(count, dim)
queries = np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim)
clock = time.perf_counter()
index = faiss.IndexFlatIP(dim)
index.add(vectors)
build = time.perf_counter() - clock
del vectors

index.search(queries[:1], k)  # warm-up
single = float("inf")
for _ in range(passes):
    clock = time.perf_counter()
    for q in queries:
        index.search(q.reshape(1, -1), k)
    single = min(single, (time.perf_counter() - clock) / len(queries))
batch = float("inf")
for _ in range(passes):
    clock = time.perf_counter()
    _, ids = index.search(queries, k)
    batch = min(batch, (time.perf_counter() - clock) / len(queries))
print(json.dumps({"faiss": faiss.__version__, "build_seconds": build, "single_seconds": single,
                  "batch_seconds": batch, "ids": ids.tolist()}))
