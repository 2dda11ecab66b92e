"""Tools for SIP tests: running SIPp, reading what it logged, driving the
sip_harness process. Stdlib only. Used by tests/sip/sip_adapter_test.py; the
end-to-end tests can import it too (sys.path.insert(0, "<repo>/tests/sip")).

  Sipp(scenarios_dir, workdir, server_port)
    .start(name, scenario, port, args, remote=True, calls=1, timeout_s=20, tcp=False)
        starts one bounded SIPp (-m, -timeout/-timeout_error, -recv_timeout,
        -trace_msg/-trace_err into workdir); a UAS (remote=False) is awaited
        until its port is bound
    .wait(run, expect_rc=0) / .run(...) / .kill_all()
  sipp_messages(path) -> [(direction, bytes)] from a -trace_msg file
  first_line / header / header_all / body / find / is_invite / is_invite_200
  Harness(argv, workdir): a process printing one event per line on stdout;
    .wait_for(regex, mark) / .wait_count / .since(mark) / .send(cmd) / .quit()
"""

import os
import re
import subprocess
import threading
import time


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


# --------------------------------------------------------------------------
# SIPp


class Sipp:
    def __init__(self, scenarios, workdir, server_port):
        self.scenarios = scenarios
        self.workdir = workdir
        self.server = "127.0.0.1:%d" % server_port
        self.count = 0
        self.running = []

    def start(self, name, scenario, port, args=(), remote=True, calls=1, timeout_s=20, tcp=False):
        self.count += 1
        tag = "%02d-%s" % (self.count, name)
        msg = os.path.join(self.workdir, tag + ".msg")
        cmd = ["sipp", "-sf", os.path.join(self.scenarios, scenario),
               "-i", "127.0.0.1", "-p", str(port), "-m", str(calls),
               "-timeout", "%ds" % timeout_s, "-timeout_error", "-recv_timeout", "10000",
               "-nostdin", "-trace_msg", "-message_file", msg,
               "-trace_err", "-error_file", os.path.join(self.workdir, tag + ".err")]
        cmd += list(args)
        if remote:
            cmd.append(self.server)
        out = open(os.path.join(self.workdir, tag + ".out"), "w")
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=self.workdir)
        run = {"name": tag, "proc": proc, "msg": msg, "deadline": time.monotonic() + timeout_s + 10,
               "port": port, "cmd": cmd}
        self.running.append(run)
        if not remote:
            wait_bound(port, proc, tcp)
        return run

    def wait(self, run, expect_rc=0):
        left = max(0.1, run["deadline"] - time.monotonic())
        try:
            rc = run["proc"].wait(timeout=left)
        except subprocess.TimeoutExpired:
            run["proc"].kill()
            run["proc"].wait()
            raise Failure("%s did not finish in time" % run["name"])
        finally:
            if run in self.running:
                self.running.remove(run)
        check(rc == expect_rc, "%s exited %d, expected %d (see %s.out/.err in the workdir)"
              % (run["name"], rc, expect_rc, run["name"]))
        return run

    def run(self, name, scenario, port, args=(), expect_rc=0, **kw):
        return self.wait(self.start(name, scenario, port, args, **kw), expect_rc)

    def kill_all(self):
        for run in list(self.running):
            if run["proc"].poll() is None:
                run["proc"].kill()
                run["proc"].wait()
        self.running = []


def wait_bound(port, proc, tcp=False, timeout=5.0):
    """Polls /proc/net/{udp,tcp} until 127.0.0.1:port is bound (TCP: listening)."""
    want = ":%04X" % port
    table = "/proc/net/tcp" if tcp else "/proc/net/udp"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check(proc.poll() is None, "SIPp on port %d exited before binding" % port)
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                local, state = fields[1], fields[3]
                if local == "0100007F" + want and (not tcp or state == "0A"):
                    return
        time.sleep(0.02)  # polling a kernel table: there is no event to await
    raise Failure("nothing bound %s port %d" % ("TCP" if tcp else "UDP", port))


def sipp_messages(path):
    """[(direction, bytes)] from a SIPp -trace_msg file, in order."""
    data = open(path, "rb").read()
    out = []
    rx = re.compile(rb"(?:UDP|TCP) message (sent) \((\d+) bytes\):\n\n|(?:UDP|TCP) message (received) \[(\d+)\] bytes :\n\n")
    pos = 0
    while True:
        m = rx.search(data, pos)
        if not m:
            return out
        direction = (m.group(1) or m.group(3)).decode()
        n = int(m.group(2) or m.group(4))
        start = m.end()
        out.append((direction, data[start:start + n]))
        pos = start + n


def first_line(msg):
    return msg.split(b"\r\n", 1)[0].decode(errors="replace")


def header(msg, name):
    head = msg.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


def header_all(msg, name):
    """Every value of a header (repeated lines and comma lists), joined by ', '."""
    head = msg.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
    values = []
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            values.append(v.strip())
    return ", ".join(values)


def body(msg):
    head, _, rest = msg.partition(b"\r\n\r\n")
    length = int(header(msg, "Content-Length") or "0")
    return rest[:length]


def find(messages, direction, predicate, what):
    for d, m in messages:
        if d == direction and predicate(m):
            return m
    raise Failure("no %s message: %s" % (direction, what))


def is_invite(m):
    return first_line(m).startswith("INVITE ")


def is_invite_200(m):
    return first_line(m).startswith("SIP/2.0 200") and (header(m, "CSeq") or "").endswith("INVITE")




# --------------------------------------------------------------------------
# The harness process


class Harness:
    """A sip_harness process (tests/sip/sip_harness.cpp): its stdout lines,
    collected by a reader thread, can be awaited; commands go to its stdin."""

    def __init__(self, argv, workdir):
        self.lines = []
        self.cond = threading.Condition()
        self.log = open(os.path.join(workdir, "harness.out"), "w")
        self.err = open(os.path.join(workdir, "harness.err"), "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            self.log.write(line + "\n")
            self.log.flush()
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append("<eof>")
            self.cond.notify_all()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def since(self, mark):
        with self.cond:
            return list(self.lines[mark:])

    def wait_for(self, pattern, mark=0, timeout=10.0):
        """Waits for a line matching `pattern` at index >= mark; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            i = mark
            while True:
                while i < len(self.lines):
                    m = rx.search(self.lines[i])
                    if m:
                        return m
                    if self.lines[i] == "<eof>":
                        raise Failure("harness ended while waiting for /%s/" % pattern)
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure("timed out waiting for harness line /%s/" % pattern)
                self.cond.wait(left)

    def count(self, pattern, mark=0):
        rx = re.compile(pattern)
        return sum(1 for l in self.since(mark) if rx.search(l))

    def wait_count(self, pattern, n, mark=0, timeout=10.0):
        """Waits until at least n lines from `mark` on match `pattern`."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(1 for l in self.lines[mark:] if rx.search(l)) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure("timed out waiting for %d lines /%s/, have %d"
                                  % (n, pattern, sum(1 for l in self.lines[mark:] if rx.search(l))))
                self.cond.wait(left)

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def snapshot(self):
        m = self.mark()
        self.send("snapshot")
        found = self.wait_for(
            r"^snapshot calls=(\d+) handles=(\d+) bindings=(\d+) users=(\d+) rss_kb=(\d+)", m)
        return {k: int(v) for k, v in zip(("calls", "handles", "bindings", "users", "rss_kb"),
                                          found.groups())}

    def quit(self, timeout=40.0):
        try:
            self.send("quit")
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure("harness did not stop within %.0f s" % timeout)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
