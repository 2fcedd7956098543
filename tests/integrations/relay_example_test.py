#!/usr/bin/python3
"""examples/relay/relay.py end to end: many simulated users over one connection to a real qabot.

Builds an index from the notes, starts `qabot serve --port 0`, pipes `user<TAB>question` lines for
40 users into the relay and checks that every user gets, for each of their questions, the first line
of the answer the server gives to that question over POST /api/ask. Exit 77 = skipped.
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from qabot_process import ServerDidNotStart, start_qabot  # noqa: E402

SKIP = 77

try:
    import websockets  # noqa: F401  (the relay needs it)
except ImportError:
    print("python3-websockets is not installed: skipping", file=sys.stderr)
    sys.exit(SKIP)

QUESTIONS = ["BN有什么作用", "如何防止过拟合", "AP计算方式", "is和==的区别", "为什么LSTM比RNN好",
             "what does batchnorm do", "数据不均衡该怎么处理", "quantum chromodynamics recipes"]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def start_server(args, db):
    try:
        return start_qabot([args.qabot, "serve", "--db", db, "--notes", args.notes, "--synonyms", args.synonyms,
                            "--port", "0", "--rate-limit", "0", "--log-level", "warn"], timeout=30)
    except ServerDidNotStart as error:
        fail(str(error))


def first_line(text):
    text = text.strip()
    return text.splitlines()[0] if text else ""


def expected_answer(host_port, question):
    req = urllib.request.Request("http://%s/api/ask" % host_port, data=json.dumps({"text": question}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return first_line(json.load(res)["answer"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--qabot", required=True)
    parser.add_argument("--relay", required=True)
    parser.add_argument("--notes", required=True)
    parser.add_argument("--synonyms", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qabot-relay-") as tmp:
        proc, host_port = start_server(args, tmp + "/qabot.db")
        try:
            expected = {q: expected_answer(host_port, q) for q in QUESTIONS}
            if "加速" not in expected["BN有什么作用"] and "训练" not in expected["BN有什么作用"]:
                fail("unexpected BN answer: %r" % expected["BN有什么作用"])

            rng = random.Random(6)
            asked = collections.defaultdict(list)
            lines = []
            for n in range(120):
                user = "user%02d" % rng.randrange(40)
                question = rng.choice(QUESTIONS)
                asked[user].append(question)
                lines.append("%s\t%s\n" % (user, question))

            relay = subprocess.run(
                [sys.executable, args.relay, "--url", "ws://%s/ws" % host_port, "--timeout", "30"],
                input="".join(lines), capture_output=True, text=True, timeout=60)
            if relay.returncode != 0:
                fail("relay exited with %d: %s" % (relay.returncode, relay.stderr))

            got = collections.defaultdict(list)
            for line in relay.stdout.splitlines():
                user, _, answer = line.partition("\t")
                got[user].append(answer)
            for user, questions in asked.items():
                want = sorted(expected[q] for q in questions)
                if sorted(got.get(user, [])) != want:
                    fail("%s asked %r: expected %r, got %r" % (user, questions, want, got.get(user)))
            if set(got) - set(asked):
                fail("answers for users who never asked: %r" % (set(got) - set(asked)))
            print("ok: %d users, %d questions, one connection" % (len(asked), len(lines)))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
