"""Feeds the whole server hostile SIP, inside a network namespace with only
loopback (test_hostile.py creates it and runs this file in it), so no lookup
of example.com and no reply to a broadcast address can leave the machine.

Exit code 0 when the server answered what deserves an answer, stayed up,
counted the bad input, and still registered a phone and completed a call.
"""
import re
import socket
import sys
import time

from harness import (DEMO_AGENTS, IVAN, Server, Sipp, free_port, new_workdir, register_phone,
                     remove_workdir, wait_for)


SDP = ("v=0\r\no=x 1 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n"
       "m=audio 4000 RTP/AVP 0\r\n")


def request(method, uri, *, via_host="127.0.0.1", port=0, rport=True, extra="", body="",
            call_id=None, from_host="example.com", max_forwards=70, cseq=None):
    call_id = call_id or f"hostile-{time.monotonic_ns()}@example.com"
    via = f"SIP/2.0/UDP {via_host}:{port};branch=z9hG4bK{time.monotonic_ns()}" + (";rport" if rport else "")
    lines = [f"{method} {uri} SIP/2.0", f"Via: {via}", f"Max-Forwards: {max_forwards}",
             f"From: <sip:+375291234567@{from_host}>;tag=h1", f"To: <{uri}>",
             f"Call-ID: {call_id}", f"CSeq: {cseq or '1 ' + method}",
             "Contact: <sip:evil@example.com:5060>"]
    if extra:
        lines.append(extra)
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


class Probe:
    """A UDP socket that sends requests and reads the responses to them,
    ACKing final non-2xx responses to INVITEs as a UAC must (RFC 3261
    §17.1.1.3), so the server stops retransmitting them."""

    def __init__(self, server):
        self.server_addr = ("127.0.0.1", server.sip_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def send(self, data):
        self.sock.sendto(data, self.server_addr)

    def ack(self, response):
        head = response.split(b"\r\n\r\n", 1)[0].decode(errors="replace").split("\r\n")
        hdr = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            hdr.setdefault(name.strip().lower(), value.strip())
        if not hdr.get("cseq", "").endswith("INVITE"):
            return
        number = hdr["cseq"].split()[0]
        uri = re.search(r"<([^>]*)>", hdr["to"]).group(1)
        ack = (f"ACK {uri} SIP/2.0\r\nVia: {hdr['via']}\r\nMax-Forwards: 70\r\n"
               f"From: {hdr['from']}\r\nTo: {hdr['to']}\r\nCall-ID: {hdr['call-id']}\r\n"
               f"CSeq: {number} ACK\r\nContent-Length: 0\r\n\r\n")
        self.send(ack.encode())

    def finals(self, within, prefix, expect):
        """Call-IDs starting with `prefix` that got a final response, read
        for up to `within` s or until `expect` new ones came."""
        seen = set()
        self.sock.settimeout(0.1)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline and len(seen) < expect:
            try:
                data, _ = self.sock.recvfrom(70000)
            except socket.timeout:
                continue
            m = re.match(rb"SIP/2\.0 (\d{3})", data)
            cid = re.search(rb"Call-ID: (\S+)", data)
            if not m or not cid:
                continue
            if int(m.group(1)) >= 300:
                self.ack(data)
                if cid.group(1).decode().startswith(prefix):
                    seen.add(cid.group(1).decode())
        return seen

    def responses(self, within=2.0, until=None, call_id=None):
        """Status codes received within `within` s, for one Call-ID when
        given (stops early once `until` is seen)."""
        codes = []
        self.sock.settimeout(0.1)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                data, _ = self.sock.recvfrom(70000)
            except socket.timeout:
                continue
            m = re.match(rb"SIP/2\.0 (\d{3})", data)
            if not m:
                continue
            code = int(m.group(1))
            if code >= 300:
                self.ack(data)
            if call_id and f"Call-ID: {call_id}".encode() not in data:
                continue
            codes.append(code)
            if until and code == until:
                break
        return codes


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok  ", what, flush=True)


def main():
    workdir = new_workdir("hostile")
    server = Server(workdir)
    server.start()
    try:
        probe = Probe(server)
        sip_uri = f"sip:100@127.0.0.1:{server.sip_port}"

        # 1. Bytes that are not SIP at all, a near-maximal datagram, NULs.
        probe.send(b"\x16\x03\x01\x02\x00 TLS hello? " + b"\xff" * 200)
        probe.send(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
        probe.send(b"INVITE\r\n\r\n")
        probe.send(b"X" * 60000)
        probe.send(request("OPTIONS", sip_uri, port=probe.port).replace(b"OPTIONS", b"OPT\x00IONS", 1))
        check(probe.responses(within=1.0) in ([], [400], [400, 400]), "garbage gets silence or 400")

        # 2. An INVITE from a foreign host with a foreign Contact: routed like
        #    any unknown caller (nobody is registered: 480), answered to the
        #    source address (rport), never to example.com.
        probe.send(request("INVITE", sip_uri, via_host="example.com", port=5060, rport=True,
                           extra="Content-Type: application/sdp", body=SDP, call_id="foreign-1@example.com"))
        codes = probe.responses(within=5.0, until=480, call_id="foreign-1@example.com")
        check(480 in codes, f"a foreign caller with nobody free gets 480 at its source (got {codes})")

        # 3. Max-Forwards 0, a CANCEL and a BYE for nothing, an unsolicited
        #    response, a request for a foreign domain, an absurd CSeq.
        probe.send(request("OPTIONS", sip_uri, port=probe.port, max_forwards=0, call_id="mf-1@x"))
        codes = probe.responses(within=2.0, until=200, call_id="mf-1@x")
        check(codes and codes[-1] in (200, 483), f"OPTIONS with Max-Forwards: 0 is answered ({codes})")
        probe.send(request("INVITE", sip_uri, port=probe.port, max_forwards=0, call_id="mf-2@x",
                           extra="Content-Type: application/sdp", body=SDP))
        codes = probe.responses(within=3.0, call_id="mf-2@x")
        check(codes and codes[-1] in (480, 483), f"INVITE with Max-Forwards: 0 is refused ({codes})")
        probe.send(request("INVITE", sip_uri, port=probe.port, call_id="late-offer@x"))
        codes = probe.responses(within=3.0, call_id="late-offer@x")
        check(codes and codes[-1] == 488, f"an INVITE without SDP (late offer) gets 488 ({codes})")
        probe.send(request("CANCEL", sip_uri, port=probe.port, call_id="cancel-1@x"))
        check(481 in probe.responses(within=2.0, until=481, call_id="cancel-1@x"),
              "CANCEL for no transaction gets 481")
        probe.send(request("BYE", sip_uri, port=probe.port, call_id="bye-1@x"))
        check(481 in probe.responses(within=2.0, until=481, call_id="bye-1@x"), "BYE for no dialog gets 481")
        probe.send(b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKnothing\r\n"
                   b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
                   b"Call-ID: stray@example.com\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
        probe.send(request("OPTIONS", "sip:100@example.com", port=probe.port))
        probe.send(request("OPTIONS", sip_uri, port=probe.port, cseq="99999999999999999999 OPTIONS"))
        probe.send(request("REGISTER", f"sip:127.0.0.1:{server.sip_port}", port=probe.port,
                           extra="Expires: -5"))
        probe.responses(within=1.5)

        # 4. A phone that authenticates correctly but registers a broadcast
        #    or multicast Contact is refused: Callboard must never send an
        #    INVITE to a broadcast address.
        bad = Sipp(workdir, "register-broadcast", "register-bad-contact.xml", server.sip_target,
                   free_port(also_udp=True), "-au", "203", "-ap", DEMO_AGENTS["vera"][2],
                   "-key", "user", "203", "-key", "contact_host", "255.255.255.255", timeout=10)
        check(bad.wait() == 0, "a broadcast Contact is refused with 400")
        bad = Sipp(workdir, "register-multicast", "register-bad-contact.xml", server.sip_target,
                   free_port(also_udp=True), "-au", "203", "-ap", DEMO_AGENTS["vera"][2],
                   "-key", "user", "203", "-key", "contact_host", "224.0.0.1", timeout=10)
        check(bad.wait() == 0, "a multicast Contact is refused with 400")

        # 5. TCP: garbage, a request cut in the middle, then the connection closed.
        t = socket.create_connection(("127.0.0.1", server.sip_port), timeout=5)
        t.sendall(b"\x00\x01\x02garbage over tcp\r\n\r\n")
        t.sendall(request("OPTIONS", sip_uri, port=probe.port)[:40])
        t.close()

        # 6. A burst of 300 INVITEs from foreign callers, 50 at a time (a
        #    real UAC would retransmit what a full socket buffer drops; this
        #    probe does not), each answered with 480.
        answered = set()
        for chunk in range(6):
            for i in range(chunk * 50, chunk * 50 + 50):
                probe.send(request("INVITE", sip_uri, via_host="198.51.100.7", port=probe.port,
                                   rport=True, call_id=f"burst-{i}@example.com",
                                   extra="Content-Type: application/sdp", body=SDP))
            answered |= probe.finals(within=3.0, prefix="burst-", expect=(chunk + 1) * 50 - len(answered))
        check(len(answered) == 300, f"a burst of 300 INVITEs is answered ({len(answered)} answered)")

        # The server is up, counted the bad input, and still does its job.
        check(server.proc.poll() is None, "the server is still running")
        metrics = server.metrics_text()
        m = re.search(r"callboard_sip_malformed_messages_total ([0-9.e+]+)", metrics)
        check(m and float(m.group(1)) >= 1, f"malformed messages are counted ({m and m.group(1)})")
        def no_agent_count():
            m = re.search(r'callboard_calls_total\{outcome="no_agent"\} ([0-9.e+]+)', server.metrics_text())
            return float(m.group(1)) >= 302 if m else False  # the burst and the two foreign INVITEs
        wait_for(no_agent_count, 10, "the refused calls to be counted as no_agent")
        check(True, "the refused calls are counted as no_agent")
        supervisor = server.session("olga")
        status, board = supervisor.get("/api/agents")
        check(not {a["login"]: a for a in board["agents"]}["vera"]["registered"],
              "vera's broadcast registration did not bind")

        phone_port = free_port(also_udp=True)
        reg = register_phone(server, workdir, "201", DEMO_AGENTS["anna"][2], phone_port)
        check(reg.proc.returncode == 0, "a phone still registers")
        anna = Sipp(workdir, "anna", "agent-answer.xml", server.sip_target, phone_port, "-d", "100")
        caller = Sipp(workdir, "caller", "caller.xml", server.sip_target, free_port(also_udp=True),
                      "-key", "caller", IVAN, "-key", "caller_name", "", "-key", "dialled", "100",
                      "-d", "200")
        check(caller.wait() == 0 and anna.wait() == 0, "a call still completes")
        check(server.stop() == 0, "the server stops cleanly")
    except BaseException:
        print(server.log(), file=sys.stderr)
        raise
    finally:
        server.stop()
        remove_workdir(workdir)


if __name__ == "__main__":
    main()
