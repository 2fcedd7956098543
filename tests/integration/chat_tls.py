#!/usr/bin/python3
"""`qabot chat wss://…` through a TLS terminator: the server speaks plain WebSocket, so this test puts
a small TLS proxy in front of it (Python's ssl with a throwaway self-signed certificate for
localhost and 127.0.0.1, made here with openssl). With `--cafile` the chat verifies the certificate,
sends SNI for a name (not for an IP address) and gets its answer; without it the system store does
not know the certificate and the chat stops at once with a certificate error, not a hang.

Run by CTest (label integration); about 2 s. Exit 0 = passed, 1 = a failure (printed).
"""
import os
import select
import socket
import ssl
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from qabot_process import ServerDidNotStart, bundled_notes_args, serve_bundled_notes  # noqa: E402

IDLE_SECONDS = 20  # a proxied connection with no traffic for this long is closed


def make_certificate(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class TlsTerminator:
    """Accepts TLS on 127.0.0.1:0 and relays the decrypted bytes to `backend` ("host:port")."""

    def __init__(self, cert, key, backend):
        self.backend = backend.rsplit(":", 1)
        self.server_names = []  # SNI of every handshake (None when the client sent none)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()

    def accept_loop(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self.relay, args=(conn,), daemon=True).start()

    def relay(self, conn):
        conn.settimeout(IDLE_SECONDS)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()  # e.g. the client refused the certificate
            return
        with tls, socket.create_connection((self.backend[0], int(self.backend[1])), timeout=IDLE_SECONDS) as plain:
            try:
                pump(tls, plain)
            except (ssl.SSLError, OSError):
                pass

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()


def pump(tls, plain):
    while True:
        # Bytes already decrypted wait inside the TLS object, where select cannot see them.
        ready = [tls] if tls.pending() else select.select([tls, plain], [], [], IDLE_SECONDS)[0]
        if not ready:
            return
        for source in ready:
            data = source.recv(65536)
            if not data:
                return
            (plain if source is tls else tls).sendall(data)


def chat(qabot, url, extra, typed):
    """Runs `qabot chat`; returns (exit code, stdout, stderr), or None when it hung."""
    try:
        done = subprocess.run([qabot, "chat", url] + extra, input=typed, text=True, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return None
    return done.returncode, done.stdout, done.stderr


def check(args, terminator, cert, failures):
    port = terminator.port
    for host in ("127.0.0.1", "localhost"):
        url = "wss://%s:%d/ws" % (host, port)
        ran = chat(args.qabot, url, ["--cafile", cert], "BN有什么作用\n")
        if ran is None:
            failures.append("%s --cafile: chat hung" % url)
        elif ran[0] != 0 or "加速训练" not in ran[1]:
            failures.append("%s --cafile: exit %d, no answer; stderr: %s" % (url, ran[0], ran[2]))
    if terminator.server_names[:2] != [None, "localhost"]:
        failures.append("SNI: expected none for 127.0.0.1, then localhost; got %r" % terminator.server_names)

    ran = chat(args.qabot, "wss://127.0.0.1:%d/ws" % port, [], "BN有什么作用\n")
    if ran is None:
        failures.append("without --cafile: chat hung instead of refusing the certificate")
    elif ran[0] == 0 or "certificate verify failed" not in ran[2] or "--cafile" not in ran[2]:
        failures.append("without --cafile: expected a certificate error, got exit %d: %s" % (ran[0], ran[2]))

    ran = chat(args.qabot, "wss://user@127.0.0.1:%d/ws" % port, ["--cafile", cert], "")
    if ran is None or ran[0] == 0 or "not a ws:// or wss:// URL" not in ran[2]:
        failures.append("a URL with user info was not refused clearly: %r" % (ran,))


def main():
    args = bundled_notes_args()
    failures = []
    try:
        with serve_bundled_notes(args, "qabot-chat-tls-") as (d, address):
            cert, key = make_certificate(d)
            terminator = TlsTerminator(cert, key, address)
            try:
                check(args, terminator, cert, failures)
            finally:
                terminator.stop()
    except ServerDidNotStart as error:
        print("FAIL: " + str(error), file=sys.stderr)
        return 1
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
