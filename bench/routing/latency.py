#!/usr/bin/python3
"""Routing latency from a packet capture: INVITE in -> first INVITE out.

  latency.py CAPTURE.pcap --server-port P [--other-port Q ...] [--json] [--skip-first-s S] [--bursts]
  latency.py --table latency.jsonl      (pool.py's results as a Markdown table)

The capture holds the UDP datagrams to and from the SIP server's ports on
loopback (dumpcap -i lo -f "udp port P or udp port Q" -P). For every call,
the first INVITE that reaches the server (destination port P, a new dialog:
no To tag) is paired with the first INVITE the server sends (source port P
or an --other-port Q) for the same call; the difference of the two capture timestamps is the server's
routing latency: parsing, routing, the event appends it waits for (none, in
Callboard) and sending.

Pairing key, in this order:
  1. the SDP o= session id: bench/routing's caller (uac-pool.xml) writes a
     number unique in the run there, and both a proxy and Callboard's B2BUA
     pass the SDP through unchanged;
  2. the Call-ID, which a proxy keeps and a B2BUA does not (peer-bench's
     own caller has no unique o= line).
Retransmissions are ignored (first copy of each INVITE only). Inbound
INVITEs that never got an outbound INVITE are counted as unpaired (the
server answered them itself, e.g. 480 or 404, or the capture ended first).

Also printed: INVITE in -> the server's first 100 Trying for the call
(same Call-ID), p50/p99: how long the INVITE waited before the server
took it, as both Sofia's nta and a proxy answer 100 as they take it.

--bursts: the caller sends its INVITEs in bursts (SIPp starts the calls
due since its last turn together); INVITEs arriving less than 300 µs after
the one before belong to the same burst. Prints how many bursts of each
size came and the latency by position in the burst: a server that routes
one call at a time makes the last of a burst wait for the ones before it.

Python 3 standard library only. Reads classic pcap (microsecond or
nanosecond), link types Ethernet (1), Linux cooked (113, 276), raw IPv4
(101, 228) and BSD loopback (0). IPv4 only; loopback needs no reassembly
(MTU 65536).
"""
import argparse
import json
import math
import re
import struct
import sys

PCAP_MAGIC = {0xA1B2C3D4: ("<", 1e-6), 0xD4C3B2A1: (">", 1e-6),
              0xA1B23C4D: ("<", 1e-9), 0x4D3CB2A1: (">", 1e-9)}


def ip_offset(linktype, frame):
    """Offset of the IPv4 header in a frame, or None when it is not IPv4."""
    if linktype == 1:  # Ethernet
        off, ethertype = 14, struct.unpack_from("!H", frame, 12)[0]
        while ethertype == 0x8100 and len(frame) >= off + 4:  # VLAN tags
            ethertype = struct.unpack_from("!H", frame, off + 2)[0]
            off += 4
        return off if ethertype == 0x0800 else None
    if linktype == 113:  # Linux cooked v1
        return 16 if struct.unpack_from("!H", frame, 14)[0] == 0x0800 else None
    if linktype == 276:  # Linux cooked v2
        return 20 if struct.unpack_from("!H", frame, 0)[0] == 0x0800 else None
    if linktype in (101, 228):  # raw IPv4
        return 0
    if linktype == 0:  # BSD loopback: 4-byte family in host order
        return 4 if frame[:4] in (b"\x02\x00\x00\x00", b"\x00\x00\x00\x02") else None
    raise ValueError("unsupported pcap link type %d" % linktype)


def udp_datagrams(path):
    """Yields (time_s, src_port, dst_port, payload) of every UDP/IPv4 datagram."""
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            raise ValueError("%s: not a pcap file (too short)" % path)
        magic = struct.unpack("<I", head[:4])[0]
        if magic not in PCAP_MAGIC:
            raise ValueError("%s: not a classic pcap file (pcapng? capture with dumpcap -P)" % path)
        endian, unit = PCAP_MAGIC[magic]
        linktype = struct.unpack(endian + "I", head[20:24])[0] & 0x0FFFFFFF
        rec = struct.Struct(endian + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, incl, _orig = rec.unpack(h)
            frame = f.read(incl)
            if len(frame) < incl:
                return  # a capture cut short while writing
            off = ip_offset(linktype, frame)
            if off is None or len(frame) < off + 20 or frame[off] >> 4 != 4:
                continue
            ihl = (frame[off] & 0x0F) * 4
            if frame[off + 9] != 17:  # UDP
                continue
            flags_frag = struct.unpack_from("!H", frame, off + 6)[0]
            if flags_frag & 0x3FFF:  # a fragment: never on loopback
                continue
            u = off + ihl
            if len(frame) < u + 8:
                continue
            sport, dport, ulen = struct.unpack_from("!HHH", frame, u)
            yield sec + frac * unit, sport, dport, frame[u + 8:u + max(8, ulen)]


HDR_RE = {
    "call_id": re.compile(rb"^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)", re.I | re.M),
    "to": re.compile(rb"^(?:To|t)[ \t]*:(.*)$", re.I | re.M),
    "o": re.compile(rb"^o=\S+ (\S+) ", re.M),
}


def invite_info(payload):
    """(call_id, to_has_tag, sdp_session_id) of an INVITE request, else None."""
    if not payload.startswith(b"INVITE "):
        return None
    m = HDR_RE["call_id"].search(payload)
    call_id = m.group(1).decode("latin-1") if m else None
    m = HDR_RE["to"].search(payload)
    to_tag = bool(m and re.search(rb";\s*tag=", m.group(1), re.I))
    sess = None
    body = payload.find(b"\r\n\r\n")
    if body >= 0:
        m = HDR_RE["o"].search(payload, body)
        sess = m.group(1).decode("latin-1") if m else None
    return call_id, to_tag, sess


def pct(sorted_vals, p):
    """Nearest-rank percentile (the same rule as peer-bench's stats.py)."""
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, int(math.ceil(p / 100.0 * len(sorted_vals))) - 1))
    return sorted_vals[k]


def analyse(path, port, skip_first_s=0.0, calls=None, other_ports=()):
    """Latency figures of a capture; `calls`, if a list, gets one
    (arrival time, latency µs) per paired call."""
    inbound = {}   # key -> first arrival time
    outbound = {}  # key -> first departure time
    trying = {}    # inbound Call-ID -> the server's first 100 Trying to it
    in_count = out_count = 0
    datagrams = 0
    first_t = None
    ours = {port, *other_ports}
    for t, sport, dport, payload in udp_datagrams(path):
        if sport not in ours and dport not in ours:
            continue  # pool.py's capture probes
        datagrams += 1
        if first_t is None:
            first_t = t
        info = invite_info(payload)
        if info is None:
            if sport in ours and payload.startswith(b"SIP/2.0 100 "):
                m = HDR_RE["call_id"].search(payload)
                if m:
                    trying.setdefault(m.group(1).decode("latin-1"), t)
            continue
        call_id, to_tag, sess = info
        if to_tag:
            continue  # a re-INVITE inside a dialog, not a new call
        if dport == port and sport not in ours:
            in_count += 1
            for key in (("o", sess), ("cid", call_id)):
                if key[1] is not None and key not in inbound:
                    inbound[key] = t
        elif sport in ours and dport not in ours:
            out_count += 1
            for key in (("o", sess), ("cid", call_id)):
                if key[1] is not None and key not in outbound:
                    outbound[key] = t
    # Pair by o= session id where the inbound ids are unique per call, else by Call-ID.
    calls_in = {k: v for k, v in inbound.items() if k[0] == "cid"}
    by_sess = {k: v for k, v in inbound.items() if k[0] == "o"}
    use_sess = len(by_sess) >= 0.99 * max(1, len(calls_in))
    keyspace = by_sess if use_sess else calls_in
    def in_first_seconds(t_in):
        return first_t is not None and t_in - first_t < skip_first_s

    lat = []
    skipped = []  # the calls of the capture's first skip_first_s seconds
    unpaired = early_calls = 0
    for key, t_in in keyspace.items():
        t_out = outbound.get(key)
        early = in_first_seconds(t_in)
        early_calls += early
        if t_out is None or t_out < t_in:
            unpaired += 0 if early else 1
            continue
        (skipped if early else lat).append((t_out - t_in) * 1e6)
        if calls is not None and not early:
            calls.append((t_in, lat[-1]))
    lat.sort()
    every = sorted(lat + skipped)
    # INVITE in -> the server's 100 Trying (a proxy and Sofia's nta both send
    # it as they take the INVITE): the wait before the server reads it.
    took = sorted((trying[cid] - t_in) * 1e6 for (kind, cid), t_in in calls_in.items()
                  if cid in trying and trying[cid] >= t_in and not in_first_seconds(t_in))
    res = {
        "capture": path, "server_port": port, "paired_by": "sdp-o-session" if use_sess else "call-id",
        "calls_in": len(keyspace) - early_calls, "invites_in": in_count, "invites_out": out_count,
        "paired": len(lat), "unpaired": unpaired, "datagrams": datagrams,
        # SIP datagrams in and out of the server per call: what the server
        # parses and builds (a proxy relays, a B2BUA answers and re-sends)
        "datagrams_per_call": round(datagrams / len(keyspace), 2) if keyspace else float("nan"),
    }
    for name, p in (("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9)):
        res[name + "_us"] = round(pct(lat, p), 1)
    res["max_us"] = round(lat[-1], 1) if lat else float("nan")
    # Every paired call of the capture, its first skip_first_s seconds too.
    res["skipped_calls"] = len(skipped)
    res["all_p50_us"] = round(pct(every, 50), 1)
    res["all_p99_us"] = round(pct(every, 99), 1)
    res["trying_calls"] = len(took)
    for name, p in (("p50", 50), ("p99", 99)):
        res["trying_" + name + "_us"] = round(pct(took, p), 1)
    res["mean_us"] = round(sum(lat) / len(lat), 1) if lat else float("nan")
    return res


def bursts(calls, gap_s=300e-6):
    """Calls grouped by arrival (a gap under gap_s joins the burst before),
    as lists of (arrival, latency µs) in arrival order."""
    out = []
    for t, lat in sorted(calls):
        if out and t - out[-1][-1][0] < gap_s:
            out[-1].append((t, lat))
        else:
            out.append([(t, lat)])
    return out


def print_bursts(calls):
    groups = bursts(calls)
    sizes = {}
    for g in groups:
        sizes[len(g)] = sizes.get(len(g), 0) + 1
    print("bursts: %d; size x count: %s" % (len(groups), ", ".join("%dx%d" % kv for kv in sorted(sizes.items()))))
    by_pos = {}
    for g in groups:
        for i, (_, lat) in enumerate(g):
            by_pos.setdefault(i + 1, []).append(lat)
    print("| position in burst | calls | p50 us | p90 us | p99 us |")
    print("|---:|---:|---:|---:|---:|")
    for pos in sorted(by_pos):
        v = sorted(by_pos[pos])
        print("| %d | %d | %.0f | %.0f | %.0f |" % (pos, len(v), pct(v, 50), pct(v, 90), pct(v, 99)))


def table(path):
    """Markdown table of pool.py's latency.jsonl: one row per try, then the
    median over the tries of each target (the spread is the rows above it)."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    print("| target | cps | try | step | calls paired | p50 us | p90 us | p99 us | max us | p99 us, with the capture's first s "
          "| datagrams/call | srv CPU % | load before |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    targets = []
    for r in rows:
        if r["target"] not in targets:
            targets.append(r["target"])
        print("| %s | %s | %s | %s | %d/%d | %.0f | %.0f | %.0f | %.0f | %s | %s | %s | %s |" % (
            r["target"], r["rate"], r["try"], r["verdict"], r["paired"], r["calls_in"], r["p50_us"],
            r["p90_us"], r["p99_us"], r["max_us"],
            "%.0f" % r["all_p99_us"] if r.get("skipped_calls") else "-",
            r.get("datagrams_per_call", "?"), r["srv_cpu_avg"], r["load_before"]))
    for t in targets:
        rs = [r for r in rows if r["target"] == t]
        med = lambda k: sorted(r[k] for r in rs)[(len(rs) - 1) // 2]  # noqa: E731
        print("| **%s, median of %d** | %s | | | | **%.0f** | %.0f | **%.0f** | %.0f | %s | | | |" % (
            t, len(rs), rs[0]["rate"], med("p50_us"), med("p90_us"), med("p99_us"), med("max_us"),
            "%.0f" % med("all_p99_us") if all(r.get("skipped_calls") for r in rs) else "-"))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--table":
        table(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture")
    ap.add_argument("--server-port", type=int, required=True, help="where the callers' INVITEs arrive")
    ap.add_argument("--other-port", type=int, action="append", default=[],
                    help="another port the server sends from (Callboard's sip.dialog_port)")
    ap.add_argument("--skip-first-s", type=float, default=0.0,
                    help="ignore calls that arrive in the first S seconds of the capture (warm-up)")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of text")
    ap.add_argument("--bursts", action="store_true", help="latency by position in the caller's bursts")
    a = ap.parse_args()
    calls = [] if a.bursts else None
    try:
        r = analyse(a.capture, a.server_port, a.skip_first_s, calls, a.other_port)
    except (OSError, ValueError) as e:
        sys.exit("latency.py: %s" % e)
    if a.json:
        print(json.dumps(r))
        return
    print("%(capture)s: %(calls_in)d calls in measured (%(invites_in)d INVITEs in, %(invites_out)d out), "
          "%(paired)d paired by %(paired_by)s, %(unpaired)d unpaired; "
          "%(datagrams_per_call).1f datagrams per call" % r)
    print("INVITE in -> first INVITE out, us: p50 %(p50_us).1f  p90 %(p90_us).1f  p99 %(p99_us).1f  "
          "p99.9 %(p999_us).1f  max %(max_us).1f  mean %(mean_us).1f" % r)
    if r["skipped_calls"]:
        print("  with the %(skipped_calls)d calls of the first seconds left out; every call: "
              "p50 %(all_p50_us).1f  p99 %(all_p99_us).1f" % r)
    if r["trying_calls"]:
        print("INVITE in -> 100 Trying out (%(trying_calls)d calls), us: p50 %(trying_p50_us).1f  "
              "p99 %(trying_p99_us).1f" % r)
    if a.bursts:
        print_bursts(calls)


if __name__ == "__main__":
    main()
