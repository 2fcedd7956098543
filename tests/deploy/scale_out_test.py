#!/usr/bin/python3
"""Scale-out on one machine: three `qabot serve` replicas on one read-only index and one PostgreSQL
state store, behind nginx running deploy/nginx.conf. Shows availability, not capacity:

  1. asks through nginx (bench/loadgen) reach every replica, with no errors;
  2. a relay (examples/relay/relay.py) and a quiz user are connected to replica X through nginx;
     X is killed with SIGKILL in the middle of their work (and of a loadgen run);
  3. the relay and the quiz client reconnect through nginx to a survivor; every relay ask is
     answered, none with an error; a new loadgen run through nginx has zero errors; /healthz through
     nginx keeps answering;
  4. the quiz progress made on X (graded answers and the pending question) is intact on the survivor.

Everything binds 127.0.0.1 on free ports, lives in one temp dir, and is stopped on exit (also on
failure or SIGTERM).

    scale_out_test.py --qabot build/qabot --loadgen build/bench/loadgen [--source-dir .]
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import websockets

DEADLINE = time.monotonic() + 170  # ctest's TIMEOUT is 180 s: fail with a message before it kills us


def log(msg):
    print("[scale-out %5.1fs] %s" % (time.monotonic() - START, msg), flush=True)


START = time.monotonic()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=3):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
        return r.status, r.read().decode()


def metric(port, name):
    _, text = http_get(port, "/metrics")
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError("metric %s missing on port %d" % (name, port))


def metric_sum(port, name):
    """The sum of a labelled metric's series (qabot_asks_total{channel=…,outcome=…})."""
    _, text = http_get(port, "/metrics")
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith(name + "{") or line.startswith(name + " "))


def ws_open(port):
    return metric(port, 'qabot_connections{kind="websocket"}')


def wait_until(what, check, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except (OSError, AssertionError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class Cluster:
    """Owns every process and the temp dir; stop() is safe to call twice."""

    def __init__(self, args):
        self.args = args
        self.src = os.path.abspath(args.source_dir)
        self.tmp = tempfile.mkdtemp(prefix="qabot-scale-")
        os.chmod(self.tmp, 0o755)
        self.procs = []
        self.replicas = {}  # port -> Popen
        self.pg_dir = os.path.join(self.tmp, "pg")
        self.pg_started = False

    def spawn(self, cmd, **kw):
        p = subprocess.Popen(cmd, **kw)
        self.procs.append(p)
        return p

    def start_postgres(self):
        port = free_port()
        subprocess.run([os.path.join(self.src, "tests/support/pg_temp.sh"), "start", self.pg_dir, str(port)],
                       check=True, timeout=60)
        self.pg_started = True
        self.state_uri = "postgresql://postgres@127.0.0.1:%d/postgres" % port
        log("PostgreSQL on port %d" % port)

    def build_index(self):
        self.db = os.path.join(self.tmp, "index", "qabot.db")
        os.makedirs(os.path.dirname(self.db))
        subprocess.run([self.args.qabot, "index", os.path.join(self.src, "data"), "--db", self.db],
                       check=True, timeout=60, stdout=subprocess.DEVNULL, cwd=self.src)
        os.chmod(self.db, 0o444)  # the replicas only read it
        log("index built once: %s" % self.db)

    def start_replica(self, port, threads=1):
        err = open(os.path.join(self.tmp, "replica-%d.log" % port), "w")
        p = self.spawn([self.args.qabot, "serve", "--db", self.db, "--state", self.state_uri,
                        "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads),
                        "--rate-limit", "0", "--pace-ms", "0"],
                       cwd=self.src, stdout=subprocess.DEVNULL, stderr=err)
        self.replicas[port] = p
        return p

    def start_nginx(self, replica_ports):
        self.nginx_port = free_port()
        ndir = os.path.join(self.tmp, "nginx")
        os.makedirs(ndir, exist_ok=True)
        with open(os.path.join(self.src, "deploy/nginx.conf")) as f:
            site = f.read()
        with open(os.path.join(self.src, "deploy/qabot-locations.conf")) as f:
            locations = f.read()
        # The shipped file, with this test's replicas and port, and without the TLS example.
        servers = "".join("    server 127.0.0.1:%d max_fails=2 fail_timeout=10s;\n" % p for p in replica_ports)
        site, n = re.subn(r"# BEGIN replicas\n.*?# END replicas\n", servers, site, flags=re.S)
        assert n == 1, "deploy/nginx.conf lost its replica markers"
        site, n = re.subn(r"# BEGIN tls\n.*?# END tls\n", "", site, flags=re.S)
        assert n == 1, "deploy/nginx.conf lost its tls markers"
        site, n = re.subn(r"listen 80;", "listen 127.0.0.1:%d;" % self.nginx_port, site)
        assert n == 1
        site, n = re.subn(r".*include \S+qabot-locations.conf;.*\n", lambda _: locations, site)
        assert n == 1
        conf = """
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{site}
}}
""".format(d=ndir, site=site)
        if os.geteuid() == 0:
            conf = "user nobody nogroup;\n" + conf
            shutil.chown(ndir, "nobody", "nogroup")
        path = os.path.join(ndir, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        check = subprocess.run([self.args.nginx, "-p", ndir, "-c", path, "-t"], capture_output=True, text=True)
        assert check.returncode == 0, "nginx -t: " + check.stderr
        self.nginx = self.spawn([self.args.nginx, "-p", ndir, "-c", path],
                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(ndir, "stderr.log"), "w"))
        wait_until("nginx", lambda: http_get(self.nginx_port, "/healthz")[0] == 200)
        log("nginx on port %d in front of %s" % (self.nginx_port, replica_ports))

    def stop_nginx(self):
        self.nginx.terminate()  # fast shutdown: the master stops its workers, then exits
        self.nginx.wait(timeout=10)
        self.procs.remove(self.nginx)

    def stop(self):
        # nginx first, with SIGTERM: its master then stops the workers (a SIGKILLed master orphans them).
        if getattr(self, "nginx", None) is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for p in reversed(self.procs):
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.pg_started:
            subprocess.run([os.path.join(self.src, "tests/support/pg_temp.sh"), "stop", self.pg_dir], timeout=30)
            self.pg_started = False
        if os.environ.get("QABOT_KEEP_TMP"):
            log("kept " + self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def run_loadgen(c, queries, extra, connections=6):
    cmd = [c.args.loadgen, "--port", str(c.nginx_port), "--queries", queries, "-c", str(connections),
           "--warmup", "0", "--json"] + extra
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise AssertionError("loadgen gave no JSON (rc %d): %s %s" % (out.returncode, out.stdout, out.stderr))


class QuizClient:
    """One user's quiz over protocol v1, reconnecting through nginx when its connection dies."""

    def __init__(self, port, user):
        self.url = "ws://127.0.0.1:%d/ws" % port
        self.user = user
        self.ws = None
        self.n = 0

    async def connect(self):
        self.ws = await websockets.connect(self.url, open_timeout=5, close_timeout=1)
        hello = json.loads(await asyncio.wait_for(self.ws.recv(), 5))
        assert hello.get("type") == "hello" and hello.get("protocol") == 1, hello

    async def request(self, msg, final_type):
        """Sends msg (a fresh id) and returns the reply of final_type; error replies are returned too."""
        self.n += 1
        msg = dict(msg, id="%s-%d" % (self.user, self.n))
        await self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(await asyncio.wait_for(self.ws.recv(), 10))
            if reply.get("id") != msg["id"]:
                continue
            if reply.get("type") in (final_type, "error"):
                return reply

    async def answer_text(self, question):
        """The bank's own answer to a question: a quiz answer that should pass."""
        done = await self.request({"type": "ask", "text": question, "stream": False}, "done")
        return done.get("answer", "")


def unknown_type(reply):
    return reply.get("type") == "error" and "unknown message type" in reply.get("message", "")


async def scenario(c, queries):
    ports = sorted(c.replicas)
    failures = []

    # -- 1. balanced asks ---------------------------------------------------------------------
    before = {p: metric_sum(p, "qabot_asks_total") for p in ports}
    r = run_loadgen(c, queries, ["-n", "600", "-d", "0"])
    per_replica = {p: metric_sum(p, "qabot_asks_total") - before[p] for p in ports}
    log("loadgen through nginx: %d asks, %.0f asks/s, errors %s, per replica %s" %
        (r["asks"], r.get("asks_per_s", 0), r.get("errors"), per_replica))
    assert r["asks"] >= 600 and not r.get("errors"), r
    assert all(v > 0 for v in per_replica.values()), "a replica got no asks: %s" % per_replica

    # -- 2. a relay and a quiz user on the same replica X ----------------------------------------
    wait_until("loadgen's connections to close", lambda: sum(ws_open(p) for p in ports) == 0)
    relay_in = "".join("user%d\t%s\n" % (i % 5, q) for i, q in enumerate(open(queries).read().split("\n")[:40]))
    relay = c.spawn(["/usr/bin/python3", os.path.join(c.src, "examples/relay/relay.py"),
                     "--url", "ws://127.0.0.1:%d/ws" % c.nginx_port, "--timeout", "60"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until("the relay's connection", lambda: sum(ws_open(p) for p in ports) == 1)
    victim = next(p for p in ports if ws_open(p) == 1)
    log("relay connected to replica %d" % victim)

    # least_conn sends each new connection to the emptiest replica: open quiz connections until one
    # lands on the victim, then drop the others.
    quiz, spare = None, []
    for _ in range(2 * len(ports) + 2):
        q = QuizClient(c.nginx_port, "scale-user")
        await q.connect()
        counts = {p: ws_open(p) for p in ports}
        if counts[victim] == 2 and quiz is None:
            quiz = q
            break
        spare.append(q)
    assert quiz is not None, "could not place the quiz connection on replica %d" % victim
    for q in spare:
        await q.ws.close()
    log("quiz client connected to replica %d too" % victim)

    quiz_supported = True
    progress_before = None
    pending_question = None
    reply = await quiz.request({"type": "quiz", "user": quiz.user}, "quiz_question")
    assert not unknown_type(reply), "the server does not speak the quiz protocol: %r" % reply
    if True:
        assert reply.get("type") == "quiz_question", reply
        # Two graded answers on X, then a third question left pending on X.
        for _ in range(2):
            text = await quiz.answer_text(reply["question"]["question"])
            result = await quiz.request({"type": "quiz_answer", "user": quiz.user, "text": text}, "quiz_result")
            assert result.get("type") == "quiz_result", result
            reply = await quiz.request({"type": "quiz", "user": quiz.user}, "quiz_question")
            assert reply.get("type") == "quiz_question", reply
        pending_question = reply["question"]
        progress_before = await quiz.request({"type": "progress", "user": quiz.user}, "progress")
        assert progress_before.get("type") == "progress", progress_before
        log("quiz progress on replica %d: reviews %s, seen %s; pending question %r" %
            (victim, progress_before.get("reviews"), progress_before.get("seen"), pending_question.get("question")))
        assert progress_before.get("reviews") == 2, progress_before

    # -- 3. kill X in the middle of the relay's and a loadgen run's work -------------------------
    loadgen_during = asyncio.get_running_loop().run_in_executor(
        None, run_loadgen, c, queries, ["-d", "4"])
    # The relay's users type a question every 50 ms for 2 s; the kill lands in the middle, with asks
    # in flight on X.
    def feed():
        for line in relay_in.splitlines(keepends=True):
            relay.stdin.write(line)
            relay.stdin.flush()
            time.sleep(0.05)
        relay.stdin.close()
    feeder = threading.Thread(target=feed)
    feeder.start()
    await asyncio.sleep(1.0)
    c.replicas[victim].send_signal(signal.SIGKILL)
    c.replicas[victim].wait(timeout=5)
    log("SIGKILL replica %d" % victim)
    await asyncio.get_running_loop().run_in_executor(None, feeder.join)

    during = await loadgen_during
    log("loadgen across the kill: %d asks, errors %s (connections on the killed replica die; loadgen "
        "does not reconnect)" % (during["asks"], during.get("errors")))

    def finish_relay():
        out = relay.stdout.read()  # until the relay exits: it answers everything or gives up after --timeout
        err = relay.stderr.read()
        relay.wait(timeout=10)
        return out, err
    out, err = await asyncio.get_running_loop().run_in_executor(None, finish_relay)
    answers = [line for line in out.splitlines() if line]
    errors = [line for line in answers if re.search(r"\t\[[a-z_]+\] ", line)]
    log("relay: exit %d, %d answers for %d asks, %d error replies; reconnect lines: %s" %
        (relay.returncode, len(answers), relay_in.count("\n"), len(errors),
         [l for l in err.splitlines() if "connection lost" in l][:2]))
    if relay.returncode != 0 or len(answers) != relay_in.count("\n") or errors:
        failures.append("relay lost or failed asks: rc %d, %d/%d, errors %s, stderr %s" %
                        (relay.returncode, len(answers), relay_in.count("\n"), errors[:3], err[-500:]))
    if "connection lost" not in err:
        failures.append("the relay never saw its replica die (it was on %d)" % victim)

    after = run_loadgen(c, queries, ["-n", "400", "-d", "0"])
    log("loadgen after the kill: %d asks, %.0f asks/s, errors %s" %
        (after["asks"], after.get("asks_per_s", 0), after.get("errors")))
    if after["asks"] < 400 or after.get("errors"):
        failures.append("asks failed after the kill: %s" % after)
    health = [http_get(c.nginx_port, "/healthz")[0] for _ in range(10)]
    if health != [200] * 10:
        failures.append("/healthz through nginx after the kill: %s" % health)

    # -- 4. the quiz continues on a survivor ----------------------------------------------------
    try:
        await quiz.request({"type": "progress", "user": quiz.user}, "progress")
        failures.append("the quiz connection to the killed replica still answers")
    except (websockets.exceptions.WebSocketException, OSError, asyncio.TimeoutError):
        pass
    await quiz.connect()
    survivors = {p: ws_open(p) for p in ports if p != victim}
    log("quiz client reconnected through nginx (survivors' open WebSockets: %s)" % survivors)
    if quiz_supported:
        progress_after = await quiz.request({"type": "progress", "user": quiz.user}, "progress")
        for key in ("total", "seen", "reviews", "correct", "boxes"):
            if progress_after.get(key) != progress_before.get(key):
                failures.append("quiz progress changed across the kill: %s %r → %r" %
                                (key, progress_before.get(key), progress_after.get(key)))
        # The question asked on X is still the one being answered.
        text = await quiz.answer_text(pending_question["question"])
        result = await quiz.request({"type": "quiz_answer", "user": quiz.user, "text": text}, "quiz_result")
        graded = result.get("question")
        graded_text = graded.get("question") if isinstance(graded, dict) else graded
        if result.get("type") != "quiz_result" or graded_text != pending_question["question"]:
            failures.append("the pending question was lost: asked %r on X, graded %r" %
                            (pending_question.get("question"), result))
        final = await quiz.request({"type": "progress", "user": quiz.user}, "progress")
        if final.get("reviews") != progress_before.get("reviews", 0) + 1:
            failures.append("progress after one more answer: %s" % final)
        log("quiz on the survivor: progress intact, pending question graded, reviews now %s" % final.get("reviews"))
    else:
        log("!" * 20 + " QUIZ CONTINUITY NOT CHECKED (quiz protocol not in this build) " + "!" * 20)
    await quiz.ws.close()
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qabot", required=True)
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--nginx", default="/usr/sbin/nginx")
    ap.add_argument("--source-dir", default=os.path.join(os.path.dirname(__file__), "../.."))
    args = ap.parse_args()
    for tool in (args.qabot, args.loadgen, args.nginx):
        if not os.access(tool, os.X_OK):
            print("scale-out: missing %s (scripts/install-deps.sh with QABOT_WITH_TEST_DEPS=1; build qabot and loadgen)" % tool)
            return 1

    c = Cluster(args)
    # SIGTERM (ctest's timeout) and SIGINT unwind through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        c.start_postgres()
        c.build_index()
        ports = [free_port() for _ in range(3)]
        for p in ports:
            c.start_replica(p)
        for p in ports:
            wait_until("replica %d" % p, lambda p=p: http_get(p, "/healthz")[0] == 200)
        log("3 replicas up on %s, sharing %s" % (ports, c.db))
        # Three replicas started at once on an empty database: the schema was migrated exactly once.
        versions = subprocess.run(["psql", c.state_uri, "-Atc", "SELECT version FROM qabot_schema ORDER BY version"],
                                  capture_output=True, text=True, timeout=20, check=True).stdout.split()
        # Each migration recorded once, in order (a race would record one twice or skip one).
        assert versions and versions == [str(v) for v in range(1, len(versions) + 1)], \
            "qabot_schema after three concurrent starts: %s" % versions
        c.start_nginx(ports)

        _, bank = http_get(c.nginx_port, "/api/questions")
        titles = [q["question"] for cat in json.loads(bank)["categories"] for q in cat["questions"]]
        queries = os.path.join(c.tmp, "queries.txt")
        with open(queries, "w") as f:
            f.write("\n".join(titles * 4) + "\n")

        failures = asyncio.run(asyncio.wait_for(scenario(c, queries), DEADLINE - time.monotonic()))
    except Exception:
        for name in sorted(os.listdir(c.tmp)):
            if name.endswith(".log"):
                with open(os.path.join(c.tmp, name)) as f:
                    tail = f.read()[-1500:]
                print("---- %s\n%s" % (name, tail))
        c.stop()
        raise
    c.stop()
    if failures:
        for f in failures:
            print("FAIL: " + f)
        return 1
    log("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
