#!/usr/bin/python3
"""Throughput through nginx with 1 and 3 replicas, and straight to one replica, on this machine.

    bench/scale_out.py [--qabot build/qabot] [--loadgen build/bench/loadgen]
                       [--generate-bank build/bench/generate_bank] [-c 16] [-d 5] [--rounds 2]

Same set-up as tests/deploy/scale_out_test.py (its Cluster class: a throwaway PostgreSQL, one index of
data/, replicas with --state postgres://…, nginx running deploy/nginx.conf), all on 127.0.0.1. The
three set-ups are measured in turn, `--rounds` times, with the same query file (5,000 generated
queries, seed 7, as bench/run.sh) and the same connection count; prints a markdown table. Replicas run
with `--rate-limit 0 --pace-ms 0` and one I/O thread per core, as bench/run.sh does.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../tests/deploy"))
import scale_out_test as so  # noqa: E402


def loadgen(args, port, queries):
    out = subprocess.run([args.loadgen, "--port", str(port), "--queries", queries, "-c", str(args.c),
                          "-d", str(args.d), "--json"], capture_output=True, text=True, timeout=120)
    return so.json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.join(HERE, "..")
    ap.add_argument("--qabot", default=os.path.join(root, "build/qabot"))
    ap.add_argument("--loadgen", default=os.path.join(root, "build/bench/loadgen"))
    ap.add_argument("--generate-bank", default=os.path.join(root, "build/bench/generate_bank"))
    ap.add_argument("--nginx", default="/usr/sbin/nginx")
    ap.add_argument("-c", type=int, default=16, help="connections")
    ap.add_argument("-d", type=float, default=5, help="seconds per run")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    args.source_dir = root

    c = so.Cluster(args)
    try:
        c.start_postgres()
        c.build_index()
        queries = os.path.join(c.tmp, "queries.txt")
        with open(queries, "w") as f:
            subprocess.run([args.generate_bank, "--queries", "5000", "--seed", "7", "--bank-size", "24"],
                           stdout=f, check=True)
        ports = [so.free_port() for _ in range(3)]
        for p in ports:
            c.start_replica(p, threads=os.cpu_count())
        for p in ports:
            so.wait_until("replica", lambda p=p: so.http_get(p, "/healthz")[0] == 200)

        results = {"direct to one replica": [], "nginx → 1 replica": [], "nginx → 3 replicas": []}
        for r in range(args.rounds):
            so.log("round %d" % (r + 1))
            results["direct to one replica"].append(loadgen(args, ports[0], queries))
            c.start_nginx(ports[:1])
            results["nginx → 1 replica"].append(loadgen(args, c.nginx_port, queries))
            c.stop_nginx()
            c.start_nginx(ports)
            results["nginx → 3 replicas"].append(loadgen(args, c.nginx_port, queries))
            c.stop_nginx()
    finally:
        c.stop()

    print("\n| set-up (%d connections, closed loop, %g s × %d rounds) | asks/s per round | complete p50 ms | p99 ms | errors |"
          % (args.c, args.d, args.rounds))
    print("|---|---|---|---|---|")
    for name, runs in results.items():
        rates = ", ".join("%.0f" % x["asks_per_s"] for x in runs)
        p50 = statistics.median(x["complete"]["p50_us"] for x in runs) / 1000
        p99 = statistics.median(x["complete"]["p99_us"] for x in runs) / 1000
        errors = sum(sum(x.get("errors", {}).values()) for x in runs)
        print("| %s | %s | %.2f | %.2f | %d |" % (name, rates, p50, p99, errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
