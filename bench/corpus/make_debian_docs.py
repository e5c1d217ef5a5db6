#!/usr/bin/env python3
"""Builds the BM25 benchmark corpus: real passages chunked from Debian documentation packages.

    apt-get install -y linux-doc-6.1 python3.11-doc postgresql-doc-15 perl-doc
    python3 bench/corpus/make_debian_docs.py out/bench/debian-docs.jsonl [MAX_WORDS]

    # the 1M-passage corpus: the same four sources, then the libstdc++ manual and API pages and Git's manual
    apt-get install -y libstdc++-12-doc git-doc nodejs-doc libboost1.74-doc python-django-doc
    python3 bench/corpus/make_debian_docs.py out/bench/debian-docs-1m.jsonl 16 --more 1000000

Sources: the Linux 6.1 kernel documentation (reStructuredText), the Python 3.11 and PostgreSQL 15 manuals (HTML,
tags stripped) and Perl's pod pages. Each paragraph is cut into passages of at most MAX_WORDS words (default 16);
passages under 5 words are dropped. One JSON line per passage: {"id": "<source>/<file>#<n>", "content": "..."}.
With --more, the libstdc++ 12 documentation (HTML, Doxygen API pages included) Git's manual pages (AsciiDoc), Node.js's API
(Markdown) Boost 1.74's and Django's HTML documentation follow,
and the output stops after LIMIT passages. The order is sorted by path, so the output is the same on every machine with the same package versions.
"""
import gzip
import html.parser
import json
import os
import re
import sys

SOURCES = [
    ("linux", "/usr/share/doc/linux-doc-6.1/Documentation", (".rst.gz", ".txt.gz")),
    ("python", "/usr/share/doc/python3.11/html", (".html",)),
    ("postgresql", "/usr/share/doc/postgresql-doc-15/html", (".html",)),
    ("perl", "/usr/share/perl/5.36/pod", (".pod",)),
]


class TextOnly(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("p", "div", "li", "pre", "h1", "h2", "h3", "h4", "dt", "dd", "tr", "br"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        text = f.read()
    if path.endswith(".html"):
        p = TextOnly()
        p.feed(text)
        text = "".join(p.parts)
    return text


def passages(text, max_words):
    for paragraph in re.split(r"\n\s*\n", text):
        words = paragraph.split()
        for i in range(0, len(words), max_words):
            chunk = words[i:i + max_words]
            if len(chunk) >= 5:
                yield " ".join(chunk)


MORE_SOURCES = [
    ("libstdc++", "/usr/share/doc/gcc-12-base/libstdc++", (".html",)),
    ("git", "/usr/share/doc/git-doc", (".txt",)),
    ("nodejs", "/usr/share/doc/nodejs/api", (".md.gz",)),
    ("boost", "/usr/share/doc/libboost1.74-doc/doc/html", (".html", ".htm")),
    ("django", "/usr/share/doc/python-django-doc/html", (".html",)),
]


def main(out, max_words, more=False, limit=None):
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    count = 0
    with open(out, "w", encoding="utf-8") as f:
        for name, root, suffixes in SOURCES + (MORE_SOURCES if more else []):
            files = sorted(os.path.join(d, n) for d, _, ns in os.walk(root) for n in ns if n.endswith(suffixes))
            for path in files:
                rel = os.path.relpath(path, root)
                for n, passage in enumerate(passages(read(path), max_words)):
                    if limit is not None and count >= limit:
                        break
                    f.write(json.dumps({"id": f"{name}/{rel}#{n}", "content": passage}, ensure_ascii=False) + "\n")
                    count += 1
    print(f"{count} passages -> {out}", file=sys.stderr)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--more"]
    more = "--more" in sys.argv
    main(args[0], int(args[1]) if len(args) > 1 else 16, more, int(args[2]) if more and len(args) > 2 else None)
