#!/usr/bin/python3
"""Index faults against the real `qabot` binary (issue 8, part 5).

A corrupt, truncated, wrong-version or missing index, a read-only output directory and a disk that
fills up during indexing (RLIMIT_FSIZE in the child: the kernel then fails the write with EFBIG, and
qabot must ignore SIGXFSZ to see it) must each give a clear error — what, which file, what to do —
and a non-zero exit, and leave the previous index intact. A `serve --watch` whose re-index fails
keeps serving the old index, says so in its log and /metrics, and reloads once the cause is gone. A
`serve --watch` replica refuses a broken index file moved over its own and adopts a good one.

Run by CTest (label integration); about 10 s. Exit 0 = all passed, 1 = a failure (printed).
"""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from qabot_process import ServerDidNotStart, start_qabot, stop_qabot  # noqa: E402


NOBODY = 65534
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message, file=sys.stderr)
    return condition


def run(args, fsize=None, as_nobody=False, timeout=60, binary=None):
    """Runs qabot (or `binary`, a copy of it); returns (exit code, stdout, stderr)."""
    def limit():
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        if as_nobody and os.geteuid() == 0:
            # root ignores directory permissions: a read-only directory only means something to others.
            os.setgid(NOBODY)
            os.setuid(NOBODY)
    p = subprocess.run([binary or QABOT] + args, capture_output=True, text=True, timeout=timeout, preexec_fn=limit)
    return p.returncode, p.stdout, p.stderr


def question_count(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT count(*) FROM questions").fetchone()[0]
    finally:
        con.close()


def answers_bn(db):
    rc, out, err = run(["ask", "--db", db, "--synonyms", SYNONYMS, "BN有什么作用"])
    return rc == 0 and "加速训练" in out


def expect_failure(what, rc, err, db, *words):
    check(rc not in (0, None) and rc > 0, "%s: exit code %r, expected a non-zero exit" % (what, rc))
    check(os.path.basename(db) in err, "%s: the error does not name %s: %r" % (what, db, err))
    for w in words:
        check(w in err, "%s: the error does not say %r: %r" % (what, w, err))
    check("terminate called" not in err and "Aborted" not in err, "%s: crashed: %r" % (what, err))


def expect_intact(what, db, count, size=None):
    check(os.path.exists(db), "%s: %s is gone" % (what, db))
    check(question_count(db) == count, "%s: %s no longer has %d questions" % (what, db, count))
    check(answers_bn(db), "%s: %s no longer answers BN有什么作用" % (what, db))
    if size is not None:
        check(os.path.getsize(db) == size, "%s: %s changed size" % (what, db))
    leftovers = [f for f in os.listdir(os.path.dirname(db)) if ".tmp-" in f or "reload-tmp" in f]
    check(not leftovers, "%s: temporary files left behind: %r" % (what, leftovers))


def big_notes(path, questions=3000):
    """A note file large enough to push an index past a small file size limit."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("# 大文件\n\n")
        for i in range(questions):
            f.write("## 问题 %d 关于 topic%d 的解释是什么\n\n答案 %d：%s\n\n" % (i, i, i, "内容 filler text " * 20))


def serve_args(db, *extra):
    return ["serve", "--db", db, "--synonyms", SYNONYMS, "--port", "0", "--log-level", "info"] + list(extra)


def start_failing_serve(what, db, *extra, fsize=None):
    rc, out, err = run(serve_args(db, *extra), fsize=fsize, timeout=20)
    check("listening on" not in out, "%s: the server started" % what)
    return rc, err


def test_corrupt(d, good, count):
    db = os.path.join(d, "corrupt.db")
    with open(db, "wb") as f:
        f.write(os.urandom(64 * 1024))
    size = os.path.getsize(db)
    rc, err = start_failing_serve("serve a corrupt index", db)
    expect_failure("serve a corrupt index", rc, err, db, "rebuild it with `qabot index")
    rc, out, err = run(["ask", "--db", db, "BN有什么作用"])
    expect_failure("ask a corrupt index", rc, err, db)
    rc, out, err = run(["index", NOTES, "--db", db])
    expect_failure("index over a file that is not an index", rc, err, db, "refusing to replace", "delete it")
    check(os.path.getsize(db) == size, "index over a corrupt file changed it")


def test_truncated(d, good, count):
    db = os.path.join(d, "truncated.db")
    shutil.copy(good, db)
    with open(db, "r+b") as f:
        f.truncate(os.path.getsize(good) // 2)
    rc, err = start_failing_serve("serve a truncated index", db)
    expect_failure("serve a truncated index", rc, err, db, "rebuild it with `qabot index")
    # Indexing again either rebuilds it (a damaged qabot index) or refuses clearly; never half-works.
    rc, out, err = run(["index", NOTES, "--db", db])
    if rc == 0:
        expect_intact("re-index a truncated index", db, count)
    else:
        expect_failure("re-index a truncated index", rc, err, db, "delete it")


def test_wrong_version(d, good, count):
    db = os.path.join(d, "version.db")
    shutil.copy(good, db)
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    rc, err = start_failing_serve("serve a version 99 index", db)
    expect_failure("serve a version 99 index", rc, err, db, "schema version 99", "rebuild it with `qabot index")
    rc, out, err = run(["ask", "--db", db, "BN有什么作用"])
    expect_failure("ask a version 99 index", rc, err, db, "schema version 99")
    rc, out, err = run(["index", NOTES, "--db", db])
    check(rc == 0, "index over a version 99 index: exit %r: %s" % (rc, err))
    expect_intact("index over a version 99 index", db, count)


def test_missing(d, good, count):
    db = os.path.join(d, "missing.db")
    rc, err = start_failing_serve("serve a missing index", db)
    expect_failure("serve a missing index", rc, err, db, "build one with `qabot index")
    rc, out, err = run(["index", os.path.join(d, "no-such-notes"), "--db", db])
    check(rc != 0 and "no-such-notes" in err, "index of missing notes: exit %r: %r" % (rc, err))
    check(not os.path.exists(db), "index of missing notes created %s" % db)


def test_read_only_directory(d, good, count):
    ro = os.path.join(d, "ro")
    os.mkdir(ro)
    db = os.path.join(ro, "q.db")
    shutil.copy(good, db)
    notes = os.path.join(d, "ro-notes")
    shutil.copytree(NOTES, notes)
    with open(os.path.join(notes, "extra.md"), "w", encoding="utf-8") as f:
        f.write("# 新\n\n## 只读目录里的新问题\n\n答案。\n")
    for path in (d, notes):
        os.chmod(path, 0o755)
    for root, dirs, files in os.walk(notes):
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    os.chmod(db, 0o644)
    os.chmod(ro, 0o555)
    size = os.path.getsize(db)
    # The dropped user runs a copy of the binary from inside d: the checkout may live where nobody
    # cannot enter (/root is mode 700 on a fresh Debian), and the test must not depend on that.
    binary = os.path.join(d, "qabot-as-nobody")
    shutil.copy(QABOT, binary)
    os.chmod(binary, 0o755)
    try:
        rc, out, err = run(["index", notes, "--db", db], as_nobody=True, binary=binary)
        expect_failure("index into a read-only directory", rc, err, db, "writable")
    finally:
        os.chmod(ro, 0o755)
    expect_intact("index into a read-only directory", db, count, size)


def test_disk_full(d, good, count):
    notes = os.path.join(d, "full-notes")
    shutil.copytree(NOTES, notes)
    big_notes(os.path.join(notes, "big.md"))
    # Room for copies of the small index and a little growth, not for the big notes' index (~5 MB).
    limit = os.path.getsize(good) + 1024 * 1024
    # Over an existing index: the old one stays.
    full = os.path.join(d, "full")
    os.mkdir(full)
    db = os.path.join(full, "q.db")
    shutil.copy(good, db)
    size = os.path.getsize(db)
    rc, out, err = run(["index", notes, "--db", db], fsize=limit)
    expect_failure("index with the disk filling up", rc, err, db, "File too large", "free some disk space",
                   "previous index is unchanged")
    expect_intact("index with the disk filling up", db, count, size)
    # No index yet: nothing half-written is left behind.
    fresh = os.path.join(full, "fresh.db")
    rc, out, err = run(["index", notes, "--db", fresh], fsize=limit)
    expect_failure("first index with the disk filling up", rc, err, fresh, "disk")
    check(not os.path.exists(fresh), "a half-written %s was left behind" % fresh)
    # `serve --notes` indexes first when the index is missing: same error, no server.
    rc, err = start_failing_serve("serve indexing first with the disk filling up", fresh, "--notes", notes,
                                  fsize=limit)
    expect_failure("serve indexing first with the disk filling up", rc, err, fresh, "disk")
    # The limit was what failed: without it the same notes index fine.
    rc, out, err = run(["index", notes, "--db", db])
    check(rc == 0 and question_count(db) > count, "index without the limit: exit %r: %s" % (rc, err))


def http_get(address, path):
    host, port = address.rsplit(":", 1)
    con = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        con.request("GET", path)
        r = con.getresponse()
        return r.status, r.read().decode("utf-8")
    finally:
        con.close()


def ask_http(address, text):
    host, port = address.rsplit(":", 1)
    con = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        con.request("POST", "/api/ask", body=json.dumps({"text": text}).encode(),
                    headers={"Content-Type": "application/json"})
        r = con.getresponse()
        return r.status, json.loads(r.read().decode("utf-8"))
    finally:
        con.close()


def reloads(address):
    status, text = http_get(address, "/metrics")
    found = dict(re.findall(r'qabot_reloads_total\{result="(\w+)"\} (\d+)', text))
    return int(found.get("ok", 0)), int(found.get("failed", 0))


def wait_for(predicate, timeout=60.0):
    """Polls until predicate() holds; generous because sanitizer builds on a busy machine are slow."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_watch_keeps_serving(d, good, count):
    notes = os.path.join(d, "watch-notes")
    shutil.copytree(NOTES, notes)
    db = os.path.join(d, "watch.db")
    shutil.copy(good, db)
    log_path = os.path.join(d, "watch.log")
    limit = os.path.getsize(good) + 1024 * 1024
    log = open(log_path, "w")

    def limit_child():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.Popen([QABOT] + serve_args(db, "--notes", notes, "--watch"), stdout=subprocess.PIPE,
                            stderr=log, text=True, preexec_fn=limit_child)
    try:
        line = proc.stdout.readline()
        check(line.startswith("listening on http://"), "watch server did not start: %r" % line)
        address = line.strip()[len("listening on http://"):].rstrip("/")

        # The notes change into something whose index cannot be written (bigger than the limit).
        big_notes(os.path.join(notes, "big.md"))
        check(wait_for(lambda: reloads(address)[1] >= 1), "no failed reload in /metrics after the big note")
        status, health = http_get(address, "/healthz")
        check(status == 200 and json.loads(health)["questions"] == count,
              "after a failed reload /healthz says %r" % health)
        status, body = ask_http(address, "BN有什么作用")
        check(status == 200 and body["matched"] and "加速训练" in body["answer"],
              "after a failed reload BN is not answered: %r" % body)
        check(proc.poll() is None, "the server died after a failed reload")
        def log_text():
            with open(log_path, encoding="utf-8") as f:
                return f.read()
        def explained():
            text = log_text()
            return "re-index failed, still serving the previous index" in text and "File too large" in text
        check(wait_for(explained, timeout=10),
              "the log does not explain the failed reload: %r" % log_text()[-2000:])
        check(question_count(db) == count, "a failed reload changed the index on disk")

        # The cause goes away (and one new question arrives): the next change reloads.
        os.remove(os.path.join(notes, "big.md"))
        with open(os.path.join(notes, "new.md"), "w", encoding="utf-8") as f:
            f.write("# 新\n\n## 修好之后才出现的问题是什么\n\n磁盘空间回来了。\n")
        if not check(wait_for(lambda: reloads(address)[0] >= 1), "no successful reload once the cause was fixed"):
            log.flush()
            with open(log_path, encoding="utf-8") as f:
                print(f.read()[-3000:], file=sys.stderr)
        check(wait_for(lambda: json.loads(http_get(address, "/healthz")[1])["questions"] == count + 1),
              "the fixed notes were not served")
        status, body = ask_http(address, "修好之后才出现的问题是什么")
        check(status == 200 and body["matched"], "the new question is not answered: %r" % body)
    finally:
        stop_qabot(proc)
        log.close()
    leftovers = [f for f in os.listdir(d) if "watch.db." in f]
    check(not leftovers, "temporary files left behind by the watcher: %r" % leftovers)


def test_index_file_replaced(d, good, count):
    """A replica rolled to a new index: `mv new.db qabot.db` under `serve --watch` (no --notes). A
    replacement that does not open is refused and the old index keeps serving; a good one is adopted."""
    db = os.path.join(d, "replica.db")
    shutil.copy(good, db)
    log_path = os.path.join(d, "replica.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([QABOT] + serve_args(db, "--watch"), stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = proc.stdout.readline()
        check(line.startswith("listening on http://"), "replica did not start: %r" % line)
        address = line.strip()[len("listening on http://"):].rstrip("/")

        # A broken file moved into place (a copy cut short): refused, the old index keeps answering.
        broken = os.path.join(d, "broken.db.part")
        with open(good, "rb") as src, open(broken, "wb") as dst:
            dst.write(src.read()[: os.path.getsize(good) // 3])
        os.replace(broken, db)
        check(wait_for(lambda: reloads(address)[1] >= 1), "a truncated index moved into place was not refused")
        status, body = ask_http(address, "BN有什么作用")
        check(status == 200 and body["matched"] and "加速训练" in body["answer"],
              "after a refused replacement BN is not answered: %r" % body)
        check(json.loads(http_get(address, "/healthz")[1])["questions"] == count,
              "a refused replacement changed the bank size")

        # A good new index (one more question) moved into place: adopted without a restart.
        notes = os.path.join(d, "rollout-notes")
        shutil.copytree(NOTES, notes)
        with open(os.path.join(notes, "rollout.md"), "w", encoding="utf-8") as f:
            f.write("# 发布\n\n## 新索引上线后才有的问题是什么\n\n换文件就行。\n")
        staged = os.path.join(d, "replica.db.new")
        rc, out, err = run(["index", notes, "--db", staged])
        check(rc == 0, "cannot build the new index: " + err)
        os.replace(staged, db)
        check(wait_for(lambda: json.loads(http_get(address, "/healthz")[1])["questions"] == count + 1),
              "the new index file was not adopted")
        status, body = ask_http(address, "新索引上线后才有的问题是什么")
        check(status == 200 and body["matched"], "the new index's question is not answered: %r" % body)
        check(reloads(address)[0] >= 1, "the adoption is not counted in /metrics")
        check(proc.poll() is None, "the replica died during the rollout")
    finally:
        stop_qabot(proc)
        log.close()


def test_serve_paths_indexes_and_watches(d, good, count):
    """`qabot serve NOTES…`: a stale index is brought up to date before serving, and the notes are watched."""
    notes = os.path.join(d, "own-notes")
    shutil.copytree(NOTES, notes)
    db = os.path.join(d, "own.db")
    shutil.copy(good, db)  # an index of the notes as they were
    with open(os.path.join(notes, "added.md"), "w", encoding="utf-8") as f:
        f.write("## 布隆过滤器是什么\n\n一种概率型数据结构，判断元素一定不存在或可能存在。\n")
    try:
        proc, address = start_qabot([QABOT, "serve", notes] + serve_args(db)[1:])
    except ServerDidNotStart as e:
        check(False, "serve NOTES did not start: %s" % e)
        return
    try:
        status, health = http_get(address, "/healthz")
        check(status == 200 and json.loads(health)["questions"] == count + 1,
              "serve NOTES served a stale index: %r" % health)
        status, text = http_get(address, "/api/report")
        report = json.loads(text) if status == 200 else {}
        check(status == 200 and report.get("totals", {}).get("files") == 2 and
              {f["status"] for f in report.get("files", [])} <= {"parsed", "unchanged"} and
              all(not f["path"].startswith("/") for f in report.get("files", [])),
              "GET /api/report after serve NOTES: %r %r" % (status, text[:300]))
        status, body = ask_http(address, "布隆过滤器是什么")
        check(status == 200 and body["matched"] and "概率型" in body["answer"],
              "a note added before start is not answered: %r" % body)
        with open(os.path.join(notes, "later.md"), "w", encoding="utf-8") as f:
            f.write("## 一致性哈希有什么用\n\n节点增减时只迁移少量数据。\n")
        check(wait_for(lambda: json.loads(http_get(address, "/healthz")[1])["questions"] == count + 2),
              "serve NOTES does not watch its notes: a new file was not indexed")
        status, body = ask_http(address, "一致性哈希有什么用")
        check(status == 200 and body["matched"], "a note added while serving is not answered: %r" % body)
    finally:
        stop_qabot(proc)


def main():
    global QABOT, NOTES, SYNONYMS
    parser = argparse.ArgumentParser()
    parser.add_argument("--qabot", required=True)
    parser.add_argument("--notes", required=True, help="the bundled notes file")
    parser.add_argument("--synonyms", required=True)
    args = parser.parse_args()
    QABOT, SYNONYMS = os.path.abspath(args.qabot), os.path.abspath(args.synonyms)
    with tempfile.TemporaryDirectory(prefix="qabot-faults-") as d:
        NOTES = os.path.join(d, "notes")
        os.mkdir(NOTES)
        shutil.copy(args.notes, NOTES)
        good = os.path.join(d, "good.db")
        rc, out, err = run(["index", NOTES, "--db", good])
        if rc != 0:
            print("FAIL: cannot build the reference index: " + err, file=sys.stderr)
            return 1
        count = question_count(good)
        for test in (test_corrupt, test_truncated, test_wrong_version, test_missing, test_read_only_directory,
                     test_disk_full, test_watch_keeps_serving, test_index_file_replaced,
                     test_serve_paths_indexes_and_watches):
            before = len(failures)
            started = time.monotonic()
            test(d, good, count)
            print("%s %s (%.1f s)" % ("ok  " if len(failures) == before else "FAIL", test.__name__,
                                      time.monotonic() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
