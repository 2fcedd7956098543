#!/usr/bin/env python3
"""Per-turn hit@1 of multi-turn conversations, with and without conversation context.

Usage: tests/eval/multi_turn.py [build/qabot] [--set tests/eval/multi-turn.jsonl] [-v]

Each line of the set is one conversation: {"id", "lang", "turns": [{"q", "expect"}]}. `expect` is a
list of substrings, any of which the best hit's question must contain (and the result must be
matched); `null` means the bank has no answer and the result must not be matched. The bundled notes
(data/) are indexed into a temporary file. The same turns are asked twice: as one conversation
(`qabot ask --conversation`, follow-ups resolved) and as unrelated questions.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(binary, db, conversations, with_context):
    lines = []
    for conv in conversations:
        lines += [t["q"] for t in conv["turns"]]
        if with_context:
            lines.append("")  # a blank line starts a new conversation
    args = [binary, "ask", "--db", db, "--json", "--top-k", "3"] + (["--conversation"] if with_context else [])
    out = subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True, cwd=ROOT)
    results = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    assert len(results) == sum(len(c["turns"]) for c in conversations), "one result per turn"
    return results


def correct(turn, result):
    if turn["expect"] is None:
        return not result["matched"]
    if not result["matched"] or not result["hits"]:
        return False
    return any(e in result["hits"][0]["question"] for e in turn["expect"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default="build/qabot")
    ap.add_argument("--set", default=os.path.join(ROOT, "tests/eval/multi-turn.jsonl"))
    ap.add_argument("-v", action="store_true", help="list every turn either mode gets wrong")
    a = ap.parse_args()
    conversations = [json.loads(l) for l in open(a.set, encoding="utf-8") if l.strip()]
    binary = os.path.abspath(a.binary)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bank.db")
        subprocess.run([binary, "index", "data", "--db", db, "-q"], check=True, cwd=ROOT)
        scores = {}
        for mode, ctx in (("with-context", True), ("without-context", False)):
            results = iter(run(binary, db, conversations, ctx))
            rows = []
            for conv in conversations:
                for i, turn in enumerate(conv["turns"]):
                    r = next(results)
                    rows.append((conv, i, turn, r, correct(turn, r)))
            scores[mode] = rows
    for mode, rows in scores.items():
        first = [ok for _, i, _, _, ok in rows if i == 0]
        later = [ok for _, i, _, _, ok in rows if i > 0]
        carried = sum(1 for *_, r, _ in rows if r.get("followup"))
        print(f"RESULT multi-turn {mode:16} hit@1 all {sum(ok for *_, ok in rows)}/{len(rows)}"
              f"  first turns {sum(first)}/{len(first)}  follow-up turns {sum(later)}/{len(later)}"
              f"  (read as follow-ups: {carried})")
    if a.v:
        for (conv, i, turn, r, ok), (_, _, _, r0, ok0) in zip(scores["with-context"], scores["without-context"]):
            if ok and ok0:
                continue
            top = r["hits"][0]["question"] if r["hits"] else "-"
            top0 = r0["hits"][0]["question"] if r0["hits"] else "-"
            print(f"  {conv['id']}#{i} {turn['q']!r} expect {turn['expect']}\n"
                  f"    with    {'ok  ' if ok else 'MISS'} matched={r['matched']} {top} followup={r.get('followup')}\n"
                  f"    without {'ok  ' if ok0 else 'MISS'} matched={r0['matched']} {top0}")


if __name__ == "__main__":
    sys.exit(main())
