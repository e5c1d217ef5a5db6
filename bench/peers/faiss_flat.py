#!/usr/bin/env python3
"""faiss IndexFlatIP on the same float32 vectors as `lodestar bench dense`, driven pass by pass over stdin.

usage: faiss_flat.py VECTORS.f32 COUNT DIM QUERIES.f32 K THREADS
Needs Debian's python3-faiss (run with /usr/bin/python3). The caller sets OPENBLAS_NUM_THREADS (and may point
LD_LIBRARY_PATH at an OpenBLAS build); this script sets faiss's OpenMP threads to THREADS and reports which BLAS
library the process actually mapped, so a run on the reference BLAS cannot pass for one on OpenBLAS.

Protocol, one JSON line per answer on stdout:
  (start)      {"faiss", "blas", "blas_config", "blas_core", "blas_threads", "omp_threads", "ready_seconds"}
  batch        all queries in one index.search call: {"seconds", "cpu_seconds"}
  single N     the first N queries one call each: {"per_query": [seconds...], "cpu_seconds"}
  ids          the top-k row ids of every query from the last batch call: {"ids": [[...], ...]}
  rss          {"peak_rss_bytes"} (ru_maxrss of this process)
  quit
Only the search calls are timed; reading the vectors and index.add are in ready_seconds.
"""
import ctypes
import json
import os
import resource
import sys
import time

clock = time.perf_counter()
import faiss  # noqa: E402
import numpy as np  # noqa: E402


def mapped_blas():
    """The BLAS and OpenBLAS shared objects this process has mapped (real paths)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.split()[-1] if line.split()[-1].startswith("/")}
    return sorted(os.path.realpath(p) for p in paths)


def openblas_info():
    """OpenBLAS's own description of the copy already mapped (RTLD_NOLOAD: never loads a second one)."""
    mapped = [p for p in mapped_blas() if "openblas" in os.path.basename(p)]
    if not mapped:
        return None, None, None
    lib = ctypes.CDLL(mapped[0], mode=os.RTLD_NOLOAD)
    lib.openblas_get_config.restype = ctypes.c_char_p
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib.openblas_get_config().decode(), lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()


def answer(value):
    print(json.dumps(value), flush=True)


path, count, dim, queries_path, k, threads = sys.argv[1:7]
count, dim, k, threads = int(count), int(dim), int(k), int(threads)
faiss.omp_set_num_threads(threads)
vectors = np.fromfile(path, dtype=np.float32, count=count * dim).reshape(count, dim)
queries = np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim)
index = faiss.IndexFlatIP(dim)
index.add(vectors)
del vectors
index.search(queries[:64], k)  # warm-up; also makes faiss call sgemm, so the BLAS is mapped
config, core, blas_threads = openblas_info()
answer({"faiss": faiss.__version__, "blas": mapped_blas(), "blas_config": config, "blas_core": core,
        "blas_threads": blas_threads, "omp_threads": faiss.omp_get_max_threads(),
        "ready_seconds": time.perf_counter() - clock})

ids = None
for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "batch":
        cpu, start = time.process_time(), time.perf_counter()
        _, ids = index.search(queries, k)
        answer({"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu})
    elif words[0] == "single":
        n = min(int(words[1]), len(queries))
        per_query = []
        cpu = time.process_time()
        for q in queries[:n]:
            start = time.perf_counter()
            index.search(q.reshape(1, -1), k)
            per_query.append(time.perf_counter() - start)
        answer({"per_query": per_query, "cpu_seconds": time.process_time() - cpu})
    elif words[0] == "ids":
        answer({"ids": ids.tolist() if ids is not None else []})
    elif words[0] == "rss":
        answer({"peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})
    elif words[0] == "quit":
        break
    else:
        answer({"error": f"unknown command {words[0]!r}"})
