#!/usr/bin/env python3
"""Writes the 1,384 BRIGHT queries as BEIR queries JSONL, ids made unique as TASK/ID, for `lodestar bench bm25
--long-queries` (which keeps those of 100+ terms, cut to 150).

usage: make_bright_queries.py ../shared/data/bright out/bench/bright-queries.jsonl
"""
import gzip
import json
import os
import sys

source, target = sys.argv[1:3]
count = 0
with open(target, "w", encoding="utf-8") as out:
    for task in sorted(os.listdir(source)):
        path = os.path.join(source, task, "examples.jsonl.gz")
        if not os.path.exists(path):
            continue
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                out.write(json.dumps({"_id": f"{task}/{record['id']}", "text": record["query"]}) + "\n")
                count += 1
print(f"{count} queries -> {target}")
