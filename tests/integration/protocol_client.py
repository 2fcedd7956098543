#!/usr/bin/python3
"""Independent protocol v1 client test: Python's websockets against the real `qabot serve`.

Builds an index from the notes, starts the server on an ephemeral port, asks "BN有什么作用" and checks
result → delta… → done ordering and that the deltas concatenate to the answer. Exit 77 = skipped.
"""
import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from qabot_process import ServerDidNotStart, start_qabot  # noqa: E402

SKIP = 77

try:
    import websockets
except ImportError:
    print("python3-websockets is not installed: skipping", file=sys.stderr)
    sys.exit(SKIP)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def start_server(args, db):
    try:
        return start_qabot([args.qabot, "serve", "--db", db, "--synonyms", args.synonyms, "--port", "0",
                            "--pace-ms", "10"], timeout=20)
    except ServerDidNotStart as error:
        fail(str(error))


async def ask_bn(url):
    async with websockets.connect(url, open_timeout=5, close_timeout=5) as ws:
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if hello.get("type") != "hello" or hello.get("protocol") != 1 or hello.get("questions", 0) < 1:
            fail("bad hello: %r" % hello)

        await ws.send(json.dumps({"type": "ask", "id": "py-1", "text": "BN有什么作用", "top_k": 3}))
        messages = []
        while True:
            m = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if m.get("id") != "py-1":
                fail("reply with another id: %r" % m)
            messages.append(m)
            if m["type"] in ("done", "error"):
                break
        types = [m["type"] for m in messages]
        if types[0] != "result" or types[-1] != "done" or any(t != "delta" for t in types[1:-1]):
            fail("bad order: %r" % types)
        result, done = messages[0], messages[-1]
        if not result["matched"] or result["hits"][0]["question"] != "BN有什么作用":
            fail("BN not matched: %r" % result)
        if len(messages) < 4:
            fail("expected several deltas, got %d messages" % len(messages))
        joined = "".join(m["text"] for m in messages[1:-1])
        if joined != done["answer"]:
            fail("deltas do not concatenate to the answer")
        if "过拟合" not in done["answer"] or "<" not in done["html"]:
            fail("unexpected answer: %r" % done)

        # Errors keep the connection usable.
        await ws.send("{not json")
        err = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if err.get("type") != "error" or err.get("code") != "bad_json" or err.get("id") is not None:
            fail("bad error reply: %r" % err)
        await ws.send(json.dumps({"type": "ping"}))
        if json.loads(await asyncio.wait_for(ws.recv(), 5)) != {"type": "pong"}:
            fail("no pong")
    print("ok: %d deltas, %d bytes of answer" % (len(messages) - 2, len(done["answer"].encode())))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--qabot", required=True)
    parser.add_argument("--notes", required=True)
    parser.add_argument("--synonyms", default="")
    args = parser.parse_args()

    usage = subprocess.run([args.qabot, "--help"], capture_output=True, text=True).stdout
    if not re.search(r"^\s+serve\s", usage, re.MULTILINE):
        print("`qabot serve` is not wired into this binary yet: skipping", file=sys.stderr)
        return SKIP

    with tempfile.TemporaryDirectory(prefix="qabot-py-") as tmp:
        db = os.path.join(tmp, "qabot.db")
        subprocess.run([args.qabot, "index", args.notes, "--db", db, "--quiet"], check=True, timeout=60)
        proc, host_port = start_server(args, db)
        try:
            asyncio.run(asyncio.wait_for(ask_bn("ws://%s/ws" % host_port), 30))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                fail("server did not stop within 10 s of SIGTERM")
        if code != 0:
            fail("server exited with %d after SIGTERM" % code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
