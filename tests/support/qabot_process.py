"""Starting a real `qabot serve` for Python integration tests.

The server is started on port 0 and prints `listening on http://HOST:PORT/` once it accepts
connections; reading that line is how tests learn the port without racing the bind.
"""

import argparse
import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

READY_PREFIX = "listening on http://"


class ServerDidNotStart(RuntimeError):
    pass


def start_qabot(command, timeout=30.0):
    """Run `command` (a `qabot serve ... --port 0` argv); return (process, "host:port")."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            break
        if proc.poll() is not None:
            break
    if not line.startswith(READY_PREFIX):
        proc.kill()
        raise ServerDidNotStart("server did not print its address (got %r)" % line)
    return proc, line.strip()[len(READY_PREFIX):].rstrip("/")


def stop_qabot(proc, timeout=10.0):
    """Stop a server the way an operator does (SIGTERM: drain, then exit); kill it if it hangs."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def serve_bundled_notes(args, prefix):
    """Indexes the notes file `args.notes` into a bank in a new temporary directory and serves it
    (`args.qabot serve`, `args.synonyms`, port 0, no pacing); yields (directory, "host:port") and
    stops the server on the way out. Raises ServerDidNotStart."""
    with tempfile.TemporaryDirectory(prefix=prefix) as d:
        notes = os.path.join(d, "notes")
        os.mkdir(notes)
        shutil.copy(args.notes, notes)
        db = os.path.join(d, "qabot.db")
        subprocess.run([args.qabot, "index", notes, "--db", db], check=True, capture_output=True, timeout=60)
        proc, address = start_qabot([args.qabot, "serve", "--db", db, "--synonyms", args.synonyms,
                                     "--port", "0", "--pace-ms", "0"], timeout=20)
        try:
            yield d, address
        finally:
            stop_qabot(proc)


def bundled_notes_args():
    """The arguments CMake's qabot_add_python_test passes: --qabot, --notes, --synonyms."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--qabot", required=True)
    parser.add_argument("--notes", required=True)
    parser.add_argument("--synonyms", required=True)
    return parser.parse_args()
