#!/usr/bin/python3
"""Writes COUNT distinct questions built from a bank's own vocabulary, one per line, for load tests
that must not repeat themselves (bench/soak.sh): every line pairs two or three words or Han runs taken
from the bank's question titles with a question template, so the server analyses, corrects and scores
a new query each time, as a month of real traffic would.

    bench/varied_queries.py --db qabot.db --count 1000000 --seed 1 > queries.txt

The lines are distinct (a line that was already written is drawn again); the same seed gives the same
file.
"""
import argparse
import random
import re
import sqlite3
import sys

TEMPLATES_ZH = ["{}是什么", "{}有什么作用", "怎么理解{}", "{}的原理", "{}和{}的区别", "{}有哪些缺点", "为什么{}"]
TEMPLATES_EN = ["what is {}", "how does {} work", "{} vs {}", "why {}", "explain {}", "{} pros and cons"]
WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#.-]{1,20}|[\u4e00-\u9fff]{2,6}")


def vocabulary(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        words = set()
        for (title,) in con.execute("SELECT question FROM questions"):
            words.update(WORD.findall(title))
        return sorted(words)
    finally:
        con.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    words = vocabulary(args.db)
    if len(words) < 20:
        sys.exit("varied_queries: %s has too few words (%d) to vary questions" % (args.db, len(words)))
    rng = random.Random(args.seed)
    seen = set()
    out = sys.stdout
    while len(seen) < args.count:
        picked = rng.sample(words, rng.choice((2, 2, 3)))
        template = rng.choice(TEMPLATES_EN if picked[0].isascii() else TEMPLATES_ZH)
        if template.count("{}") == 2:
            line = template.format(picked[0], " ".join(picked[1:]))
        else:
            line = template.format(" ".join(picked))
        if line in seen:
            continue
        seen.add(line)
        out.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
