#!/usr/bin/env python3
"""Markdown table from bench/engine/llamasharp/run.sh's JSON lines: per binding the median and the best run
(rates: the highest; times and memory: the lowest), CPU seconds beside wall seconds, and Lodestar's advantage as
a ratio of medians (> 1: Lodestar faster or smaller).
usage: summarize.py OUT.jsonl [GGUF-FILE-NAME]"""
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
if len(sys.argv) > 2:
    rows = [r for r in rows if r["gguf"] == sys.argv[2]]
by = {b: [r for r in rows if r["binding"] == b] for b in ("lodestar", "llamasharp")}

# (label, key, kind): kind "rate" (higher is better) or "time"/"mem" (lower is better)
METRICS = [
    ("start-up: process start to first token (s)", "first_token_s", "time"),
    ("model load (s)", "load_s", "time"),
    ("prompt processing (tokens/s, 256-token prompt)", "prompt_rate", "rate"),
    ("generation (tokens/s, 4 seeded sequences x 32)", "generate_rate", "rate"),
    ("embeddings, mean pooling (texts/s)", "embed_mean_rate", "rate"),
    ("embeddings, last-token pooling (texts/s)", "embed_last_rate", "rate"),
    ("embeddings, CLS pooling (texts/s)", "embed_cls_rate", "rate"),
    ("embeddings, LLamaSharp's LLamaEmbedder, one text per call (texts/s)", "embed_mean_llamaembedder_rate", "rate"),
    ("whole process wall (s)", "process_wall_s", "time"),
    ("whole process CPU, user+sys (s)", "process_cpu_s", "time"),
    ("peak RSS (MiB)", "process_rss_mib", "mem"),
]


def cpu_wall(runs, key):
    base = key[:-len("_rate")]
    if not runs or base + "_cpu_s" not in runs[0]:
        return ""
    cpu = statistics.median(r[base + "_cpu_s"] for r in runs)
    wall = statistics.median(r[base + "_wall_s"] for r in runs)
    return f" (CPU {cpu:.2f} s / wall {wall:.2f} s)"


def cell(runs, key, kind):
    values = [r[key] for r in runs if key in r]
    if not values:
        return "—", None
    median = statistics.median(values)
    best = max(values) if kind == "rate" else min(values)
    digits = 0 if median >= 100 else 1 if median >= 10 else 2
    extra = cpu_wall(runs, key) if kind == "rate" else ""
    return f"{median:.{digits}f} (best {best:.{digits}f}){extra}", median


print(f"| measure | Lodestar's binding, median (best) | LLamaSharp 0.30.0, median (best) | Lodestar ÷ LLamaSharp |")
print("|---|---|---|---|")
for label, key, kind in METRICS:
    a, ma = cell(by["lodestar"], key, kind)
    b, mb = cell(by["llamasharp"], key, kind)
    ratio = "—" if ma is None or mb is None or ma == 0 else f"{(ma / mb if kind == 'rate' else mb / ma):.2f}x"
    print(f"| {label} | {a} | {b} | {ratio} |")
loads = [r[k] for r in rows for k in ("load_before", "load_after") if k in r]
n = {b: len(v) for b, v in by.items()}
print(f"\nruns: {n['lodestar']} + {n['llamasharp']} processes, threads {rows[0]['threads']}, load average (1 min) "
      f"{min(loads):.1f}–{max(loads):.1f} on {rows[0].get('cores', '?')} cores" if loads else "")
same = {b: {json.dumps(r.get('gen_heads')) for r in v} for b, v in by.items()}
print("generated text equal across bindings:", same["lodestar"] == same["llamasharp"])
