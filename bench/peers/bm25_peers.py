#!/usr/bin/env python3
"""BM25 peers for `lodestar bench bm25`: Xapian (python3-xapian) and SQLite FTS5 (python3's sqlite3).

Both are fed the tokens Lodestar's analyzer produced ({"id", "tokens"} JSONL), so every system indexes and
searches the same terms. Usage:
    bm25_peers.py index  xapian|fts5 TOKENS.jsonl INDEX_PATH
    bm25_peers.py search xapian|fts5 INDEX_PATH QUERIES.jsonl K [PASSES]
Prints one JSON object: seconds (the timed work only), and counts. Search runs one untimed warm-up pass over the
queries (the first 10), then up to PASSES timed passes (default 3; no new pass once 60 s have been spent) and
reports the fastest. Xapian uses BM25Weight(k1=0.9, b=0.4) and stores
each passage's text as document data, as Lodestar's store does; FTS5 keeps its content table (the tokens).
"""
import json
import os
import sqlite3
import sys
import time


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def fts_token(t):
    # FTS5's unicode61 tokenizer would split on punctuation; quote-free tokens with '_' for other characters.
    return "".join(c if c.isalnum() else "_" for c in t) or "_"


def index(system, tokens_path, out):
    docs = list(read_jsonl(tokens_path))  # parsing is not timed, for any system
    start = time.perf_counter()
    if system == "xapian":
        import xapian
        db = xapian.WritableDatabase(out, xapian.DB_CREATE_OR_OVERWRITE)
        db.begin_transaction(False)
        for d in docs:
            doc = xapian.Document()
            for t in d["tokens"]:
                if t:
                    doc.add_term(t[:240])
            doc.set_data(d.get("content") or " ".join(d["tokens"]))
            doc.add_boolean_term("Q" + d["id"][:200])
            db.add_document(doc)
        db.commit_transaction()
        db.close()
    else:
        if os.path.exists(out):
            os.remove(out)
        con = sqlite3.connect(out)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
        con.executemany("INSERT INTO docs(rowid, body) VALUES (?, ?)",
                        ((i + 1, " ".join(fts_token(t) for t in d["tokens"])) for i, d in enumerate(docs)))
        con.commit()
        con.close()
    seconds = time.perf_counter() - start
    print(json.dumps({"system": system, "seconds": seconds, "documents": len(docs),
                      "tokens": sum(len(d["tokens"]) for d in docs)}))


def search(system, path, queries_path, k, passes):
    queries = [q["tokens"] for q in read_jsonl(queries_path)]
    if system == "xapian":
        import xapian
        db = xapian.Database(path)
        enquire = xapian.Enquire(db)
        enquire.set_weighting_scheme(xapian.BM25Weight(0.9, 0, 1, 0.4, 0.5))

        def run_one(q):
            enquire.set_query(xapian.Query(xapian.Query.OP_OR, [t[:240] for t in q if t]))
            return len(enquire.get_mset(0, k))
    else:
        con = sqlite3.connect(path)

        def run_one(q):
            match = " OR ".join('"' + t + '"' for t in sorted({fts_token(t) for t in q}))
            return len(con.execute("SELECT rowid, bm25(docs) AS s FROM docs WHERE docs MATCH ? ORDER BY s LIMIT ?",
                                   (match, k)).fetchall())
    for q in queries[:10]:  # warm-up
        run_one(q)
    best, spent, hits = float("inf"), 0.0, 0
    for _ in range(passes):
        start = time.perf_counter()
        hits = sum(run_one(q) for q in queries)
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > 60:
            break
    print(json.dumps({"system": system, "seconds": best, "queries": len(queries), "hits": hits}))


if __name__ == "__main__":
    if sys.argv[1] == "index":
        index(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        search(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]) if len(sys.argv) > 6 else 3)
