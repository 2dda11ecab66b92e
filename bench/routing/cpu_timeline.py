#!/usr/bin/env python3
"""The server's CPU over one step, window by window (bench/routing).

pool.py samples the server's CPU ticks every second of a step
(srv_cpu.samples) and its resident memory (rss.samples). This prints, for
each window of --every seconds from the step's start: the server's CPU in
% of one core, the CPU ms per call at the step's nominal rate (meaningful
while the callers keep that rate: compare the step's achieved rate), and
the resident memory at the window's end.

Usage: cpu_timeline.py STEP_DIR [--every 10] [--json]
(STEP_DIR: $WORK/callboard/pool2/r2800-t1 and the like)
"""

import argparse
import json
import os
import sys


def read_pairs(path):
    """[(epoch, value)] of a samples file; [] when the file is missing."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                out.append((float(parts[0]), int(parts[1])))
    return out


def read_meta(step_dir):
    meta = {}
    with open(os.path.join(step_dir, "meta.env")) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    return meta


def windows(step_dir, every):
    meta = read_meta(step_dir)
    rate = float(meta["RATE"])
    clk = float(meta.get("CLK_TCK", "100"))
    cpu = read_pairs(os.path.join(step_dir, "srv_cpu.samples"))
    rss = read_pairs(os.path.join(step_dir, "rss.samples"))
    if len(cpu) < 2:
        return []
    t0 = cpu[0][0]
    rows = []
    start = cpu[0]
    for t, ticks in cpu[1:]:
        if t - start[0] < every - 0.5 and (t, ticks) != cpu[-1]:
            continue
        span = t - start[0]
        core = (ticks - start[1]) / clk / span
        mem = [v for (ts, v) in rss if ts <= t]
        rows.append({
            "from_s": round(start[0] - t0, 1),
            "to_s": round(t - t0, 1),
            "core_pct": round(100 * core, 1),
            "ms_per_call_at_rate": round(1000 * core / rate, 3),
            "rss_mb": (mem[-1] // 1024) if mem else None,
        })
        start = (t, ticks)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step_dir")
    ap.add_argument("--every", type=float, default=10.0, help="window length, seconds")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = windows(a.step_dir, a.every)
    if not rows:
        sys.exit("no CPU samples in %s" % a.step_dir)
    if a.json:
        print(json.dumps(rows))
        return
    print("%9s %9s %8s %12s %8s" % ("from_s", "to_s", "core%", "ms/call@rate", "rss_MB"))
    for r in rows:
        print("%9.1f %9.1f %8.1f %12.3f %8s" % (r["from_s"], r["to_s"], r["core_pct"],
                                                r["ms_per_call_at_rate"],
                                                "-" if r["rss_mb"] is None else r["rss_mb"]))


if __name__ == "__main__":
    main()
