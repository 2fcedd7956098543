"""Starting a real `qabot serve` for Python integration tests.

The server is started on port 0 and prints `listening on http://HOST:PORT/` once it accepts
connections; reading that line is how tests learn the port without racing the bind.
"""

import select
import signal
import subprocess
import sys
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
