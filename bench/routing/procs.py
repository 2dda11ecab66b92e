"""Process and /proc helpers for bench/routing's pool driver (pool.py).

Every process is started here as a direct child and reaped here with
wait4(), so its PID cannot be reused while we may still signal it, and its
CPU time (rusage) is known when it exits. Nothing is ever signalled by name.
"""
import os
import signal
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


class Child:
    """A process we started. stop() ends it (and only it) by PID."""

    def __init__(self, argv, cwd=None, log=None, env=None):
        os.makedirs(cwd or ".", exist_ok=True)
        out = open(log, "ab") if log else subprocess.DEVNULL
        self.argv = argv
        self.p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                  stderr=subprocess.STDOUT if log else subprocess.DEVNULL, env=env)
        if log:
            out.close()
        self.pid = self.p.pid
        self.rc = None
        self.rusage = None

    def poll(self):
        if self.rc is not None:
            return self.rc
        try:
            pid, status, ru = os.wait4(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.rc = -1
            return self.rc
        if pid == 0:
            return None
        self.rc = os.waitstatus_to_exitcode(status)
        self.rusage = ru
        self.p.returncode = self.rc  # tell Popen it is reaped
        return self.rc

    def wait(self, timeout):
        """Exit code, or None when still running after `timeout` seconds."""
        end = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() >= end:
                return None
            time.sleep(0.05)
        return self.rc

    def send_signal(self, sig):
        if self.poll() is None:
            os.kill(self.pid, sig)

    def stop(self, sigs=(signal.SIGTERM, signal.SIGKILL), grace=5.0):
        for sig in sigs:
            if self.poll() is not None:
                return self.rc
            self.send_signal(sig)
            if self.wait(grace) is not None:
                return self.rc
        return self.wait(grace)

    def cpu_s(self):
        return None if self.rusage is None else self.rusage.ru_utime + self.rusage.ru_stime


def proc_stat(pid):
    """Fields of /proc/PID/stat after the comm, plus the comm; None if gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index("(") + 1:s.rindex(")")]
    return comm, s[s.rindex(")") + 2:].split()


def descendants(pid):
    """pid and its descendants now, from /proc (ppid links)."""
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st:
                kids.setdefault(int(st[1][1]), []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def start_time(pid):
    st = proc_stat(pid)
    return st[1][19] if st else None


def _stat_sum_line(pids, value):
    """'epoch total': value(fields of /proc/PID/stat) summed over the processes."""
    total = 0
    for p in pids:
        st = proc_stat(p)
        if st:
            total += value(st[1])
    return "%.6f %d\n" % (time.time(), total)


def cpu_ticks_line(pids):
    """'epoch ticks': utime+stime of the processes (all their threads)."""
    return _stat_sum_line(pids, lambda f: int(f[11]) + int(f[12]))


def rss_kb_line(pids):
    """'epoch kB': resident memory of the processes."""
    return _stat_sum_line(pids, lambda f: int(f[21]) * PAGE_KB)


def thread_ticks(pid):
    """{thread name: ticks} over /proc/PID/task/*, names with their digits
    folded (caf.worker.3 -> caf.worker.#) so runs compare."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        name = "".join("#" if c.isdigit() else c for c in s[s.index("(") + 1:s.rindex(")")])
        v = s[s.rindex(")") + 2:].split()
        out[name] = out.get(name, 0) + int(v[11]) + int(v[12])
    return out


def sys_cpu_line():
    """'total idle' jiffies of the whole host (idle includes iowait)."""
    with open("/proc/stat") as f:
        v = f.readline().split()
    nums = [int(x) for x in v[1:]]
    return "%d %d\n" % (sum(nums), nums[3] + nums[4])


def udp_drops_line(ports):
    """' port:drops ... rcvbuf:N' (peer-bench's format): per-socket receive
    drops of the local UDP ports and the host's RcvbufErrors."""
    drops = {p: 0 for p in ports}
    for fn in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(fn) as f:
                next(f)
                for line in f:
                    v = line.split()
                    port = int(v[1].rsplit(":", 1)[1], 16)
                    if port in drops:
                        drops[port] += int(v[-1])
        except OSError:
            pass
    rcvbuf = 0
    with open("/proc/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Udp:")]
    if len(rows) >= 2 and "RcvbufErrors" in rows[0]:
        rcvbuf = int(rows[1][rows[0].index("RcvbufErrors")])
    return "".join(" %d:%d" % (p, drops[p]) for p in ports) + " rcvbuf:%d\n" % rcvbuf


def udp_bound(port):
    """True when some socket is bound to this local UDP port (from
    /proc/net/udp: probing with bind() could steal it from a starting SIPp)."""
    for fn in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(fn) as f:
                next(f)
                for line in f:
                    if int(line.split()[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except OSError:
            pass
    return False


def wait_until(cond, timeout, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def load_avg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def last_csv_row(path):
    """Header + last row of a SIPp ';' CSV as a dict, or {}."""
    try:
        with open(path) as f:
            lines = [l.rstrip("\r\n") for l in f if l.strip()]
    except OSError:
        return {}
    if len(lines) < 2:
        return {}
    return dict(zip(lines[0].split(";"), lines[-1].split(";")))
