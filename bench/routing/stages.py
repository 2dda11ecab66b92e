#!/usr/bin/python3
"""Where Callboard's routing latency goes: uprobes on the functions an inbound
call passes through between the INVITE in and the first INVITE out, at a low
rate, so that each call's path can be read alone.

  stages.py --callboard-bin BIN [--rate 20] [--calls 200] [--work DIR]
            [--peer-dir /work/shared/peer-bench]
  stages.py --report perf.data        (the table again, from a recorded run)
  stages.py --callboard-bin BIN --rate 1400 --calls 42000 --by-call
  stages.py --report perf.data --by-call

--by-call: for rates where calls overlap. No scheduler events (too many at
load) and no append probe; the steps of one call are found by its id (the
probes on SignalsToSupervisor::incoming, the CallFlow constructor,
SipServer::ring and Engine::ring read it from their arguments); the INVITE taken
(on_incoming_invite) by order, as the SIP thread hands the calls on in
order. Prints, over the calls, p50/p90/p99 of each hop: the INVITE taken
-> handed to the actors (Sofia thread) -> the call's actor starts (the
wait for the actor worker, the supervisor's classify, plan, targets and
spawn, the wait for the new actor's turn) -> its first ring posted
(offers to the agents' actors and their answers) -> taken by the Sofia
thread -> nua_invite; and the worker's steps by order.

Needs root (uprobes via tracefs, perf record). Starts Callboard on a small
pool (gen_pool.py), registers the agents and runs peer-bench's two SIPp
agents and bench/routing's caller (uac-pool.xml) for CALLS calls at RATE,
with `perf record -e cbstage:*` on the server. Prints, for each probe, when
the call reached it (µs after the Sofia thread took the INVITE: p50/p90 over
the calls) and on which thread, then the scheduler events between them.

Probes (entry of): Engine::on_incoming_invite (Sofia thread), classify and
plan_route (routing supervisor), call_actor (the call actor's start),
CallFlow::start, select_targets (supervisor: FindTargets), CallFlow::on_targets,
agent_offer (agent actors), CallFlow::on_offer_reply, SipServer::ring (the
post to the Sofia thread), su_msg_send, Engine::ring and nua_invite (Sofia
thread), GroupCommitLog::submit (event appends). The INVITE leaves on the
next turn of the Sofia loop after nua_invite.

Every process started is stopped by PID; the probes are removed at the end.
"""
import argparse
import collections
import os
import re
import signal
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import procs  # noqa: E402
import servers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TRACEFS = "/sys/kernel/tracing"
GROUP = "cbstage"
SOFIA = "/usr/lib/x86_64-linux-gnu/libsofia-sip-ua.so.0"
# probe name -> regular expression on the mangled symbol (nm)
PROBES = [
    ("inv", r"_ZN9callboard3sip6Engine18on_incoming_inviteE.*"),
    ("cls", r"_ZN9callboard6domain8classifyE.*"),
    ("plan", r"_ZN9callboard6domain10plan_routeE.*"),
    ("cact", r"_ZN9callboard6actors10call_actorE.*"),
    ("fstart", r"_ZN9callboard6domain8CallFlow5startE.*"),
    ("sel", r"_ZN9callboard6domain14select_targetsE.*"),
    ("ont", r"_ZN9callboard6domain8CallFlow10on_targetsE.*"),
    ("off", r"_ZN9callboard6domain11agent_offerE.*"),
    ("rep", r"_ZN9callboard6domain8CallFlow14on_offer_replyE.*"),
    ("sring", r"_ZN9callboard3sip9SipServer4ringE.*"),
    ("ering", r"_ZN9callboard3sip6Engine4ringE.*"),
    ("gcs", r"_ZN9callboard7storage14GroupCommitLog6submitE.*"),
    ("flow", r"_ZN9callboard6domain8CallFlowC1E.*"),
    ("sinc", r"_ZN9callboard6actors12_GLOBAL__N_119SignalsToSupervisor8incomingENS0_12IncomingCallE"),
]
# The call id, the second argument: a std::string by reference (the CallFlow
# constructor's, the call actor's first act; SipServer::ring, Engine::ring),
# or an IncomingCall by pointer, whose first member it is: the string's data
# pointer, then its text.
PROBE_ARGS = {name: " call=+0(+0(%si)):string" for name in ("sinc", "flow", "sring", "ering")}
LIGHT_SKIP = ("gcs",)  # --by-call: one per event appended, ~11 per call
SOFIA_PROBES = [("msgsend", "su_msg_send"), ("nuainv", "nua_invite")]


def symbols(path, dynamic=False):
    out = subprocess.run(["nm"] + (["-D"] if dynamic else []) + [path], capture_output=True, text=True,
                         check=True).stdout
    # T: global text; t: local (an anonymous namespace's, like SignalsToSupervisor);
    # not the compiler's split-off parts of a function (name.cold, name.part.0)
    return [p for p in (ln.split() for ln in out.splitlines())
            if len(p) == 3 and p[1] in ("T", "t") and "." not in p[2]]


def add_probes(binary, skip=()):
    if not os.path.exists(os.path.join(TRACEFS, "uprobe_events")):
        subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], check=False)
    defs = []
    syms = symbols(binary)
    for name, rx in PROBES:
        if name in skip:
            continue
        hit = [s for s in syms if re.fullmatch(rx, s[2])]
        if not hit:
            raise SystemExit("stages.py: no symbol for %s in %s" % (name, binary))
        defs.append("p:%s/%s %s:0x%s%s" % (GROUP, name, binary, hit[0][0], PROBE_ARGS.get(name, "")))
    sofia = os.path.realpath(SOFIA)
    ssyms = {s[2]: s[0] for s in symbols(sofia, dynamic=True)}
    for name, sym in SOFIA_PROBES:
        defs.append("p:%s/%s %s:0x%s" % (GROUP, name, sofia, ssyms[sym]))
    # Offsets are file offsets; nm gives virtual addresses, equal for the
    # text of a PIE built by GCC/ld (first PT_LOAD at offset 0).
    for d in defs:
        write_tracefs(d)


def write_tracefs(line):
    """One definition per write(2), as tracefs parses them; no seek (open(..., "a")
    seeks to the end, which tracefs refuses)."""
    fd = os.open(os.path.join(TRACEFS, "uprobe_events"), os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def remove_probes():
    path = os.path.join(TRACEFS, "uprobe_events")
    if not os.path.exists(path):
        return
    mine = [ln.split()[0].split(":", 1)[1] for ln in open(path) if ln.startswith("p:%s/" % GROUP)]
    for ev in mine:
        write_tracefs("-:%s" % ev)


def report(perf_data):
    out = subprocess.run(["perf", "script", "-i", perf_data, "-F", "tid,time,event"], capture_output=True,
                         text=True, check=True).stdout
    calls, cur = [], None
    for line in out.splitlines():
        p = line.split()
        if len(p) < 3:
            continue
        tid, t, ev = int(p[0]), float(p[1].rstrip(":")), p[2].rstrip(":")
        group, _, name = ev.partition(":")
        if group == GROUP and name == "inv":
            cur = {"seq": [("inv", t, tid)], "done": False}
            calls.append(cur)
        elif cur is not None and not cur["done"]:
            cur["seq"].append((name, t, tid))
            if name == "nuainv":
                cur["done"] = True
    done = [c for c in calls[1:] if c["done"]]  # the first call loads the number tables
    if not done:
        print("no complete call in %s" % perf_data)
        return
    at = collections.defaultdict(list)
    threads = collections.defaultdict(collections.Counter)
    hops = []
    for c in done:
        t0, first_tid = c["seq"][0][1], c["seq"][0][2]
        seen = collections.Counter()
        for name, t, tid in c["seq"]:
            if name.startswith("sched_"):
                continue
            seen[name] += 1
            key = name if seen[name] == 1 else "%s#%d" % (name, seen[name])
            at[key].append((t - t0) * 1e6)
            threads[key][tid] += 1
        hops.append(sum(1 for n, _, _ in c["seq"] if n == "sched_switch"))
    pick = lambda v, q: sorted(v)[min(len(v) - 1, int(q * len(v)))]  # noqa: E731
    print("%d calls (the first left out), INVITE taken -> nua_invite: p50 %.0f us, p90 %.0f us; "
          "context switches in the server per call: p50 %d" % (
              len(done), pick(at["nuainv"], .5), pick(at["nuainv"], .9), statistics.median(hops)))
    print("%-10s %5s %8s %8s  %s" % ("probe", "calls", "p50 us", "p90 us", "threads (tid: hits)"))
    for key, v in sorted(at.items(), key=lambda kv: statistics.median(kv[1])):
        if len(v) < len(done) // 2:
            continue  # a second offer/reply that only some calls have
        print("%-10s %5d %8.0f %8.0f  %s" % (key, len(v), pick(v, .5), pick(v, .9),
                                              " ".join("%d:%d" % kv for kv in threads[key].most_common(3))))


def report_by_call(perf_data):
    out = subprocess.run(["perf", "script", "-i", perf_data, "-F", "time,event,trace"], capture_output=True,
                         text=True, errors="replace", check=True).stdout
    rx = re.compile(r'call="([^"]+)"')
    order = collections.defaultdict(list)  # probe -> times, in order
    sinc = []
    cact, sring, ering, nua_after = {}, {}, {}, {}
    last_ering = None
    for line in out.splitlines():
        p = line.split()
        if len(p) < 2:
            continue
        t = float(p[0].rstrip(":"))
        group, _, name = p[1].rstrip(":").partition(":")
        if group != GROUP:
            continue
        order[name].append(t)
        m = rx.search(line)
        if name == "flow" and m:
            cact.setdefault(m.group(1), t)
        elif name == "sinc" and m:
            sinc.append((t, m.group(1)))
        elif name == "sring" and m:
            sring.setdefault(m.group(1), t)
        elif name == "ering" and m:
            ering.setdefault(m.group(1), t)
            last_ering = m.group(1)
        elif name == "nuainv" and last_ering is not None:
            nua_after.setdefault(last_ering, t)  # the Sofia thread calls it right after Engine::ring
            last_ering = None
    inv = order["inv"]  # INVITEs taken, paired with the calls handed on by order
    if len(inv) != len(sinc):
        print("note: %d INVITEs taken, %d handed on: the order pairing may be off" % (len(inv), len(sinc)))
    rows = []
    n = min(len(inv), len(sinc))
    for k in range(n // 100, n - n // 100):  # the first and last 1%: the load starting and stopping
        t0, c = sinc[k]
        if c in cact and c in sring and c in ering and c in nua_after:
            rows.append(((t0 - inv[k]), (cact[c] - t0), (sring[c] - cact[c]), (ering[c] - sring[c]),
                         (nua_after[c] - ering[c]), (nua_after[c] - inv[k])))
    if not rows:
        print("no complete call in %s" % perf_data)
        return
    pick = lambda v, q: sorted(v)[min(len(v) - 1, int(q * len(v)))]  # noqa: E731
    names = ["INVITE taken -> handed on (Sofia)", "-> the call's actor starts (supervisor)",
             "-> first ring posted (offers)", "-> taken by the Sofia thread", "-> nua_invite",
             "total: INVITE taken -> nua_invite"]
    print("%d calls; µs" % len(rows))
    print("| hop | p50 | p90 | p99 | mean |")
    print("|---|---:|---:|---:|---:|")
    for i, nm in enumerate(names):
        v = [r[i] * 1e6 for r in rows]
        print("| %s | %.0f | %.0f | %.0f | %.0f |" % (nm, pick(v, .5), pick(v, .9), pick(v, .99), sum(v) / len(v)))
    # Between the worker's steps, paired by order (the k-th call's k-th step;
    # offers, replies and rings come twice per call in ring-all to two; the
    # first step's targets are chosen before the call actor is spawned).
    seq = ["cls", "plan", "sel", "cact", "fstart", "ont", "off", "rep", "sring"]
    twice = ("off", "rep", "sring")
    m = min(len(order[x]) // (2 if x in twice else 1) for x in seq)
    kth = lambda x, k: order[x][2 * k if x in twice else k]  # noqa: E731
    print("worker steps by order, p50 / p90 / p99 µs: " + ", ".join(
        "%s->%s %.0f / %.0f / %.0f" % ((a, b) + tuple(pick([(kth(b, k) - kth(a, k)) * 1e6
                                                             for k in range(m // 100, m - m // 100)], q)
                                                       for q in (.5, .9, .99)))
        for a, b in zip(seq, seq[1:])))


def run(a):
    work = a.work
    os.makedirs(work, exist_ok=True)
    gen = os.path.join(work, "gen")
    pairs = int(a.rate * 1.5) + 10
    subprocess.run([sys.executable, os.path.join(HERE, "gen_pool.py"), "--pairs", str(pairs), "--out", gen,
                    "--sip-port", str(a.port), "--http-port", str(a.port + 28), "--metrics-port", str(a.port + 29),
                    "--agent-base-port", str(a.agent_base_port)], check=True,
                   stdout=subprocess.DEVNULL)
    scen = os.path.join(a.peer_dir, "scenarios")
    srv = servers.Callboard("callboard", "127.0.0.1", a.port, os.path.join(work, "callboard"), a.callboard_bin,
                            gen, a.port + 29, a.port + 28)
    children = []

    def sipp(d, args):
        c = procs.Child(["sipp"] + args + ["-nostdin"], cwd=os.path.join(work, d),
                        log=os.path.join(work, d, "sipp.log"))
        children.append(c)
        return c
    add_probes(os.path.realpath(a.callboard_bin), LIGHT_SKIP if a.by_call else ())
    try:
        os.makedirs(srv.work, exist_ok=True)
        srv.start()
        n = 2 * pairs
        reg = sipp("register", ["127.0.0.1:%d" % a.port, "-sf", os.path.join(scen, "register.xml"),
                                "-inf", os.path.join(gen, "callboard-register.csv"), "-key", "domain",
                                "127.0.0.1:%d" % a.port, "-key", "expires", "7200", "-i", "127.0.0.1",
                                "-p", str(a.agent_base_port - 9), "-m", str(n), "-r", "200", "-timeout", "60s"])
        if reg.wait(70) != 0:
            raise SystemExit("stages.py: registration failed, see %s/register" % work)
        for i, xml in ((1, "uas-answer.xml"), (2, "uas-ring.xml")):
            sipp("agent%d" % i, ["-sf", os.path.join(scen, xml), "-s", "agent%d" % i, "-i", "127.0.0.1",
                                 "-p", str(a.agent_base_port + i), "-d", "50", "-m", str(a.calls),
                                 "-timeout", "%ds" % (a.calls // a.rate + 30)])
        procs.wait_until(lambda: all(procs.udp_bound(a.agent_base_port + i) for i in (1, 2)), 5)
        data = os.path.join(work, "perf.data")
        sched = [] if a.by_call else ["-e", "sched:sched_switch", "-e", "sched:sched_wakeup"]
        perf = procs.Child(["perf", "record", "-e", "%s:*" % GROUP] + sched + ["-p", str(srv.proc.pid), "-o", data],
                           cwd=work, log=os.path.join(work, "perf.log"))
        children.append(perf)
        procs.wait_until(lambda: os.path.exists(data), 10)
        uac = sipp("uac", ["127.0.0.1:%d" % a.port, "-sf", os.path.join(HERE, "uac-pool.xml"),
                           "-inf", os.path.join(gen, "uac.csv"), "-key", "domain", "127.0.0.1:%d" % a.port,
                           "-i", "127.0.0.1", "-p", str(a.agent_base_port - 10), "-r", str(a.rate),
                           "-m", str(a.calls), "-d", "1000", "-timeout", "%ds" % (a.calls // a.rate + 20)])
        uac.wait(a.calls // a.rate + 30)
        perf.stop((signal.SIGINT, signal.SIGTERM, signal.SIGKILL), 30)
        (report_by_call if a.by_call else report)(data)
    finally:
        for c in children:
            if c.poll() is None:
                c.stop((signal.SIGTERM, signal.SIGKILL), 5)
        srv.stop()
        remove_probes()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--callboard-bin")
    ap.add_argument("--report", metavar="PERF_DATA")
    ap.add_argument("--rate", type=int, default=20)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--work", default="/tmp/callboard-bench-routing/stages-%d" % os.getpid())
    ap.add_argument("--peer-dir", default="/work/shared/peer-bench")
    ap.add_argument("--port", type=int, default=27160)
    ap.add_argument("--agent-base-port", type=int, default=27180)
    ap.add_argument("--by-call", action="store_true", help="calls overlap: pair each call's steps by its id")
    a = ap.parse_args()
    if a.report:
        (report_by_call if a.by_call else report)(a.report)
    elif a.callboard_bin:
        if os.path.exists(a.work):
            raise SystemExit("stages.py: %s exists" % a.work)
        run(a)
    else:
        ap.error("--callboard-bin or --report")


if __name__ == "__main__":
    main()
