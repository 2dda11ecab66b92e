"""Test helpers for the web API tests: start web_harness, send it commands,
speak HTTP and a minimal WebSocket client (RFC 6455) over real sockets.
Python 3 standard library only."""

import base64
import hashlib
import http.client
import json
import os
import select
import socket
import struct
import subprocess
import time

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Harness:
    """One web_harness process on 127.0.0.1 with an ephemeral port."""

    def __init__(self, binary, *flags):
        self.proc = subprocess.Popen(
            [binary, "--port", "0", *flags],
            # stderr (logs, sanitizer reports) goes to the test's own output.
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
            text=True, encoding="utf-8", bufsize=1)
        line = self._read_line(timeout=30)
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError(f"harness did not start: {line!r}")
        self.port = int(line.split()[1])

    def _read_line(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from the harness")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                line = self.proc.stdout.readline()
                if line == "":
                    raise RuntimeError("harness exited")
                return line.rstrip("\n")

    def command(self, line, timeout=10):
        """Sends one command; returns the reply's words after "ok"."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self._read_line(timeout)
        if not reply.startswith("ok"):
            raise RuntimeError(f"harness: {line!r} -> {reply!r}")
        return reply[3:]

    def metrics(self):
        return json.loads(self.command("metrics").split(" ", 1)[1])

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            f.close()
        return self.proc.returncode


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def json(self):
        return json.loads(self.body)


def request(port, method, path, body=None, headers=None, cookie=None, csrf=None):
    """One request on a fresh connection. `body` may be a dict (sent as JSON),
    str or bytes."""
    h = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode()
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        data = res.read()
        headers = {k.lower(): v for k, v in res.getheaders()}
        return Response(res.status, headers, data)
    finally:
        conn.close()


def raw_request(port, data, timeout=10):
    """Sends raw bytes; returns (status, headers dict, body bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            joined = b"".join(chunks)
            if b"\r\n\r\n" in joined:
                head, _, body = joined.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                if len(body) >= length:
                    break
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def login(port, user, password):
    """Logs in; returns (cookie "cb_session=...", csrf token, response)."""
    r = request(port, "POST", "/api/login", {"login": user, "password": password})
    if r.status != 200:
        raise AssertionError(f"login {user}: {r.status} {r.body!r}")
    cookie = r.header("Set-Cookie").split(";", 1)[0]
    return cookie, r.json["csrf"], r


class WsClosed(Exception):
    def __init__(self, code, reason):
        super().__init__(f"closed {code} {reason!r}")
        self.code = code
        self.reason = reason


class WsClient:
    """A WebSocket client just big enough for the tests: handshake, masked
    frames out, unmasked frames in, ping answered, close reported."""

    def __init__(self, port, cookie=None, origin=None, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            # Before connect, so the window is small from the start.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            "GET /ws HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        if origin:
            lines.append(f"Origin: {origin}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in header_lines:
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        self.body = b""
        if self.status == 101:
            expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            if self.headers.get("sec-websocket-accept") != expected:
                raise AssertionError("bad Sec-WebSocket-Accept")
        else:
            length = int(self.headers.get("content-length", "0"))
            self.body = self._read_exact(length)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no data from the server")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout as e:
            raise TimeoutError("no data from the server") from e
        if not chunk:
            raise WsClosed(1006, "connection closed without a close frame")
        self.buf += chunk

    def _read_until(self, marker, timeout=10):
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            self._fill(deadline)
        head, _, self.buf = self.buf.partition(marker)
        return head

    def _read_exact(self, n, deadline=None):
        deadline = deadline or time.monotonic() + 10
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload=b""):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def recv_frame(self, timeout=10):
        deadline = time.monotonic() + timeout
        b0, b1 = self._read_exact(2, deadline)
        opcode = b0 & 0x0F
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read_exact(2, deadline))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read_exact(8, deadline))[0]
        if b1 & 0x80:
            raise AssertionError("server frames must not be masked")
        return bool(b0 & 0x80), opcode, self._read_exact(n, deadline)

    def recv_json(self, timeout=10):
        """The next text frame as JSON; raises WsClosed on a close frame."""
        deadline = time.monotonic() + timeout
        message = None  # a fragmented text message being assembled
        while True:
            fin, opcode, payload = self.recv_frame(max(0.01, deadline - time.monotonic()))
            if opcode in (0x1, 0x0):
                message = payload if opcode == 0x1 else message + payload
                if fin:
                    return json.loads(message.decode("utf-8"))
            elif opcode == 0x9:
                self._send_frame(0xA, payload)
            elif opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise WsClosed(code, payload[2:].decode("utf-8", "replace"))

    def recv_type(self, wanted, timeout=10):
        """Skips frames until one of type `wanted`; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.recv_json(max(0.01, deadline - time.monotonic()))
            if msg.get("type") == wanted:
                return msg

    def send_text(self, text):
        self._send_frame(0x1, text.encode())

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()
