#!/usr/bin/python3
"""bench/routing pool flow: step the call rate against Kamailio and Callboard
in one run, then measure routing latency at one rate on both.

The call is peer-bench's ring-all to two agents (agent 1 answers after
50 ms, agent 2 rings and is CANCELled; the caller holds 1 s and hangs up),
with a pool of agent pairs so that Callboard, which offers an agent one
call at a time, gets a free pair for every call (see gen_pool.py). Agents,
registration scenario and pass criteria are peer-bench's (used by path):
a step passes with 0 failed calls at the caller and both agents, the caller
completing every call, retransmissions <= 1% of calls, and >= 90% of the
target rate. Each step's row is computed by peer-bench's stats.py.

Latency: at LAT_RATE (default: half the best passing rate of the first
target), dumpcap records the server's SIP port on loopback during a step;
latency.py pairs each INVITE in with the first INVITE out. With
--lat-warmup-s W the step first runs W seconds at that rate and the capture
covers the LAT_CALLS calls after them (the steady state). The calls of the
capture's first --lat-settle-s seconds are not measured (the step sends
that many seconds of calls more): the first 100 ms of a capture held up
to all of a try's slowest 1% (dumpcap starting, by the timing). With
--sched-trace, the scheduler's switches and wake-ups on every CPU are
recorded beside the capture (wakeups.py reads both).

Bounded: every SIPp has -m and -timeout, every wait a deadline; every
process started here is stopped here, by PID, also on SIGINT/SIGTERM.
Usage: see run.sh, which is the way to call this.
"""
import argparse
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procs  # noqa: E402
import servers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOG_FILE = None


def log(msg):
    line = "%s %s" % (time.strftime("%H:%M:%S"), msg)
    print(line, file=sys.stderr, flush=True)
    if LOG_FILE:
        with open(LOG_FILE, "a") as f:
            f.write(line + "\n")


class Run:
    def __init__(self, a):
        self.a = a
        self.children = []  # every SIPp / dumpcap started, for the final cleanup
        self.results = os.path.join(a.work, "results.tsv")
        self.scen = os.path.join(a.peer_dir, "scenarios")
        self.stats = os.path.join(a.peer_dir, "stats.py")
        self.last_failed = False  # the last step failed: its retransmissions may still be under way

    def drain(self, srv):
        """The pause before a step. After a failed step the server may still
        retransmit requests of its abandoned calls (INVITEs and CANCELs to
        the agents, for up to 64*T1 = 32 s) although it counts no call in
        flight; the next step's agents bind the same ports and would take
        them for calls of their own (seen: a latency try right after a
        failed step lost its last 36 calls when its agents reached their
        call count early). So a failed step is followed by
        --after-fail-pause-s of quiet, for both servers."""
        pause = self.a.step_pause_s
        if self.last_failed:
            pause = max(pause, self.a.after_fail_pause_s)
            log("%s: the last step failed, pausing %.0f s" % (srv.name, pause))
        servers.drain(srv, pause, self.a.drain_max_s, log)
        self.last_failed = False

    # -------------------------------------------------------------- SIPp
    def sipp(self, d, args):
        os.makedirs(d, exist_ok=True)
        c = procs.Child(["sipp"] + args + ["-nostdin"], cwd=d, log=os.path.join(d, "sipp.stderr"))
        self.children.append(c)
        return c

    def finish_sipp(self, d, c, timeout):
        """Waits for a SIPp to exit by itself, else USR1 (finish and write
        stats), TERM, KILL; writes sipp.rc and sipp.times as peer-bench does."""
        if c.wait(timeout) is None:
            log("stopping sipp %d (%s)" % (c.pid, d))
            c.stop((signal.SIGUSR1, signal.SIGTERM, signal.SIGKILL), 5)
        with open(os.path.join(d, "sipp.rc"), "w") as f:
            f.write("%s\n" % c.rc)
        ru = c.rusage
        with open(os.path.join(d, "sipp.times"), "w") as f:
            u, s = (ru.ru_utime, ru.ru_stime) if ru else (0.0, 0.0)
            f.write("0m0.000s 0m0.000s\n%dm%.3fs %dm%.3fs\n" % (u // 60, u % 60, s // 60, s % 60))
        return c.rc

    # -------------------------------------------------------------- phases
    def register(self, srv):
        a = self.a
        d = os.path.join(a.work, srv.name, "register")
        csv = srv.register_csv(a.gen_dir)
        n = sum(1 for _ in open(csv)) - 1
        c = self.sipp(d, ["%s:%d" % (srv.host, srv.port), "-sf", os.path.join(self.scen, "register.xml"),
                          "-inf", csv, "-key", "domain", "%s:%d" % (srv.host, srv.port), "-key", "expires", "7200",
                          "-i", "127.0.0.1", "-p", str(a.reg_port), "-m", str(n), "-r", "400", "-l", "200",
                          "-recv_timeout", "5000", "-timeout", "%ds" % (n // 100 + 60),
                          "-trace_stat", "-trace_err"])
        self.finish_sipp(d, c, n // 100 + 70)
        stat = {}
        for fn in os.listdir(d):
            if fn.endswith("_.csv"):
                stat = procs.last_csv_row(os.path.join(d, fn))
        ok = int(float(stat.get("SuccessfulCall(C)", 0)))
        if ok != n:
            raise RuntimeError("registration at %s: %d/%d REGISTERs got 200 (see %s)" % (srv.name, ok, n, d))
        log("%s: registered %d bindings" % (srv.name, n))

    def idle_cpu(self, srv, seconds=5):
        a0 = procs.cpu_ticks_line(srv.pids).split()
        time.sleep(seconds)
        b0 = procs.cpu_ticks_line(srv.pids).split()
        pct = 100.0 * (int(b0[1]) - int(a0[1])) / procs.CLK_TCK / (float(b0[0]) - float(a0[0]))
        log("%s idle CPU: %.2f%% of one core (%d s)" % (srv.name, pct, seconds))
        return pct

    def wait_quiet(self, srv, max_s=150.0, below_pct=5.0, quiet_s=3):
        """After an overloaded step the server goes on for a while: it
        retransmits final responses to the stopped SIPps (Timer G, up to
        32 s), ends calls by their timers and empties its queues. A latency
        step started then measures that backlog, so this waits until the
        server used under below_pct of a core for quiet_s seconds in a row."""
        end = time.monotonic() + max_s
        quiet = 0
        prev = procs.cpu_ticks_line(srv.pids).split()
        while time.monotonic() < end and quiet < quiet_s:
            time.sleep(1.0)
            cur = procs.cpu_ticks_line(srv.pids).split()
            pct = 100.0 * (int(cur[1]) - int(prev[1])) / procs.CLK_TCK / max(1e-3, float(cur[0]) - float(prev[0]))
            quiet = quiet + 1 if pct < below_pct else 0
            prev = cur
        log("%s %s quiet (under %.0f%% of a core for %d s)" % (
            srv.name, "is" if quiet >= quiet_s else "is NOT", below_pct, quiet_s))

    def step(self, srv, label, rate, attempt, calls, idle_pct, capture=False, capture_after_s=0):
        a = self.a
        sd = os.path.join(a.work, srv.name, label, "r%d-t%d" % (rate, attempt))
        os.makedirs(sd, exist_ok=True)
        dur = (calls + rate - 1) // rate + a.hold_ms // 1000 + 1
        deadline = dur * 3 + 30
        agent_ports = [a.agent_base_port + 1, a.agent_base_port + 2]
        for p in [a.uac_port] + agent_ports:
            # another job on this shared host may hold it for a moment
            if not procs.wait_until(lambda: not procs.udp_bound(p), 30, 0.5):
                who = subprocess.run(["ss", "-Hunap", "sport = :%d" % p], capture_output=True, text=True).stdout
                raise RuntimeError("UDP port %d in use for 30 s (%s); stopping" % (p, who.strip() or "?"))
        # Seconds between two calls to the same pair. Below the call's length
        # (answer + hold + the hang-up) a pair is still busy when its next call
        # comes: a proxy forks anyway, Callboard rings whoever of the pair is
        # free or answers 480, so such a step measures the pool, not the server.
        gap = a.pairs / float(rate)
        busy = (a.answer_ms + a.hold_ms) / 1000.0 + 0.1
        if gap < busy:
            log("WARNING: %d pairs at %d cps: a pair's next call comes %.2f s after its last one began, "
                "within the call (%.2f s); failures here can be the pool's (raise POOL_PAIRS_CPS)"
                % (a.pairs, rate, gap, busy))
        meta = {"TARGET": srv.name, "SCENARIO": label, "RATE": rate, "ATTEMPT": attempt, "CALLS": calls,
                "CLK_TCK": procs.CLK_TCK, "MAX_RETRANS_PCT": a.max_retrans_pct, "MIN_RATE_PCT": a.min_rate_pct,
                "HOLD_MS": a.hold_ms, "ANSWER_MS": a.answer_ms, "LOAD_BEFORE": procs.load_avg(),
                "SRV_PIDS": " ".join(map(str, srv.pids)), "NCPU": os.cpu_count(), "SRV_IDLE_PCT": "%.2f" % idle_pct,
                "PORT_SRV": srv.port, "PORT_UAC": a.uac_port, "PORTS_AGENTS": " ".join(map(str, agent_ports)),
                "PAIRS": a.pairs, "PAIR_GAP_S": "%.3f" % gap}
        agents = []
        for i, xml in ((1, "uas-answer.xml"), (2, "uas-ring.xml")):
            ad = os.path.join(sd, "agent%d" % i)
            c = self.sipp(ad, ["-sf", os.path.join(self.scen, xml), "-s", "agent%d" % i, "-i", "127.0.0.1",
                               "-p", str(agent_ports[i - 1]), "-d", str(a.answer_ms), "-m", str(calls),
                               "-recv_timeout", str(a.recv_timeout_ms), "-timeout", "%ds" % (deadline + 10),
                               "-buff_size", "1048576", "-trace_stat", "-trace_counts", "-trace_err",
                               "-trace_screen"])
            agents.append((ad, c))
        procs.wait_until(lambda: all(procs.udp_bound(p) for p in agent_ports), 5)
        cap = None
        sched = None

        def start_watching():
            c = self.start_capture(sd, [srv.port] + srv.other_ports, deadline + 20)
            return c, (self.start_sched_trace(sd) if a.sched_trace else None)
        if capture and not capture_after_s:
            cap, sched = start_watching()
        w = lambda fn, text: open(os.path.join(sd, fn), "w").write(text)  # noqa: E731
        udp_ports = [srv.port] + srv.other_ports + [a.uac_port] + agent_ports
        w("udp_drops.start", procs.udp_drops_line(udp_ports))
        w("srv_cpu.start", procs.cpu_ticks_line(srv.pids))
        w("sys_cpu.start", procs.sys_cpu_line())
        threads0 = procs.thread_ticks(srv.proc.pid) if srv.name != "kamailio" else {}
        t0 = time.time()
        ud = os.path.join(sd, "uac")
        uac = self.sipp(ud, ["%s:%d" % (srv.host, srv.port), "-sf", os.path.join(HERE, "uac-pool.xml"),
                             "-inf", os.path.join(a.gen_dir, "uac.csv"), "-key", "domain", "%s:%d" % (srv.host, srv.port),
                             "-i", "127.0.0.1", "-p", str(a.uac_port), "-r", str(rate), "-rp", "1000",
                             "-m", str(calls), "-d", str(a.hold_ms), "-recv_timeout", str(a.recv_timeout_ms),
                             "-timeout", "%ds" % deadline, "-buff_size", "1048576", "-trace_stat", "-trace_counts",
                             "-trace_err", "-trace_screen", "-trace_rtt", "-rtt_freq", "1", "-trace_shortmsg"])
        if capture and capture_after_s:
            # the server in its steady state: the capture (and the scheduler
            # trace) start once the load has run capture_after_s seconds
            time.sleep(capture_after_s)
            cap, sched = start_watching()
        perf = None
        if rate in a.perf_rates and not capture:
            # call graphs with frame pointers are poor in -O2 code (fp, the default, still
            # attributes the self time to the right functions); dwarf unwinds them, at a
            # cost that distorts the step: use it for the profile, not for the rate
            perf = procs.Child(["perf", "record", "-F", "499", "--call-graph", a.perf_callgraph,
                                "-p", ",".join(map(str, srv.pids)), "-o", os.path.join(sd, "perf.data")],
                               cwd=sd, log=os.path.join(sd, "perf.log"))
            self.children.append(perf)
        stop_sampler = threading.Event()

        def sampler():
            with open(os.path.join(sd, "srv_cpu.samples"), "a") as fc, \
                    open(os.path.join(sd, "udp_drops.samples"), "a") as fd, \
                    open(os.path.join(sd, "rss.samples"), "a") as fm:
                while not stop_sampler.wait(1.0):
                    fc.write(procs.cpu_ticks_line(srv.pids))
                    fd.write(procs.udp_drops_line(udp_ports))
                    fm.write(procs.rss_kb_line(srv.pids))
        th = threading.Thread(target=sampler, daemon=True)
        th.start()
        rc = self.finish_sipp(ud, uac, deadline + 10)
        w("srv_cpu.end", procs.cpu_ticks_line(srv.pids))
        w("sys_cpu.end", procs.sys_cpu_line())
        w("udp_drops.end", procs.udp_drops_line(udp_ports))
        wall = time.time() - t0
        if threads0:
            threads1 = procs.thread_ticks(srv.proc.pid)
            rows = sorted(((threads1.get(k, 0) - threads0.get(k, 0), k) for k in threads1), reverse=True)
            w("threads.txt", "".join("%-20s %7.1f%% of one core\n" % (k, 100.0 * t / procs.CLK_TCK / wall)
                                     for t, k in rows if t > 0))
        stop_sampler.set()
        th.join(5)
        if perf:
            perf.stop((signal.SIGINT, signal.SIGTERM, signal.SIGKILL), 30)
        meta["UAC_RC"] = rc
        for ad, c in agents:
            self.finish_sipp(ad, c, 10)
        if sched:
            sched.stop((signal.SIGINT, signal.SIGTERM, signal.SIGKILL), 30)
        if cap:
            cap.stop((signal.SIGINT, signal.SIGTERM, signal.SIGKILL), 10)
        w("meta.env", "".join("%s=%s\n" % kv for kv in meta.items()))
        row = subprocess.run([sys.executable, self.stats, "step", sd], capture_output=True, text=True, timeout=300)
        if row.returncode != 0 or not row.stdout.strip():
            raise RuntimeError("stats.py failed on %s: %s" % (sd, row.stderr.strip()))
        with open(self.results, "a") as f:
            f.write(row.stdout)
        cols = row.stdout.rstrip("\n").split("\t")
        r = dict(zip(self.cols, cols))
        log("%-9s %-14s %5d cps try%d %s ok=%s fail=%s retr=%s achieved=%s rt p50/p99=%s/%s ms srvCPU=%s%% "
            "(peak %s%%, %s ms/call) host=%s%% drops=%s %s" % (
                srv.name, label, rate, attempt, r["verdict"], r["calls_ok"], r["calls_failed"], r["retrans"],
                r["achieved_cps"], r["rt_p50"], r["rt_p99"], r["srv_cpu_avg"], r["srv_cpu_peak"],
                r["srv_cpu_ms_call"], r["sys_busy"], r["udp_drops"], r["why"]))
        self.last_failed = r["verdict"] != "PASS"
        return r, sd

    def start_sched_trace(self, sd):
        """perf record of the scheduler's switches and wake-ups on every CPU
        for the step (sched.data), stamped with CLOCK_MONOTONIC; sched.offset
        holds CLOCK_REALTIME - CLOCK_MONOTONIC, to place the capture's
        datagrams on the same time line (wakeups.py)."""
        with open(os.path.join(sd, "sched.offset"), "w") as f:
            f.write("%.9f\n" % (time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_MONOTONIC)))
        data = os.path.join(sd, "sched.data")
        c = procs.Child(["perf", "record", "-a", "-k", "CLOCK_MONOTONIC", "-e", "sched:sched_switch",
                         "-e", "sched:sched_wakeup", "-o", data], cwd=sd, log=os.path.join(sd, "sched.log"))
        self.children.append(c)
        procs.wait_until(lambda: os.path.exists(data) and os.path.getsize(data) > 0, 10)
        return c

    def start_capture(self, sd, ports, max_s):
        """dumpcap on lo for the server's ports, returned once it is capturing:
        its "Capturing on" line comes before the filter is attached, so
        datagrams to a probe port (also in the filter; latency.py ignores
        them) are sent until dumpcap counts one."""
        probe = self.a.uac_port + 9
        logf = os.path.join(sd, "dumpcap.log")
        cap = procs.Child(["dumpcap", "-i", "lo", "-f", " or ".join("udp port %d" % p for p in list(ports) + [probe]),
                           "-w", os.path.join(sd, "server.pcap"), "-P", "-B", "64", "-a", "duration:%d" % max_s],
                          cwd=sd, log=logf)
        self.children.append(cap)
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            def live():
                tx.sendto(b"bench-routing capture probe", ("127.0.0.1", probe))
                with open(logf, errors="replace") as f:
                    return re.search(r"Packets: [1-9]", f.read()) is not None or cap.poll() is not None
            procs.wait_until(live, 15, 0.1)
        finally:
            tx.close()
        if cap.poll() is not None or not re.search(r"Packets: [1-9]", open(logf, errors="replace").read()):
            raise RuntimeError("dumpcap did not start capturing, see %s" % logf)
        return cap

    def latency(self, srv, rate, idle_pct):
        out = []
        for i in range(1, self.a.lat_repeat + 1):
            self.drain(srv)
            warm = self.a.lat_warmup_s
            settle = self.a.lat_settle_s
            r, sd = self.step(srv, "pool2-latency", rate, i, self.a.lat_calls + int(round(rate * (warm + settle))), idle_pct,
                              capture=True, capture_after_s=warm)
            res = subprocess.run([sys.executable, os.path.join(HERE, "latency.py"), os.path.join(sd, "server.pcap"),
                                  "--server-port", str(srv.port), "--json", "--skip-first-s", str(settle)] +
                                 ["--other-port=%d" % p for p in srv.other_ports],
                                 capture_output=True, text=True, timeout=600)
            if res.returncode != 0:
                raise RuntimeError("latency.py failed: %s" % res.stderr.strip())
            lat = json.loads(res.stdout)
            lat.update({"target": srv.name, "rate": rate, "try": i, "verdict": r["verdict"], "why": r["why"],
                        "srv_cpu_avg": r["srv_cpu_avg"], "sys_busy": r["sys_busy"], "load_before": r["load_before"]})
            with open(os.path.join(self.a.work, "latency.jsonl"), "a") as f:
                f.write(json.dumps(lat) + "\n")
            log("%s latency at %d cps (try %d, step %s): p50 %.0f us, p99 %.0f us, max %.0f us, %d paired, %d unpaired"
                % (srv.name, rate, i, r["verdict"], lat["p50_us"], lat["p99_us"], lat["max_us"], lat["paired"],
                   lat["unpaired"]))
            if not (self.a.keep_pcap or self.a.sched_trace):
                os.remove(os.path.join(sd, "server.pcap"))
            out.append(lat)
        return out

    def stepping(self, srv, idle_pct):
        a = self.a
        best, verdict = None, "PASS"
        for rate in a.rates:
            attempt = 1
            self.drain(srv)
            r, _ = self.step(srv, "pool2", rate, attempt, max(a.calls, rate * a.min_step_s), idle_pct)
            while r["verdict"] != "PASS" and attempt <= a.retry_failed:
                attempt += 1
                self.drain(srv)
                r, _ = self.step(srv, "pool2", rate, attempt, max(a.calls, rate * a.min_step_s), idle_pct)
            if r["verdict"] != "PASS":
                break
            best = rate
        return best


def make_server(a, name, host, port):
    work = os.path.join(a.work, name)
    os.makedirs(work, exist_ok=True)
    if name == "kamailio":
        return servers.Kamailio(name, host, port, work, a.peer_dir)
    if name == "callboard":
        return servers.Callboard(name, host, port, work, a.callboard_bin, a.gen_dir, a.metrics_port, a.http_port)
    raise SystemExit("pool.py: unknown target '%s' (kamailio or callboard)" % name)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--targets", required=True, help="name@127.0.0.1:port ... (names: callboard, kamailio)")
    ap.add_argument("--callboard-bin", required=True)
    ap.add_argument("--peer-dir", required=True)
    ap.add_argument("--gen-dir", required=True, help="gen_pool.py's output")
    ap.add_argument("--pairs", type=int, required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--rates", required=True)
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--min-step-s", type=int, default=0)
    ap.add_argument("--hold-ms", type=int, default=1000)
    ap.add_argument("--answer-ms", type=int, default=50)
    ap.add_argument("--lat-rate", default="auto", help="cps, or auto: half the first target's best rate")
    ap.add_argument("--lat-calls", type=int, default=3000)
    ap.add_argument("--lat-repeat", type=int, default=3)
    ap.add_argument("--lat-settle-s", type=float, default=0.0,
                    help="seconds of calls at the capture's start left out of the latency figures (the capture's "
                         "start disturbs them); the step sends that many seconds of calls more")
    ap.add_argument("--lat-warmup-s", type=int, default=0,
                    help="seconds each latency try runs at its rate before the capture starts (steady state: "
                         "longer than the SIP stacks keep finished transactions, 32 s); 0: capture from the start")
    ap.add_argument("--keep-pcap", action="store_true")
    ap.add_argument("--perf-rates", default="", help="rates whose steps run under perf record (profiling)")
    ap.add_argument("--perf-callgraph", default="fp", help="perf record --call-graph: fp, or dwarf,16384")
    ap.add_argument("--sched-trace", action="store_true",
                    help="record the scheduler's switches and wake-ups during the latency tries (wakeups.py); "
                         "keeps their captures")
    ap.add_argument("--uac-port", type=int, default=27070)
    ap.add_argument("--reg-port", type=int, default=27071)
    ap.add_argument("--agent-base-port", type=int, default=27080)
    ap.add_argument("--metrics-port", type=int, default=27089)
    ap.add_argument("--http-port", type=int, default=27088)
    ap.add_argument("--max-retrans-pct", default="1")
    ap.add_argument("--min-rate-pct", default="90")
    ap.add_argument("--retry-failed", type=int, default=1)
    ap.add_argument("--recv-timeout-ms", type=int, default=10000)
    ap.add_argument("--step-pause-s", type=float, default=3)
    ap.add_argument("--drain-max-s", type=float, default=60)
    ap.add_argument("--after-fail-pause-s", type=float, default=35,
                    help="pause after a failed step (the server's retransmissions of it end first)")
    a = ap.parse_args()
    a.rates = [int(x) for x in a.rates.split()]
    a.perf_rates = [int(x) for x in a.perf_rates.split()]
    if a.rates != sorted(a.rates):
        raise SystemExit("pool.py: --rates must be ascending")
    return a


def main():
    global LOG_FILE
    a = parse_args()
    os.makedirs(a.work, exist_ok=True)
    LOG_FILE = os.path.join(a.work, "pool.log")
    run = Run(a)
    hdr = subprocess.run([sys.executable, run.stats, "header"], capture_output=True, text=True, check=True).stdout
    run.cols = hdr.rstrip("\n").split("\t")
    with open(run.results, "w") as f:
        f.write(hdr)

    def on_signal(sig, _frame):
        raise SystemExit("pool.py: signal %d, stopping" % sig)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    summary = {"best": {}, "latency": {}, "replay": {}, "metrics": {}}
    lat_rate = None if a.lat_rate == "auto" else int(a.lat_rate)
    srv = None
    try:
        for t in a.targets.split():
            name, hp = t.split("@", 1)
            host, port = hp.rsplit(":", 1)
            if not host.startswith("127."):
                raise SystemExit("pool.py: %s is not a loopback address" % host)
            srv = make_server(a, name, host, int(port))
            srv.start()
            log("started %s on %s:%s, pids %s" % (name, host, port, " ".join(map(str, srv.pids))))
            run.register(srv)
            idle = run.idle_cpu(srv)
            best = run.stepping(srv, idle)
            summary["best"][name] = best
            log("%s: best passing rate %s cps" % (name, best))
            if lat_rate is None:
                lat_rate = max(1, (best or a.rates[0]) // 2)
                log("latency rate: %d cps (half of %s's best)" % (lat_rate, name))
            run.wait_quiet(srv)
            summary["latency"][name] = run.latency(srv, lat_rate, idle)
            run.drain(srv)
            srv.snapshot(os.path.join(srv.work, "final-metrics.txt"))
            if name == "callboard":
                text = srv.metrics() or ""
                for m in ("callboard_calls_received_total", "callboard_events_appended_total",
                          "callboard_event_append_failures_total", "callboard_calls_in_progress",
                          "callboard_call_actor_failures_total"):
                    summary["metrics"][m] = srv.metric(m, text)
            log("stopping %s (pid %d)" % (name, srv.proc.pid))
            srv.stop()
            if name == "callboard":
                rc, out = srv.replay(os.path.join(srv.work, "replay.txt"))
                summary["replay"] = {"rc": rc, "out": out}
                log("callboard replay of its log (rc %d): %s" % (rc, " | ".join(out.strip().splitlines())))
            srv = None
    finally:
        for c in run.children:
            if c.poll() is None:
                log("stopping pid %d (%s)" % (c.pid, c.argv[0]))
                c.stop((signal.SIGTERM, signal.SIGKILL), 5)
        if srv is not None:
            log("stopping %s" % srv.name)
            srv.stop()
        with open(os.path.join(a.work, "pool-summary.json"), "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
