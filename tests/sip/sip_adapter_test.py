#!/usr/bin/python3
"""Integration test of the SIP adapter: the real SipServer (in sip_harness,
with a scripted CallSignals) against real SIPp processes over 127.0.0.1.

Every SIPp run is bounded (-m, -timeout with -timeout_error, -recv_timeout,
and a hard deadline here) and awaited; assertions are on SIPp's exit codes,
on the messages SIPp logged (-trace_msg), and on the signal lines the
harness prints. Nothing sleeps to synchronise: the script waits for a
harness line, for a process to exit, or for a UDP port to be bound.

Usage: sip_adapter_test.py --harness PATH --scenarios DIR [--port 25060]
       [--dialog-port P] [--workdir DIR] [--load-calls N] [--load-rate CPS] [--soak N] [--keep]
Ports: server --port (UDP+TCP); SIPp agents on port+21, +22, +31, a
click-to-call "client" on port+23; callers, registrations and probes on
port+10..+15. With --dialog-port the server has its second port
(sip.dialog_port) and every case runs against that server: callers other
than test_dialog_contact's still send inside their dialogs to --port.
"""

import argparse
import os
import re
import shutil
import socket
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sip_test_tools import (Failure, Harness, Sipp, body, check, find,  # noqa: E402
                            first_line, header, header_all, is_invite, is_invite_200,
                            sipp_messages)


# --------------------------------------------------------------------------
# The test cases, run in order against one server


class Suite:
    def __init__(self, args):
        self.args = args
        p = args.port
        self.port = p
        self.agent1, self.agent2, self.agent1b = p + 21, p + 22, p + 31
        self.client = p + 23  # click-to-call's called party (the outbound route)
        self.caller_port, self.reg_port, self.probe_port = p + 10, p + 11, p + 12
        self.workdir = args.workdir
        self.harness = Harness(
            [args.harness, "--listen", "127.0.0.1:%d" % p, "--realm", "callboard"] +
            (["--dialog-port", str(args.dialog_port)] if args.dialog_port else []) + [
             "--min-expires", "2", "--max-expires", "3600", "--default-expires", "600",
             "--nonce-lifetime", "2",
             "--account", "sip1:secret1:agent1",
             "--account", "sip2:secret2:agent2",
             "--account", "sip3:secret3:agent3"],
            self.workdir)
        self.sipp = Sipp(args.scenarios, self.workdir, p)

    # helpers ----------------------------------------------------------------

    def register(self, user, password, contact_port, expires, scenario="register-digest.xml"):
        return self.sipp.run("register-%s" % user, scenario, self.reg_port,
                             ["-au", user, "-ap", password, "-key", "user", user,
                              "-key", "contact_port", str(contact_port), "-key", "expires", str(expires)])

    def caller(self, scenario="caller.xml", hold_ms=200, **kw):
        return self.sipp.start("caller", scenario, self.caller_port,
                               ["-d", str(hold_ms), "-key", "caller", "+375291234567",
                                "-key", "caller_name", "Ivan Petrov", "-key", "dialled", "100"], **kw)

    def agent(self, scenario, port, delay_ms=0, calls=1, timeout_s=20, transport="u1"):
        return self.sipp.start("agent-%d" % port, scenario, port,
                               ["-d", str(delay_ms), "-t", transport],
                               remote=False, calls=calls, timeout_s=timeout_s,
                               tcp=transport == "t1")

    def answered_call(self, mark, caller_scenario, hold_ms, agent_delay_ms=0):
        """agent1 answers (agent-answer.xml) a call from `caller_scenario`,
        who hangs up after hold_ms; returns the call's id and the messages
        the caller and the agent logged."""
        agent = self.agent("agent-answer.xml", self.agent1, delay_ms=agent_delay_ms)
        caller = self.caller(caller_scenario, hold_ms=hold_ms)
        self.sipp.wait(caller)
        self.sipp.wait(agent)
        call = self.call_id_after(mark)
        self.harness.wait_for(r"^caller_hung_up %s$" % call, mark)
        return call, sipp_messages(caller["msg"]), sipp_messages(agent["msg"])

    def call_id_after(self, mark):
        return self.harness.wait_for(r"^incoming (\S+) ", mark).group(1)

    def signals_for(self, call, mark):
        return [l for l in self.harness.since(mark) if re.match(r"^\w+ %s( |$)" % re.escape(call), l)]

    def assert_quiescent(self):
        snap = self.harness.snapshot()
        check(snap["calls"] == 0 and snap["handles"] == 0,
              "server still holds state after the calls ended: %s" % snap)
        return snap

    # cases ------------------------------------------------------------------

    def test_server_ready(self):
        self.harness.wait_for(r"^ready$", 0, timeout=10)

    def test_register_rejections(self):
        m = self.harness.mark()
        self.register("sip3", "wrong-password", self.agent2, 3600, "register-wrong-password.xml")
        self.harness.wait_for(r"^metric auth_failed bad_password$", m)
        self.register("ghost", "whatever", self.agent2, 3600, "register-wrong-password.xml")
        self.harness.wait_for(r"^metric auth_failed unknown_user$", m)
        run = self.register("sip1", "secret1", self.agent1, 1, "register-interval-too-brief.xml")
        resp = find(sipp_messages(run["msg"]), "received", lambda x: first_line(x).startswith("SIP/2.0 423"), "423")
        check(header(resp, "Min-Expires") == "2", "423 without Min-Expires: 2")
        check(not any(l.startswith("agent_registered") for l in self.harness.since(m)),
              "a refused REGISTER registered somebody: %s" % self.harness.since(m))

    def test_register_stale_nonce(self):
        m = self.harness.mark()
        # Nonce lifetime is 2 s in this server: answer the challenge after 3.5 s.
        self.sipp.run("register-stale", "register-stale-nonce.xml", self.reg_port,
                      ["-d", "3500", "-au", "sip3", "-ap", "secret3", "-key", "user", "sip3",
                       "-key", "contact_port", str(self.agent2), "-key", "expires", "0"])
        lines = self.harness.since(m)
        check("metric response_sent 401" in lines and "metric response_sent 200" in lines,
              "no 401/200 counted: %s" % lines)
        check(not any(l.startswith("metric auth_failed") for l in lines),
              "a stale nonce with the right password is not an authentication failure: %s" % lines)

    def test_register_agent1(self):
        m = self.harness.mark()
        run = self.register("sip1", "secret1", self.agent1, 3600)
        self.harness.wait_for(r"^agent_registered agent1 sip:sip1@127\.0\.0\.1:%d;transport=UDP$" % self.agent1, m)
        msgs = sipp_messages(run["msg"])
        challenge = find(msgs, "received", lambda x: first_line(x).startswith("SIP/2.0 401"), "401")
        www = header(challenge, "WWW-Authenticate") or ""
        check('realm="callboard"' in www and 'qop="auth"' in www and "nonce=" in www,
              "bad challenge: %s" % www)
        ok = find(msgs, "received", lambda x: first_line(x).startswith("SIP/2.0 200"), "200")
        contact = header_all(ok, "Contact")
        check(re.search(r"<sip:sip1@127\.0\.0\.1:%d;transport=UDP>;expires=(3600|3599)" % self.agent1, contact),
              "200 does not list the binding: %s" % contact)

    def test_call_single_agent(self):
        m = self.harness.mark()
        call, cm, am = self.answered_call(m, "caller.xml", 200, 100)
        lines = self.harness.since(m)
        check('incoming %s +375291234567 "Ivan Petrov" 100' % call in lines, "incoming line: %s" % lines)
        check("action ring %s 1 sip1" % call in lines, "sip1 was not rung")
        check(not any(l.startswith("action ring %s 2" % call) for l in lines),
              "a second agent was rung (sip3 must never be): %s" % lines)
        for expected in ("leg_ringing %s 1" % call, "leg_answered %s 1" % call):
            check(expected in lines, "missing signal '%s' in %s" % (expected, lines))
        check(not any(l.startswith(("leg_failed", "leg_hung_up")) for l in self.signals_for(call, m)),
              "unexpected leg signal: %s" % lines)
        # SDP passes through byte for byte, both ways.
        offer_sent = body(find(cm, "sent", is_invite, "INVITE"))
        offer_seen = body(find(am, "received", is_invite, "INVITE"))
        check(offer_sent and offer_sent == offer_seen,
              "the caller's SDP changed on its way:\n%r\n%r" % (offer_sent, offer_seen))
        answer_sent = body(find(am, "sent", is_invite_200, "200 to INVITE"))
        answer_seen = body(find(cm, "received", is_invite_200, "200 to INVITE"))
        check(answer_sent and answer_sent == answer_seen,
              "the agent's SDP changed on its way:\n%r\n%r" % (answer_sent, answer_seen))
        ringing = find(cm, "received", lambda x: first_line(x).startswith("SIP/2.0 180"), "180")
        check(first_line(ringing) == "SIP/2.0 180 Ringing", "180 relayed as %r" % first_line(ringing))
        invite = find(am, "received", is_invite, "INVITE")
        check(header(invite, "From").startswith('"Ivan Petrov" <sip:+375291234567@'),
              "From does not show the caller: %s" % header(invite, "From"))
        check(header(invite, "To").startswith("<sip:sip1@"), "To is not the agent: %s" % header(invite, "To"))
        self.assert_quiescent()

    def test_dialog_contact(self):
        """Where the server's dialogs are: the caller's 200 and the agent's
        INVITE (its Via and Contact) name the dialog port when there is one,
        else the listen port; a caller sending its ACK and BYE there, as a
        phone does (RFC 3261 12.2.1.1: no route set, so the Contact), ends
        the call."""
        port = self.args.dialog_port or self.port
        _, cm, am = self.answered_call(self.harness.mark(), "caller-to-contact.xml", 200, 100)
        ok = find(cm, "received", is_invite_200, "200 to INVITE")
        check(header(ok, "Contact") == "<sip:127.0.0.1:%d>" % port,
              "the caller's 200 names %r, not port %d" % (header(ok, "Contact"), port))
        bye = find(cm, "sent", lambda x: first_line(x).startswith("BYE "), "BYE")
        check(first_line(bye) == "BYE sip:127.0.0.1:%d SIP/2.0" % port, "the caller's BYE: %r" % first_line(bye))
        invite = find(am, "received", is_invite, "INVITE")
        check(re.match(r"SIP/2\.0/UDP 127\.0\.0\.1:%d;" % port, header(invite, "Via") or ""),
              "the agent's INVITE came with Via %r, not port %d" % (header(invite, "Via"), port))
        check(header(invite, "Contact") == "<sip:127.0.0.1:%d>" % port,
              "the agent's INVITE names %r, not port %d" % (header(invite, "Contact"), port))
        agent_bye = find(am, "received", lambda x: first_line(x).startswith("BYE "), "BYE to the agent")
        check(re.match(r"SIP/2\.0/UDP 127\.0\.0\.1:%d;" % port, header(agent_bye, "Via") or ""),
              "the agent's BYE came with Via %r" % header(agent_bye, "Via"))
        self.assert_quiescent()

    def test_caller_reinvite(self):
        _, cm, am = self.answered_call(self.harness.mark(), "caller-reinvite.xml", 100)
        answers = [body(x) for d, x in cm if d == "received" and is_invite_200(x)]
        agent_answer = body(find(am, "sent", is_invite_200, "200 to INVITE"))
        check(len(answers) >= 2 and all(a == agent_answer for a in answers),
              "a session refresh must be answered with the agent's SDP, unchanged")
        refused = find(cm, "received", lambda x: first_line(x).startswith("SIP/2.0 488"), "488")
        check((header(refused, "CSeq") or "").startswith("3 "), "488 is not for the media change")
        check(sum(1 for d, x in am if d == "received" and is_invite(x)) == 1,
              "a re-INVITE reached the agent")
        self.assert_quiescent()

    def test_call_two_agents_one_answers(self):
        m = self.harness.mark()
        self.register("sip2", "secret2", self.agent2, 3600)
        self.harness.wait_for(r"^agent_registered agent2 ", m)
        a1 = self.agent("agent-answer.xml", self.agent1, delay_ms=300)
        a2 = self.agent("agent-ring-cancelled.xml", self.agent2)
        caller = self.caller()
        for run in (caller, a1, a2):
            self.sipp.wait(run)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^caller_hung_up %s$" % call, m)
        sig = self.signals_for(call, m)
        check("leg_answered %s 1" % call in sig, "leg 1 not answered: %s" % sig)
        check(not any(l.startswith(("leg_failed", "leg_answered %s 2" % call)) for l in sig),
              "the cancelled leg was reported: %s" % sig)
        cancel = find(sipp_messages(a2["msg"]), "received", lambda x: first_line(x).startswith("CANCEL "), "CANCEL")
        check(cancel is not None, "agent 2 got no CANCEL")
        self.assert_quiescent()

    def test_caller_cancels_while_two_ring(self):
        m = self.harness.mark()
        a1 = self.agent("agent-ring-cancelled.xml", self.agent1)
        a2 = self.agent("agent-ring-cancelled.xml", self.agent2)
        caller = self.caller("caller-cancel.xml", hold_ms=1000)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^leg_ringing %s " % call, m)
        # While it rings (the caller waits 1 s before CANCEL): a third leg to
        # a user with no binding fails at once with 480.
        self.harness.send("ring %s 9 sip3" % call)
        self.harness.wait_for(r"^leg_failed %s 9 480$" % call, m)
        for run in (caller, a1, a2):
            self.sipp.wait(run)
        self.harness.wait_for(r"^caller_cancelled %s$" % call, m)
        lines = self.harness.since(m)
        after = lines[lines.index("caller_cancelled %s" % call) + 1:]
        check(not any(re.match(r"^leg_\w+ %s " % call, l) for l in after),
              "leg signals after release: %s" % after)
        self.assert_quiescent()

    def test_agent_hangs_up(self):
        m = self.harness.mark()
        a1 = self.agent("agent-hangup.xml", self.agent1, delay_ms=300)
        a2 = self.agent("agent-ring-cancelled.xml", self.agent2)
        caller = self.caller("caller-hungup.xml")
        for run in (caller, a1, a2):
            self.sipp.wait(run)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^leg_hung_up %s 1$" % call, m)
        sig = self.signals_for(call, m)
        check(not any(l.startswith("caller_hung_up") for l in sig), "caller_hung_up reported: %s" % sig)
        bye = find(sipp_messages(caller["msg"]), "received", lambda x: first_line(x).startswith("BYE "), "BYE")
        check(bye is not None, "caller got no BYE")
        self.assert_quiescent()

    def test_fork_inside_one_leg(self):
        m = self.harness.mark()
        self.register("sip2", "secret2", self.agent2, 0)
        self.harness.wait_for(r"^agent_unregistered agent2 unregistered$", m)
        run = self.register("sip1", "secret1", self.agent1b, 3600)
        ok = find(sipp_messages(run["msg"]), "received", lambda x: first_line(x).startswith("SIP/2.0 200"), "200")
        contacts = header_all(ok, "Contact")
        check(str(self.agent1) in contacts and str(self.agent1b) in contacts,
              "200 does not list both bindings of sip1: %s" % contacts)
        check(not any(l.startswith("agent_registered agent1") for l in self.harness.since(m)),
              "a second contact re-registered the agent")
        m = self.harness.mark()
        a1 = self.agent("agent-answer.xml", self.agent1b, delay_ms=300)
        a2 = self.agent("agent-ring-cancelled.xml", self.agent1)
        caller = self.caller()
        for r in (caller, a1, a2):
            self.sipp.wait(r)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^caller_hung_up %s$" % call, m)
        lines = self.harness.since(m)
        check([l for l in lines if l.startswith("action ring %s" % call)] == ["action ring %s 1 sip1" % call],
              "expected one leg for sip1: %s" % lines)
        check(lines.count("leg_answered %s 1" % call) == 1, "leg_answered not exactly once: %s" % lines)
        check(lines.count("leg_ringing %s 1" % call) == 1,
              "two ringing contacts must give one leg_ringing: %s" % lines)
        answer = body(find(sipp_messages(caller["msg"]), "received", is_invite_200, "200"))
        check(("agent-%d" % self.agent1b).encode() in answer, "the answering contact's SDP did not win")
        self.assert_quiescent()

    def test_all_contacts_busy(self):
        m = self.harness.mark()
        a1 = self.agent("agent-busy.xml", self.agent1)
        a2 = self.agent("agent-busy.xml", self.agent1b)
        caller = self.caller("caller-rejected.xml")
        for r in (caller, a1, a2):
            self.sipp.wait(r)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^leg_failed %s 1 486$" % call, m)
        final = find(sipp_messages(caller["msg"]), "received",
                     lambda x: re.match(r"SIP/2.0 [3-6]\d\d", first_line(x)), "final response")
        check(first_line(final).startswith("SIP/2.0 486"), "caller got %s" % first_line(final))
        self.assert_quiescent()

    def test_odd_and_malformed_requests(self):
        m = self.harness.mark()
        self.sipp.run("options", "options.xml", self.probe_port)
        self.sipp.run("unknown-method", "unknown-method.xml", self.probe_port)
        self.sipp.run("bye-no-dialog", "bye-no-dialog.xml", self.probe_port)
        self.harness.wait_for(r"^metric request FROBNICATE$", m)
        self.harness.wait_for(r"^metric request BYE$", m)

        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", self.probe_port))
        sock.settimeout(1.0)
        server = ("127.0.0.1", self.port)
        try:
            before = self.harness.count(r"^metric malformed$")
            sock.sendto(b"garbage \xff\x01\x02 not sip at all\r\n\r\n", server)
            # Binary noise, not starting with 0x00/0x01 (Sofia's STUN
            # responder takes those for NAT keep-alives).
            sock.sendto(bytes((i * 7 + 3) % 256 for i in range(700)), server)
            no_call_id = ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-nocallid\r\n"
                          "From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1:%d>\r\n"
                          "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
                          % (self.port, self.probe_port, self.port)).encode()
            sock.sendto(no_call_id, server)
            # Garbage is dropped; the request without Call-ID gets a 400.
            answers = []
            while True:
                try:
                    answers.append(sock.recv(65535))
                except socket.timeout:
                    break
            check(len(answers) == 1 and answers[0].startswith(b"SIP/2.0 400"),
                  "expected one 400 (for the missing Call-ID) and silence for the garbage, got %r"
                  % [a[:40] for a in answers])
            self.harness.wait_count(r"^metric malformed$", before + 3, timeout=5)
        finally:
            sock.close()
        check(self.harness.proc.poll() is None, "the server died on malformed input")
        # ...and still completes a call.
        self.test_call_after_odd_requests()

    def test_call_after_odd_requests(self):
        m = self.harness.mark()
        a1 = self.agent("agent-answer.xml", self.agent1)
        a2 = self.agent("agent-ring-cancelled.xml", self.agent1b)
        caller = self.caller()
        for r in (caller, a1, a2):
            self.sipp.wait(r)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^caller_hung_up %s$" % call, m)
        self.assert_quiescent()

    def test_binding_expires(self):
        m = self.harness.mark()
        self.register("sip2", "secret2", self.agent2, 2)
        self.harness.wait_for(r"^agent_registered agent2 ", m)
        self.harness.wait_for(r"^agent_unregistered agent2 expired$", m, timeout=8)

    def test_call_over_tcp_forked_with_udp(self):
        m = self.harness.mark()
        # sip1 keeps 25081 over UDP; its 25091 binding moves from UDP to TCP.
        self.register("sip1", "secret1", self.agent1b, 0)
        self.sipp.run("register-sip1-tcp", "register-digest.xml", self.reg_port + 3,
                      ["-t", "t1", "-au", "sip1", "-ap", "secret1", "-key", "user", "sip1",
                       "-key", "contact_port", str(self.agent1b), "-key", "expires", "3600"])
        a_udp = self.agent("agent-ring-cancelled.xml", self.agent1)
        a_tcp = self.agent("agent-answer.xml", self.agent1b, delay_ms=200, transport="t1")
        caller = self.sipp.start("caller-tcp", "caller.xml", self.caller_port + 5,
                                 ["-t", "t1", "-d", "100", "-key", "caller", "+375291234567",
                                  "-key", "caller_name", "Ivan Petrov", "-key", "dialled", "100"])
        for r in (caller, a_udp, a_tcp):
            self.sipp.wait(r)
        call = self.call_id_after(m)
        self.harness.wait_for(r"^caller_hung_up %s$" % call, m)
        answer = body(find(sipp_messages(caller["msg"]), "received", is_invite_200, "200"))
        check(("agent-%d" % self.agent1b).encode() in answer, "the TCP contact did not answer")
        self.sipp.run("unregister-sip1-tcp", "register-digest.xml", self.reg_port + 3,
                      ["-t", "t1", "-au", "sip1", "-ap", "secret1", "-key", "user", "sip1",
                       "-key", "contact_port", str(self.agent1b), "-key", "expires", "0"])
        snap = self.assert_quiescent()
        check(snap["bindings"] == 1, "expected only sip1's UDP binding left: %s" % snap)

    def wait_quiescent(self, timeout=5.0):
        """assert_quiescent, once the last BYE transaction has let go of its handle."""
        deadline = time.monotonic() + timeout
        while True:
            snap = self.harness.snapshot()
            if (snap["calls"] == 0 and snap["handles"] == 0) or time.monotonic() > deadline:
                return self.assert_quiescent()
            time.sleep(0.05)  # no signal says a handle was destroyed: poll the snapshot

    def click_to_call(self, call, client_scenario):
        """Click-to-call as the actors drive it (RFC 3725 flow I): sip1's phone
        (agent1) INVITEd without SDP, then the client with its offer."""
        m = self.harness.mark()
        agent = self.agent("agent-answer-offer.xml", self.agent1, delay_ms=100)
        client = self.agent(client_scenario, self.client, delay_ms=200)
        self.harness.send("originate %s 1 sip1 +375291111111 Ivan Petrov" % call)
        self.harness.wait_for(r"^leg_answered %s 1$" % call, m)
        self.harness.send("dial %s 2 1 sip:+375291111111@127.0.0.1:%d +375172000100" % (call, self.client))
        return m, agent, client

    def test_click_to_call_client_answers_and_hangs_up(self):
        m, agent, client = self.click_to_call("c2c-1", "client-answer.xml")
        self.harness.wait_for(r"^leg_answered c2c-1 2$", m)
        self.harness.send("connect c2c-1 1 2")
        self.harness.wait_for(r"^leg_hung_up c2c-1 2$", m)  # the client's BYE
        self.harness.send("release c2c-1 1")
        self.sipp.wait(client)
        self.sipp.wait(agent)
        a = sipp_messages(agent["msg"])
        c = sipp_messages(client["msg"])
        check(body(find(a, "received", is_invite, "INVITE")) == b"", "the agent's INVITE carried SDP")
        check("Ivan Petrov" in (header(find(a, "received", is_invite, "INVITE"), "From") or ""),
              "the agent's phone does not show the client")
        offer = body(find(a, "sent", is_invite_200, "agent's 200"))
        answer = body(find(c, "sent", is_invite_200, "client's 200"))
        invite = find(c, "received", is_invite, "client's INVITE")
        check(first_line(invite) == "INVITE sip:+375291111111@127.0.0.1:%d SIP/2.0" % self.client,
              "client INVITEd at %s" % first_line(invite))
        check("+375172000100" in (header(invite, "From") or ""), "the caller id is not in From")
        # The route's URI has no transport parameter: a UDP dialog, on the dialog port if any.
        port = self.args.dialog_port or self.port
        check(header(invite, "Contact") == "<sip:127.0.0.1:%d>" % port,
              "the client's INVITE names %r, not port %d" % (header(invite, "Contact"), port))
        check(offer and body(invite) == offer, "the client did not get the agent's offer byte for byte")
        ack = find(a, "received", lambda x: first_line(x).startswith("ACK "), "ACK")
        check(answer and body(ack) == answer, "the agent's ACK does not carry the client's answer")
        check(any(d == "received" and first_line(x).startswith("BYE ") for d, x in a), "no BYE to the agent")
        self.wait_quiescent()

    def test_click_to_call_client_busy(self):
        m, agent, client = self.click_to_call("c2c-2", "client-busy.xml")
        self.harness.wait_for(r"^leg_failed c2c-2 2 486$", m)
        self.harness.send("release c2c-2 1")
        self.sipp.wait(client)
        self.sipp.wait(agent)
        a = sipp_messages(agent["msg"])
        ack = body(find(a, "received", lambda x: first_line(x).startswith("ACK "), "ACK"))
        check(re.search(rb"(?m)^m=audio 0 RTP/AVP 0\r$", ack),
              "the unused 200 was not ACKed with a refusing answer: %r" % ack)
        check(any(d == "received" and first_line(x).startswith("BYE ") for d, x in a), "no BYE to the agent")
        check(not any(l.startswith("leg_hung_up c2c-2") for l in self.harness.since(m)),
              "our own BYE was reported as a hang-up")
        self.wait_quiescent()

    def test_many_calls_leave_nothing_behind(self):
        n = self.args.load_calls
        if n <= 0:
            return
        m = self.harness.mark()
        rss_before = self.harness.snapshot()["rss_kb"]
        # sip1 has one contact left, so every call is a plain two-leg call.
        agent = self.agent("agent-answer.xml", self.agent1, calls=n, timeout_s=30 + n // 20)
        rate = max(1, self.args.load_rate)
        caller = self.sipp.start("load-caller", "caller.xml", self.caller_port,
                                 ["-d", "0", "-r", str(rate), "-l", "50",
                                  "-key", "caller", "+375291234567", "-key", "caller_name", "Load",
                                  "-key", "dialled", "100"],
                                 calls=n, timeout_s=30 + n // max(1, rate))
        self.sipp.wait(caller)
        self.sipp.wait(agent)
        deadline = time.monotonic() + 10
        while True:
            hung_up = sum(1 for l in self.harness.since(m) if l.startswith("caller_hung_up "))
            if hung_up >= n:
                break
            check(time.monotonic() < deadline, "only %d of %d calls ended" % (hung_up, n))
            self.harness.wait_for(r"^caller_hung_up ", self.harness.mark(), timeout=10)
        answered = sum(1 for l in self.harness.since(m) if l.startswith("leg_answered "))
        check(answered == n, "%d legs answered for %d calls" % (answered, n))
        snap = self.assert_quiescent()
        print("     %d calls at %d cps: server RSS %d kB before, %d kB after"
              % (n, rate, rss_before, snap["rss_kb"]), flush=True)

    def test_soak_memory_is_reused(self):
        """--soak N: N load batches, each followed by an idle wait longer than
        nta's 32 s transaction timers; the server's RSS after the last batch
        must not exceed the first batch's by more than 5 %."""
        if self.args.soak <= 0:
            return
        peaks = []
        for i in range(self.args.soak):
            self.test_many_calls_leave_nothing_behind()
            time.sleep(40)  # nta keeps finished transactions 32 s (RFC 3261 Timer J/H)
            peaks.append(self.assert_quiescent()["rss_kb"])
            print("     soak batch %d: RSS %d kB after idle" % (i + 1, peaks[-1]), flush=True)
        check(peaks[-1] <= peaks[0] * 1.05, "RSS grew over the batches: %s kB" % peaks)

    def test_refused_agent_was_never_rung(self):
        lines = self.harness.since(0)
        check(not any(l.startswith("agent_registered agent3") for l in lines),
              "agent3 (wrong password) was registered")
        check(not any(re.match(r"^action ring \S+ \d+ sip3$", l) for l in lines),
              "agent3's phone was rung by the script")

    def test_stop_during_ringing(self):
        m = self.harness.mark()
        agent = self.agent("agent-ring-cancelled.xml", self.agent1)
        caller = self.caller("caller-rejected.xml")
        call = self.call_id_after(m)
        self.harness.wait_for(r"^leg_ringing %s 1$" % call, m)
        rc = self.harness.quit()
        check(rc == 0, "harness exited %d" % rc)
        self.harness.wait_for(r"^stopped$", m)
        self.sipp.wait(caller)
        self.sipp.wait(agent)
        final = find(sipp_messages(caller["msg"]), "received",
                     lambda x: re.match(r"SIP/2.0 [3-6]\d\d", first_line(x)), "final response")
        check(first_line(final).startswith("SIP/2.0 487"), "caller got %s at shutdown" % first_line(final))


CASES = [
    "test_server_ready",
    "test_register_rejections",
    "test_register_stale_nonce",
    "test_register_agent1",
    "test_call_single_agent",
    "test_dialog_contact",
    "test_caller_reinvite",
    "test_call_two_agents_one_answers",
    "test_caller_cancels_while_two_ring",
    "test_agent_hangs_up",
    "test_fork_inside_one_leg",
    "test_all_contacts_busy",
    "test_odd_and_malformed_requests",
    "test_binding_expires",
    "test_call_over_tcp_forked_with_udp",
    "test_click_to_call_client_answers_and_hangs_up",
    "test_click_to_call_client_busy",
    "test_many_calls_leave_nothing_behind",
    "test_soak_memory_is_reused",
    "test_refused_agent_was_never_rung",
    "test_stop_during_ringing",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--port", type=int, default=25060)
    ap.add_argument("--dialog-port", type=int, default=0, help="the server's sip.dialog_port (0: none)")
    ap.add_argument("--workdir")
    ap.add_argument("--load-calls", type=int, default=1000)
    ap.add_argument("--load-rate", type=int, default=100)
    ap.add_argument("--soak", type=int, default=0,
                    help="extra load batches with 40 s idle after each, checking RSS stays flat")
    ap.add_argument("--keep", action="store_true", help="keep the workdir even when all pass")
    args = ap.parse_args()
    if shutil.which("sipp") is None:
        print("sipp not found (apt-get install sip-tester)")
        return 1
    made = args.workdir is None
    if made:
        args.workdir = tempfile.mkdtemp(prefix="sip-adapter-test-")
    os.makedirs(args.workdir, exist_ok=True)

    suite = Suite(args)
    failed = None
    try:
        for name in CASES:
            t0 = time.monotonic()
            try:
                getattr(suite, name)()
            except Failure as e:
                failed = "%s: %s" % (name, e)
                print("FAIL %s (%.1f s): %s" % (name, time.monotonic() - t0, e), flush=True)
                break
            print("ok   %s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
    finally:
        suite.sipp.kill_all()
        if suite.harness.proc.poll() is None:
            try:
                suite.harness.quit(timeout=40)
            except Failure as e:
                print("cleanup: %s" % e)
        suite.harness.kill()
    if failed:
        print("FAILED; logs in %s" % args.workdir)
        return 1
    if made and not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)
    print("all %d cases passed" % len(CASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
