#!/usr/bin/python3
"""A relay between a chat platform and qabot over ONE multiplexed protocol v1 WebSocket.

Here the "platform" is stdin/stdout so the relay runs anywhere: each input line is
`user<TAB>question` from one of many simulated users, and each reply is printed as
`user<TAB>first line of the answer`. To bridge a real platform, replace `read_platform()` (where
messages come from) and `deliver()` (where answers go); everything between is the part that
stays the same: see docs/relays.md.

    printf 'alice\tBN有什么作用\nbob\t如何防止过拟合\n' | python3 relay.py --url ws://127.0.0.1:8080/ws

Needs Python 3.9+ and the websockets package (Debian: python3-websockets).
"""
import argparse
import asyncio
import itertools
import json
import random
import sys

import websockets


class Relay:
    def __init__(self, url, max_backoff=30.0):
        self.url = url
        self.max_backoff = max_backoff
        self.ids = itertools.count(1)
        self.pending = {}           # ask id -> (user, question): sent or waiting to be sent, not yet answered
        self.sessions = {}          # user -> number of asks so far (a platform would keep its channel/thread here)
        self.outbox = asyncio.Queue()  # asks to send on the current connection
        self.connected = asyncio.Event()
        self.idle = asyncio.Event()  # set when nothing is pending
        self.idle.set()
        self.ws = None
        self.stopping = False

    # -- platform side ------------------------------------------------------------------------
    def submit(self, user, question):
        """A user's message: give it an id that is unique on this connection and remember who asked."""
        self.sessions[user] = self.sessions.get(user, 0) + 1
        ask_id = "%s:%d" % (user, next(self.ids))
        self.pending[ask_id] = (user, question)
        self.idle.clear()
        self.outbox.put_nowait(ask_id)

    def deliver(self, user, text):
        """Send `text` to `user` on the platform: here, one line on stdout."""
        first_line = text.strip().splitlines()[0] if text.strip() else ""
        print("%s\t%s" % (user, first_line), flush=True)

    # -- qabot side ---------------------------------------------------------------------------
    async def run_forever(self):
        """Keeps one connection open; reconnects with exponential backoff and jitter."""
        backoff = 0.5
        while True:
            try:
                async with websockets.connect(self.url, open_timeout=10, close_timeout=2, max_size=2**20) as ws:
                    self.ws = ws
                    hello = json.loads(await ws.recv())
                    if hello.get("type") != "hello" or hello.get("protocol") != 1:
                        raise RuntimeError("not a qabot protocol v1 server: %r" % hello)
                    backoff = 0.5
                    # Asks that were in flight on a lost connection are sent again: their replies died with it.
                    for ask_id in list(self.pending):
                        if ask_id not in self.outbox._queue:  # noqa: SLF001 (simple de-duplication)
                            self.outbox.put_nowait(ask_id)
                    self.connected.set()
                    sender = asyncio.ensure_future(self.send_loop(ws))
                    try:
                        await self.receive_loop(ws)
                    finally:
                        sender.cancel()
                        self.connected.clear()
            except (OSError, websockets.exceptions.WebSocketException, RuntimeError, asyncio.TimeoutError) as e:
                if self.stopping:
                    return
                print("relay: connection lost (%s); retrying in %.1f s" % (e, backoff), file=sys.stderr)
            await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
            backoff = min(backoff * 2, self.max_backoff)

    async def send_loop(self, ws):
        while True:
            ask_id = await self.outbox.get()
            if ask_id not in self.pending:
                continue
            _, question = self.pending[ask_id]
            # stream:false: a platform that cannot edit messages wants one whole answer, not deltas.
            await ws.send(json.dumps({"type": "ask", "id": ask_id, "text": question, "stream": False}))

    async def receive_loop(self, ws):
        async for frame in ws:
            message = json.loads(frame)
            ask_id = message.get("id")
            if ask_id not in self.pending:
                continue  # hello, pong, or a reply to an ask already answered
            kind = message.get("type")
            if kind == "done":
                user, _ = self.pending.pop(ask_id)
                self.deliver(user, message.get("answer", ""))
            elif kind == "error":
                code = message.get("code")
                if code in ("rate_limited", "overloaded"):
                    # Not the user's fault: try again a little later on the same connection.
                    asyncio.get_running_loop().call_later(0.5, self.outbox.put_nowait, ask_id)
                    continue
                user, _ = self.pending.pop(ask_id)
                self.deliver(user, "[%s] %s" % (code, message.get("message", "")))
            if not self.pending:
                self.idle.set()


async def read_platform(relay):
    """Messages from the platform: `user<TAB>question` lines on stdin, until end of input."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        user, sep, question = line.rstrip("\n").partition("\t")
        if sep and user and question.strip():
            relay.submit(user, question.strip())


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8080/ws", help="qabot's WebSocket endpoint")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for the last answers")
    args = parser.parse_args()

    relay = Relay(args.url)
    connection = asyncio.ensure_future(relay.run_forever())
    await read_platform(relay)
    try:
        await asyncio.wait_for(relay.idle.wait(), args.timeout)
    except asyncio.TimeoutError:
        print("relay: %d asks still unanswered" % len(relay.pending), file=sys.stderr)
        return 1
    finally:
        relay.stopping = True
        connection.cancel()  # leaves the `async with`, which closes the connection (at most close_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
