#!/usr/bin/python3
"""Images from the notes over a real socket (issue 23, item 5): a bank indexed from
tests/fixtures/note-images (plus a symlink out of the notes folder made here), served by
`qabot serve --db` without note paths, so the roots come from the bank itself. An answer's
HTML points its image at /notes/…, which is served with cache headers and revalidated with 304;
a text file named .png, a missing image, a link that leaves the root, an image no note references
and every traversal trick get the same 404. The coverage report names the broken images.

Run by CTest (label integration); about 2 s. Exit 0 = passed, 1 = a failure (printed).
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from qabot_process import ServerDidNotStart, start_qabot, stop_qabot  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "fixtures", "note-images")
IMAGE = "/notes/notes/ml/images/receptive-field.png"
REFUSED = [
    "/notes/notes/ml/images/fake.png",       # text named .png
    "/notes/notes/ml/images/missing.png",    # referenced, not there
    "/notes/notes/ml/images/escape.png",     # referenced, a symlink out of the root
    "/notes/notes/private/photo.png",        # a real image no note references
    "/notes/notes/ml/images/../../private/photo.png",
    "/notes/notes/ml/images/%2e%2e/%2e%2e/private/photo.png",
    "/notes/notes/ml%2fimages%2freceptive-field.png",
    "/notes/notes/ml%5cimages%5creceptive-field.png",
    "/notes/notes//ml/images/receptive-field.png",
    "/notes/notes/ml/images/receptive-field.png%00",
    "/notes/outside/secret.png",
    "/notes/notes/cnn.md",
    "/notes/notes/ml/cnn.md",
]


def request(address, method, path, body=None, headers=None):
    host, port = address.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


def make_notes(d):
    """The fixture's notes under d/notes, a secret image outside them and a link to it inside."""
    notes = os.path.join(d, "notes")
    for part in ("ml", "private"):
        shutil.copytree(os.path.join(FIXTURE, part), os.path.join(notes, part))
    os.mkdir(os.path.join(d, "outside"))
    shutil.copy(os.path.join(FIXTURE, "ml", "images", "receptive-field.png"), os.path.join(d, "outside", "secret.png"))
    os.symlink(os.path.join(d, "outside", "secret.png"), os.path.join(notes, "ml", "images", "escape.png"))
    return notes


def check_report(report_path, failures):
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    cnn = [f for f in report["files"] if f["path"] == "notes/ml/cnn.md"]
    if not cnn or cnn[0]["status"] != "parsed" or cnn[0]["questions"] != 2:
        failures.append("cnn.md was not indexed with its two questions: %r" % cnn)
        return
    reason = cnn[0].get("reason", "")
    for expected in ("images/fake.png: not an image", "images/missing.png: missing",
                     "images/escape.png: a link that leaves its indexed folder"):
        if expected not in reason:
            failures.append("the report does not say %r (reason: %r)" % (expected, reason))
    if "receptive-field" in reason or "example.com" in reason:
        failures.append("the report names an image that is fine: %r" % reason)


def check_answer(address, failures):
    status, _, body = request(address, "POST", "/api/ask", json.dumps({"text": "什么是感受野"}),
                              {"Content-Type": "application/json"})
    html = json.loads(body).get("html", "") if status == 200 else ""
    if 'src="%s"' % IMAGE not in html:
        failures.append("the answer's image does not point at %s: %r" % (IMAGE, html))


def check_image(address, failures):
    with open(os.path.join(FIXTURE, "ml", "images", "receptive-field.png"), "rb") as f:
        png = f.read()
    status, headers, body = request(address, "GET", IMAGE)
    if status != 200 or body != png:
        failures.append("GET %s: %d, %d bytes" % (IMAGE, status, len(body)))
        return
    expected = {"content-type": "image/png", "x-content-type-options": "nosniff",
                "cache-control": "public, max-age=3600"}
    for name, value in expected.items():
        if headers.get(name) != value:
            failures.append("GET %s: %s is %r, not %r" % (IMAGE, name, headers.get(name), value))
    etag = headers.get("etag", "")
    if not re.fullmatch(r'"[^"]+"', etag) or not headers.get("last-modified", "").endswith("GMT"):
        failures.append("GET %s: no ETag/Last-Modified: %r" % (IMAGE, headers))
    status, headers, body = request(address, "GET", IMAGE, headers={"If-None-Match": etag})
    if status != 304 or body:
        failures.append("If-None-Match with the ETag: %d, not 304 without a body" % status)
    status, headers, body = request(address, "HEAD", IMAGE)
    if status != 200 or body or headers.get("content-length") != str(len(png)):
        failures.append("HEAD %s: %d, %r" % (IMAGE, status, headers))
    status, headers, _ = request(address, "POST", IMAGE)
    if status != 405 or headers.get("allow") != "GET, HEAD":
        failures.append("POST %s: %d, not 405" % (IMAGE, status))


def check_refusals(address, failures):
    _, _, not_found = request(address, "GET", "/no-such-page")
    for path in REFUSED:
        status, headers, body = request(address, "GET", path)
        if status != 404 or body != not_found:
            failures.append("GET %s: %d %r, not the plain 404" % (path, status, body[:80]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--qabot", required=True)
    parser.add_argument("--notes")  # the bundled notes, unused: this test brings its own
    parser.add_argument("--synonyms", required=True)
    args = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="qabot-images-") as d:
        notes = make_notes(d)
        db, report = os.path.join(d, "qabot.db"), os.path.join(d, "report.json")
        indexed = subprocess.run([args.qabot, "index", notes, "--db", db, "--report", report],
                                 capture_output=True, text=True, timeout=60)
        if indexed.returncode != 0:
            failures.append("qabot index exited %d: %s" % (indexed.returncode, indexed.stderr))
        check_report(report, failures)
        try:
            proc, address = start_qabot([args.qabot, "serve", "--db", db, "--synonyms", args.synonyms,
                                         "--port", "0", "--pace-ms", "0", "--no-gaps-log"], timeout=20)
        except ServerDidNotStart as error:
            print("FAIL: " + str(error), file=sys.stderr)
            return 1
        try:
            check_answer(address, failures)
            check_image(address, failures)
            check_refusals(address, failures)
            status, _, body = request(address, "GET", "/api/report")
            if status != 200 or "images/fake.png: not an image" not in body.decode("utf-8"):
                failures.append("GET /api/report does not name the broken image (%d)" % status)
        finally:
            stop_qabot(proc)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
