"""The two servers of bench/routing's pool flow: start, register, drain, stop.

Kamailio runs peer-bench's own configuration (referenced by path, never
copied), started the way peer-bench's run.sh starts it. Callboard runs the
given binary on the configuration gen_pool.py wrote, with a fresh data
directory. Both are direct children of pool.py and are stopped by PID.
"""
import os
import re
import shlex
import signal
import subprocess
import time
import urllib.request

import procs


class Server:
    name = "?"

    def __init__(self, name, host, port, work):
        self.name, self.host, self.port, self.work = name, host, port, work
        self.other_ports = []   # the server's other SIP ports (Callboard's sip.dialog_port)
        self.proc = None
        self.pids = []          # the processes whose CPU is charged to the server
        self.start_times = {}   # pid -> /proc start time, guards against PID reuse at stop

    def _track(self):
        self.pids = procs.descendants(self.proc.pid)
        self.start_times = {p: procs.start_time(p) for p in self.pids}

    def stop(self, grace):
        if self.proc is None:
            return
        self.proc.stop((signal.SIGTERM, signal.SIGKILL), grace)
        # children left behind (reparented): ours only if their start time matches
        for p in self.pids:
            if p != self.proc.pid and self.start_times.get(p) and procs.start_time(p) == self.start_times[p]:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        self.proc = None


class Kamailio(Server):
    def __init__(self, name, host, port, work, peer_dir, children=4, shm_mb=512, pkg_mb=16):
        super().__init__(name, host, port, work)
        self.peer_dir = peer_dir
        self.rund = os.path.join(work, "kamrun")
        self.ctl = "unix:%s/ctl" % self.rund
        self.children, self.shm_mb, self.pkg_mb = children, shm_mb, pkg_mb

    def start(self):
        os.makedirs(self.rund, exist_ok=True)
        if procs.udp_bound(self.port):
            raise RuntimeError("UDP port %d is already in use; not starting Kamailio" % self.port)
        argv = ["kamailio", "-f", os.path.join(self.peer_dir, "kamailio-peer.cfg"), "-E", "-DD",
                "-Y", self.rund, "-P", os.path.join(self.rund, "kamailio.pid"),
                "-m", str(self.shm_mb), "-M", str(self.pkg_mb),
                "-A", "LISTEN_ADDR=udp:%s:%d" % (self.host, self.port),
                "-A", 'CTL_SOCK="%s"' % self.ctl, "-A", "KCHILDREN=%d" % self.children]
        # KAMAILIO_NICE: run every Kamailio process at that nice (e.g. -10, as
        # Callboard runs its SIP and actor threads), for a like-for-like run.
        if os.environ.get("KAMAILIO_NICE"):
            argv = ["nice", "-n", os.environ["KAMAILIO_NICE"]] + argv
        self.proc = procs.Child(argv, cwd=self.work, log=os.path.join(self.work, "kamailio.log"))
        ok = procs.wait_until(lambda: self.proc.poll() is not None or self._kamcmd("core.uptime") is not None, 15)
        if not ok or self.proc.poll() is not None:
            raise RuntimeError("kamailio did not come up, see %s/kamailio.log" % self.work)
        self._track()

    def _kamcmd(self, *args):
        try:
            r = subprocess.run(["kamcmd", "-s", self.ctl] + list(args), capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return r.stdout if r.returncode == 0 else None

    def register_csv(self, gen_dir):
        return os.path.join(gen_dir, "kamailio-register.csv")

    def in_flight(self):
        out = self._kamcmd("tm.stats")
        m = re.search(r"current:\s*(\d+)", out or "")
        return int(m.group(1)) if m else None

    def snapshot(self, path):
        with open(path, "w") as f:
            f.write(self._kamcmd("tm.stats") or "")

    def stop(self, grace=10):
        super().stop(grace)


class Callboard(Server):
    def __init__(self, name, host, port, work, binary, gen_dir, metrics_port, http_port):
        super().__init__(name, host, port, work)
        self.binary, self.gen_dir = binary, gen_dir
        self.config = os.path.join(gen_dir, "callboard.yaml")
        with open(self.config) as f:
            m = re.search(r"^\s+dialog_port:\s*(\d+)\s*$", f.read(), re.M)
        if m and int(m.group(1)):
            self.other_ports = [int(m.group(1))]
        self.data_dir = os.path.join(work, "data")
        self.metrics_port, self.http_port = metrics_port, http_port
        self.log = os.path.join(work, "server.log")

    def start(self):
        for p in [self.port] + self.other_ports:
            if procs.udp_bound(p):
                raise RuntimeError("UDP port %d is already in use; not starting Callboard" % p)
        if os.path.exists(self.data_dir):
            raise RuntimeError("%s exists: every run starts from an empty log" % self.data_dir)
        argv = [self.binary, "run", "-c", self.config, "--data-dir", self.data_dir]
        # CALLBOARD_ARGS: more options for the server, e.g. "--thread-nice 0".
        argv += shlex.split(os.environ.get("CALLBOARD_ARGS", ""))
        self.proc = procs.Child(argv, cwd=self.work, log=self.log)

        def up():
            if self.proc.poll() is not None:
                return True
            try:
                with open(self.log, errors="replace") as f:
                    return "Callboard is up" in f.read()
            except OSError:
                return False
        procs.wait_until(up, 120, 0.2)
        if self.proc.poll() is not None or not up():
            raise RuntimeError("callboard did not come up, see %s" % self.log)
        self._track()

    def register_csv(self, gen_dir):
        return os.path.join(gen_dir, "callboard-register.csv")

    def metrics(self):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except OSError:
            return None

    def metric(self, name, text=None):
        text = text if text is not None else self.metrics()
        if text is None:
            return None
        total, seen = 0.0, False
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                total += float(line.rsplit(" ", 1)[1])
                seen = True
        return total if seen else None

    def in_flight(self):
        v = self.metric("callboard_calls_in_progress")
        return None if v is None else int(v)

    def snapshot(self, path):
        with open(path, "w") as f:
            f.write(self.metrics() or "")

    def stop(self, grace=45):
        # nua_shutdown may wait for silent peers; the exposer takes ~2 s
        super().stop(grace)

    def replay(self, out_path):
        """`callboard replay` on the stopped server's log: what is durable."""
        r = subprocess.run([self.binary, "replay", "-c", self.config, "--data-dir", self.data_dir],
                           capture_output=True, text=True, timeout=600)
        with open(out_path, "w") as f:
            f.write(r.stdout + r.stderr)
        return r.returncode, r.stdout


def drain(server, pause_s, max_s, log):
    """Waits until nothing of the previous step is in flight: late CANCELs or
    408s would hit the next step's fresh SIPp agents and fail calls there."""
    time.sleep(pause_s)
    end = time.monotonic() + max_s
    cur = server.in_flight()
    while cur and time.monotonic() < end:
        time.sleep(0.5)
        cur = server.in_flight()
    if cur:
        log("drain: %s still has %s calls/transactions in flight after %d s" % (server.name, cur, max_s))
    elif cur is None:
        log("drain: could not read %s's in-flight count" % server.name)
