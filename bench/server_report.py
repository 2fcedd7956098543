#!/usr/bin/env python3
"""Tables for docs/benchmarks.md and data files for bench/server_plots.gp, from bench/run.sh's runs.jsonl.

    bench/server_report.py RUNS.jsonl OUTDIR     (markdown on stdout, OUTDIR/*.dat for gnuplot)
"""
import json
import re
import statistics
import sys

runs = {}
order = []
for line in open(sys.argv[1]):
    j = json.loads(line)
    runs.setdefault(j["tag"], []).append(j["r"])
    order.append(j["tag"])
outdir = sys.argv[2]


def one(tag):
    return runs.get(tag, [None])[0]


def conns():
    out = []
    for t in order:
        m = re.fullmatch(r"echo c=(\d+)", t)
        if m and int(m.group(1)) not in out:
            out.append(int(m.group(1)))
    return out


def ms(us):
    return f"{us / 1000:.2f}"


print("### WebSocket asks against the echo ceiling (1 ask outstanding per connection)\n")
print("| connections | echo round trips/s | echo p50 / p99 ms | qabot asks/s `stream:false` | ratio | "
      "first byte p50 ms | complete p50 / p99 ms | qabot asks/s `stream:true` | ratio | complete p50 / p99 ms |")
print("|---|---|---|---|---|---|---|---|---|---|")
dat = open(f"{outdir}/conns.dat", "w")
dat.write("# conns echo_rps qabot_rps stream_rps echo_p50 echo_p99 qabot_p50 qabot_p99 stream_p50 stream_p99 (ms)\n")
for c in conns():
    e, q, s = one(f"echo c={c}"), one(f"qabot c={c}"), one(f"qabot stream c={c}")
    if not (e and q and s):
        continue
    print(f"| {c} | {e['asks_per_s']:,.0f} | {ms(e['complete']['p50_us'])} / {ms(e['complete']['p99_us'])} | "
          f"{q['asks_per_s']:,.0f} | **{q['asks_per_s'] / e['asks_per_s']:.1%}** | {ms(q['first_byte']['p50_us'])} | "
          f"{ms(q['complete']['p50_us'])} / {ms(q['complete']['p99_us'])} | {s['asks_per_s']:,.0f} | "
          f"{s['asks_per_s'] / e['asks_per_s']:.1%} | {ms(s['complete']['p50_us'])} / {ms(s['complete']['p99_us'])} |")
    dat.write(f"{c} {e['asks_per_s']:.0f} {q['asks_per_s']:.0f} {s['asks_per_s']:.0f} "
              f"{e['complete']['p50_us']/1000} {e['complete']['p99_us']/1000} {q['complete']['p50_us']/1000} "
              f"{q['complete']['p99_us']/1000} {s['complete']['p50_us']/1000} {s['complete']['p99_us']/1000}\n")
dat.close()
q16, e16, p16 = one("qabot c=16"), one("echo c=16"), one("echo padded c=16")
if q16 and e16:
    print(f"\nAt 16 connections: qabot replies {q16['reply_bytes_per_ask']:.0f} bytes per ask (result + done) to a "
          f"{q16['request_bytes']} byte ask; the echo returns the ask itself. CPU over the window: server "
          f"{q16.get('server_cpu_s', 0):.2f} s (echo {e16.get('server_cpu_s', 0):.2f} s), loadgen "
          f"{q16['loadgen_cpu_s']:.2f} s (echo run {e16['loadgen_cpu_s']:.2f} s), of {2 * q16['window_s']:.1f} "
          f"core-seconds. Server CPU per ask: qabot {1e6 * q16.get('server_cpu_s', 0) / max(1, q16['asks']):.0f} µs, "
          f"echo {1e6 * e16.get('server_cpu_s', 0) / max(1, e16['asks']):.0f} µs per round trip.")
if p16:
    print(f"Echo with frames padded to qabot's reply size ({p16['request_bytes']} bytes each way): "
          f"{p16['asks_per_s']:,.0f} round trips/s, p99 {ms(p16['complete']['p99_us'])} ms.")

print("\n### Latency against offered load (open loop, 16 connections)\n")
print("| offered asks/s | share of peak | achieved asks/s | first byte p50 ms | complete p50 / p90 / p99 / max ms | errors |")
print("|---|---|---|---|---|---|")
dat = open(f"{outdir}/rate.dat", "w")
dat.write("# offered achieved p50 p90 p99 (ms)\n")
for t in order:
    m = re.fullmatch(r"qabot rate=([\d.]+)", t)
    if not m:
        continue
    r = one(t)
    c = r["complete"]
    print(f"| {r['rate_target']:,.0f} | {float(m.group(1)):.0%} | {r['asks_per_s']:,.0f} | {ms(r['first_byte']['p50_us'])} | "
          f"{ms(c['p50_us'])} / {ms(c['p90_us'])} / {ms(c['p99_us'])} / {ms(c['max_us'])} | {r['errors'] or '—'} |")
    dat.write(f"{r['rate_target']:.0f} {r['asks_per_s']:.0f} {c['p50_us']/1000} {c['p90_us']/1000} {c['p99_us']/1000}\n")
dat.close()

h, a = one("wrk healthz"), one("wrk api_ask")
if h and a:
    print("\n### HTTP (wrk, 1 thread, 16 connections)\n")
    print("| request | requests/s | p50 | p99 | non-2xx |")
    print("|---|---|---|---|---|")
    print(f"| `GET /healthz` | {h['rps']:,.0f} | {h['p50']} | {h['p99']} | {h['non2xx']} |")
    print(f"| `POST /api/ask` (5,000 distinct queries) | {a['rps']:,.0f} | {a['p50']} | {a['p99']} | {a['non2xx']} |")
    print(f"\nRatio `/api/ask` / `/healthz`: **{a['rps'] / h['rps']:.1%}**")

iq, ie = one("idle qabot"), one("idle echo")
if iq:
    print("\n### Idle WebSocket connections\n")
    print("| server | connections open | server RSS base → loaded | per connection | connect time |")
    print("|---|---|---|---|---|")
    for name, r in (("qabot", iq), ("echo", ie)):
        if r and "server_rss_base_kb" in r:
            print(f"| {name} | {r['connected']:,} / {r['connections']:,} | {r['server_rss_base_kb'] / 1024:.1f} → "
                  f"{r['server_rss_loaded_kb'] / 1024:.1f} MB | {r['server_kb_per_connection']:.1f} KB | {r['connect_s']:.2f} s |")

ix, st = one("index 100k"), runs.get("startup 100k", [])
if ix or st:
    print("\n### 100k generated questions\n")
    if ix:
        print(f"- index build: **{ix['seconds']:.1f} s** (index file {ix['db_bytes'] / 1e6:.0f} MB)")
    if st:
        v = [r["ready_ms"] for r in st]
        print(f"- start-up, exec to `GET /healthz` 200: **{statistics.median(v):.0f} ms** median of {len(v)} "
              f"({', '.join(f'{x:.0f}' for x in v)} ms); RSS when ready {st[0]['server_rss_kb'] / 1024:.0f} MB")
    ss = one("startup seed")
    if ss:
        print(f"- the same for the bundled 24-question index: {ss['ready_ms']:.0f} ms")
    for c in (16, 64):
        r = one(f"qabot100k c={c}")
        if r:
            print(f"- WebSocket `stream:false`, {c} connections: {r['asks_per_s']:,.0f} asks/s, complete p50 "
                  f"{ms(r['complete']['p50_us'])} ms, p99 {ms(r['complete']['p99_us'])} ms, errors {r['errors'] or 'none'}")
