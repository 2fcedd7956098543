#!/usr/bin/python3
"""Time to the first quiz questions on a bank: each worker builds its QuizMaster (it analyses every
answer once) on its first quiz request, so the first request per worker pays for it.

  build/bench/generate_bank --questions 100000 --out /tmp/bank100k
  build/qabot index /tmp/bank100k --db /tmp/b100k.db -q
  /usr/bin/python3 bench/quiz_first.py build/qabot /tmp/b100k.db [--requests 3]

Prints the time of each `quiz` request and the server's RSS afterwards. Loopback only; the server
and its state file live in a temporary directory and are removed at the end.
"""
import argparse
import asyncio
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
from qabot_process import start_qabot, stop_qabot  # noqa: E402

import websockets  # noqa: E402


async def quiz_times(address, requests):
    async with websockets.connect("ws://%s/ws" % address, max_size=None) as ws:
        await ws.recv()  # hello
        for i in range(requests):
            start = time.monotonic()
            await ws.send(json.dumps({"type": "quiz", "id": str(i), "user": "bench"}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), 900))
            print("quiz %d: %s in %.2f s" % (i + 1, reply["type"], time.monotonic() - start))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qabot")
    parser.add_argument("db")
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qabot-quiz-bench-") as d:
        proc, address = start_qabot([args.qabot, "serve", "--db", args.db, "--port", "0", "--log-level", "warn",
                                     "--state", os.path.join(d, "state.db")], timeout=60)
        try:
            asyncio.run(quiz_times(address, args.requests))
            with open("/proc/%d/status" % proc.pid) as f:
                rss = [line.split()[1] for line in f if line.startswith("VmRSS")][0]
            print("server RSS after: %.0f MB" % (int(rss) / 1024))
        finally:
            stop_qabot(proc)


if __name__ == "__main__":
    main()
