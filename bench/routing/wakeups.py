#!/usr/bin/python3
"""Who wakes whom, per call, and what the slowest calls waited for.

  wakeups.py STEP_DIR --server-port P [--other-port Q] [--slowest N] [--threads a,b,...]

STEP_DIR is a latency try of pool.py run with --sched-trace: its
server.pcap (the SIP datagrams to and from port P on loopback), sched.data
(perf record -a of sched:sched_switch and sched:sched_wakeup, on
CLOCK_MONOTONIC) and sched.offset (CLOCK_REALTIME - CLOCK_MONOTONIC at the
start, to put both on one time line).

Prints, over the calls whose INVITE arrived while the trace ran (events
counted between the first and the last of those INVITEs):
  - wake-ups per call, waker thread -> woken thread (by thread name);
  - context switches per call, by the thread switched out;
  - with --slowest N, the time line around each of the N slowest calls
    (INVITE in to first INVITE out): the datagrams in and out, and the
    switches and wake-ups of the threads named by --threads (default: the
    server's, SIPp's and the log's), in microseconds from the INVITE.

A thread woken on a CPU busy with another thread of the same weight waits
for it; the time line shows it (e.g. the Sofia thread woken with a ring to
send while the actor worker runs on its CPU). Needs perf; reads only.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import latency  # noqa: E402

DEFAULT_THREADS = "cb-sip,caf.multiplexer,caf.clock,callboard,cb-log-writer,cb-log-deliver,sipp"
LINE = re.compile(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)")
SWITCH = re.compile(r"prev_comm=(.*?) prev_pid=\d+ .*prev_state=(\S+) ==> next_comm=(.*?) next_pid=")
WAKE = re.compile(r"comm=(.*?) pid=\d+ .*target_cpu=(\d+)")


def sched_events(step_dir):
    offset = float(open(os.path.join(step_dir, "sched.offset")).read())
    out = subprocess.run(["perf", "script", "-i", os.path.join(step_dir, "sched.data"),
                          "-F", "comm,tid,cpu,time,event,trace"],
                         capture_output=True, text=True, check=True).stdout
    events = []
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        comm, _tid, cpu, t, name, trace = m.groups()
        t = float(t) + offset
        if name == "sched:sched_switch":
            s = SWITCH.search(trace)
            if s:
                events.append((t, int(cpu), "switch", s.group(1), s.group(2), s.group(3)))
        elif name == "sched:sched_wakeup":
            w = WAKE.search(trace)
            if w:
                events.append((t, int(cpu), "wake", comm.strip(), w.group(1), int(w.group(2))))
    events.sort()
    return events


def datagrams(pcap, ports):
    out = []
    for t, sport, dport, payload in latency.udp_datagrams(pcap):
        if sport not in ports and dport not in ports:
            continue
        first = payload.split(b"\r\n", 1)[0][:48].decode(errors="replace")
        inbound = dport in ports
        out.append((t, "%-3s %d" % ("in" if inbound else "out", dport if inbound else sport),
                    first, sport if inbound else dport))
    out.sort()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step_dir")
    ap.add_argument("--server-port", type=int, required=True)
    ap.add_argument("--other-port", type=int, action="append", default=[],
                    help="another port the server uses (Callboard's sip.dialog_port)")
    ap.add_argument("--slowest", type=int, default=0)
    ap.add_argument("--threads", default=DEFAULT_THREADS)
    a = ap.parse_args()
    events = sched_events(a.step_dir)
    if not events:
        raise SystemExit("wakeups.py: no scheduler events in %s/sched.data" % a.step_dir)
    calls = []
    pcap = os.path.join(a.step_dir, "server.pcap")
    latency.analyse(pcap, a.server_port, calls=calls, other_ports=a.other_port)
    t0, t1 = events[0][0], events[-1][0]
    inside = [c for c in calls if t0 <= c[0] <= t1]
    if not inside:
        raise SystemExit("wakeups.py: no call of the capture falls inside the trace (%.3f-%.3f)" % (t0, t1))
    # Per call: the events between the first and the last INVITE in the
    # trace over the calls that arrived then (the trace also holds the
    # quiet before and after the calls, which would dilute the rates).
    first, last = min(c[0] for c in inside), max(c[0] for c in inside)
    n = len(inside)
    wakes, switches = collections.Counter(), collections.Counter()
    for e in events:
        if not first <= e[0] <= last:
            continue
        if e[2] == "wake":
            wakes[(e[3], e[4])] += 1
        else:
            switches[e[3]] += 1
    print("%s: %d calls over %.2f s (%.2f s of trace)" % (a.step_dir, n, last - first, t1 - t0))
    print("\nwake-ups per call (waker -> woken):")
    for (src, dst), k in wakes.most_common(20):
        print("  %-44s %5.2f" % ("%s -> %s" % (src, dst), k / n))
    print("\ncontext switches per call (thread switched out):")
    for name, k in switches.most_common(12):
        print("  %-20s %5.2f" % (name, k / n))
    if a.slowest <= 0:
        return
    keep = set(a.threads.split(","))
    dgs = datagrams(pcap, {a.server_port, *a.other_port})
    et, dt = [e[0] for e in events], [d[0] for d in dgs]
    for t_in, lat_us in sorted(inside, key=lambda c: -c[1])[:a.slowest]:
        lo, hi = t_in - 500e-6, t_in + lat_us / 1e6 + 200e-6
        rows = []
        for e in events[bisect.bisect_left(et, lo):bisect.bisect_right(et, hi)]:
            t, cpu, kind = e[0], e[1], e[2]
            if kind == "switch" and (e[3] in keep or e[5] in keep):
                rows.append((t, "cpu%d  %-16s (%s) -> %s" % (cpu, e[3], e[4], e[5])))
            elif kind == "wake" and e[4] in keep:
                rows.append((t, "cpu%d  %s wakes %s on cpu%d" % (cpu, e[3], e[4], e[5])))
        for d in dgs[bisect.bisect_left(dt, lo):bisect.bisect_right(dt, hi)]:
            rows.append((d[0], "        %s %s [%d]" % (d[1], d[2], d[3])))
        print("\n== INVITE in at %.6f, first INVITE out %d us later" % (t_in, lat_us))
        for t, text in sorted(rows):
            print("%+7d  %s" % ((t - t_in) * 1e6, text))


if __name__ == "__main__":
    main()
