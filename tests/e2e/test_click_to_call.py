"""Click-to-call over real SIP against the real server (issue: click-to-call).

One server for the module, on the demo configuration plus an outbound route
to a SIPp "client" phone on 127.0.0.1: anna (SIP 201) and boris (202)
register with digest auth; vera (203) never registers. POST
/api/calls/originate rings the agent's phone without SDP (RFC 3725 flow I);
his phone offers SDP in its 200 (tests/sipp/agent-answer-offer.xml), the
client is INVITEd with that offer, and the client's answer reaches the
agent in the ACK. A second server, on the demo configuration alone (no
route), answers 501.
"""
import os
import re
import unittest

from harness import (agent_board, assert_sipp_ok, wait_agents_available, DEMO_AGENTS, IVAN, MARIA, ROOT, Server, ServerTestCase, Sipp, free_port, new_workdir,
                     register_phone, remove_workdir, wait_for)

CALLER_ID = "+375172000100"
RING_TIMEOUT_S = 4     # the agent's own phone
ANSWER_TIMEOUT_S = 4   # the client's phone


def bound_udp(port):
    """True once something listens on 127.0.0.1:port/udp (a SIPp UAS is up)."""
    needle = f"0100007F:{port:04X}"
    with open("/proc/net/udp") as f:
        return any(line.split()[1] == needle for line in f.readlines()[1:])


def sip_messages(log, direction):
    """The SIP messages of a SIPp -trace_msg log, `direction` "sent" or
    "received", each as (first line, headers dict (lower-case names), body)."""
    out = []
    # Each entry: "----...---- <time>\nUDP message sent (N bytes):\n\n<message>"
    for chunk in re.split(r"^-{20,}.*$", log, flags=re.M):
        m = re.match(r"\s*\w+ message (sent|received).*?:\s*\n\n?(.*)", chunk, flags=re.S)
        if not m or m.group(1) != direction:
            continue
        text = m.group(2).replace("\r\n", "\n")
        head, _, body = text.partition("\n\n")
        lines = head.strip("\n").split("\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), value.strip())
        out.append((lines[0], headers, body.strip("\n")))
    return out


def find_message(messages, start):
    for first, headers, body in messages:
        if first.startswith(start):
            return first, headers, body
    raise AssertionError(f"no message starting {start!r} in {[m[0] for m in messages]}")


def outbound_config(workdir, client_port):
    """The demo configuration with an outbound route to the SIPp client."""
    with open(os.path.join(ROOT, "ops", "demo", "callboard.yaml"), encoding="utf-8") as f:
        text = f.read()
    # The demo file may carry a commented example: the test's own is appended.
    text = re.sub(r"(?m)^outbound:.*(\n[ \t]+.*)*", "", text)
    text += (f"\noutbound:\n  route: \"sip:{{number}}@127.0.0.1:{client_port}\"\n"
             f"  caller_id: \"{CALLER_ID}\"\n  ring_timeout_s: {RING_TIMEOUT_S}\n"
             f"  answer_timeout_s: {ANSWER_TIMEOUT_S}\n")
    path = os.path.join(workdir, "outbound.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


class ClickToCallTest(ServerTestCase):
    NAME = "c2c"

    @classmethod
    def setUpClass(cls):
        cls.workdir = new_workdir(cls.NAME)
        cls.client_port = free_port(also_udp=True)
        cls.server = Server(cls.workdir, config_file=outbound_config(cls.workdir, cls.client_port))
        cls.server.start()
        cls.phone_port = {login: free_port(also_udp=True) for login in ("anna", "boris")}
        cls.supervisor = cls.server.session("olga")
        cls.anna = cls.server.session("anna")
        for login in ("anna", "boris"):
            _, sip_user, sip_password = DEMO_AGENTS[login]
            reg = register_phone(cls.server, cls.workdir, sip_user, sip_password, cls.phone_port[login])
            if reg.proc.returncode != 0:
                raise AssertionError(f"REGISTER {login} failed:\n{reg.report()}")

    # ---- helpers ----------------------------------------------------------------
    def uas(self, who, port, scenario, *args):
        """A SIPp UAS (a phone), started and awaited until its port is bound."""
        p = Sipp(self.workdir, f"{self.id().split('.')[-1]}-{who}", scenario, self.server.sip_target,
                 port, *args, timeout=20)
        self.addCleanup(p.stop)
        wait_for(lambda: p.proc.poll() is not None or bound_udp(port), 10, f"SIPp {who} to bind {port}")
        return p

    def phone(self, login, scenario, *args):
        return self.uas(login, self.phone_port[login], scenario, *args)

    def client(self, scenario, *args):
        return self.uas("client", self.client_port, scenario, *args)

    def assert_ok(self, *procs):
        assert_sipp_ok(self, self.server, *procs)

    def originate(self, session, body, expect=202):
        status, reply = session.post("/api/calls/originate", body)
        self.assertEqual(status, expect, reply)
        return reply

    def events(self, call_id):
        status, body = self.supervisor.get(f"/api/events?stream=call/{call_id}")
        self.assertEqual(status, 200, body)
        return body["events"]

    def ended_events(self, call_id):
        """The call's events, once CallEnded is among them."""
        return wait_for(lambda: (lambda ev: ev if "CallEnded" in [e["type"] for e in ev] else None)(
            self.events(call_id)), 15, f"call {call_id} to end")

    def agents(self):
        return agent_board(self.supervisor)

    def wait_available(self, *logins):
        wait_agents_available(self.supervisor, *logins, timeout=10)

    def history_call(self, client, call_id):
        status, body = self.supervisor.get(f"/api/clients/{client}/history")
        self.assertEqual(status, 200, body)
        calls = [e for e in body["entries"] if e["kind"] == "call" and e["id"] == call_id]
        self.assertEqual(len(calls), 1, body)
        return calls[0]

    # ---- tests ------------------------------------------------------------------
    def test_01_agent_answers_then_the_client_and_the_client_hangs_up(self):
        anna = self.phone("anna", "agent-answer-offer.xml", "-d", "300")
        client = self.client("client-answer.xml", "-d", "600")
        reply = self.originate(self.anna, {"client": 1})
        call_id = reply["call"]
        self.assertEqual((reply["agent"], reply["client"], reply["phone"]), ("anna", 1, IVAN))
        self.assert_ok(client, anna)

        # SDP: the agent's offer (his 200) reached the client in the INVITE,
        # the client's answer (its 200) reached the agent in the ACK, byte for byte.
        anna_sent = sip_messages(anna.messages(), "sent")
        anna_got = sip_messages(anna.messages(), "received")
        client_sent = sip_messages(client.messages(), "sent")
        client_got = sip_messages(client.messages(), "received")
        invite_agent = find_message(anna_got, "INVITE ")
        self.assertEqual(invite_agent[2], "", "the agent's INVITE is a late offer")
        self.assertIn(IVAN, invite_agent[1]["from"], "his phone shows whom it calls")
        offer = find_message(anna_sent, "SIP/2.0 200")[2]
        answer = find_message(client_sent, "SIP/2.0 200")[2]
        self.assertIn(f"a=x-callboard-marker:agent-{self.phone_port['anna']}", offer)
        self.assertIn(f"a=x-callboard-marker:client-{self.client_port}", answer)
        invite_client = find_message(client_got, "INVITE ")
        self.assertEqual(invite_client[0], f"INVITE sip:{IVAN}@127.0.0.1:{self.client_port} SIP/2.0")
        self.assertIn(CALLER_ID, invite_client[1]["from"])
        self.assertEqual(invite_client[2], offer)
        self.assertEqual(find_message(anna_got, "ACK ")[2], answer)
        # The client's BYE ended the agent's leg (the scenario required it).
        self.assertTrue(any(m[0].startswith("BYE ") for m in anna_got))

        events = self.ended_events(call_id)
        self.assertEqual([e["type"] for e in events], ["CallPlaced", "CallAnswered", "CallEnded"])
        placed = events[0]["fields"]
        self.assertEqual((placed["agent"], placed["client"], placed["number"], placed["caller_id"]),
                         ("anna", 1, IVAN, CALLER_ID))
        ended = events[2]["fields"]
        self.assertEqual((ended["outcome"], ended["ended_by"]), ("answered", "caller"))

        call = self.history_call(1, call_id)
        self.assertEqual(call["direction"], "outbound")
        self.assertEqual(call["agent"], "anna")
        self.assertEqual(call["dialled"], IVAN)
        self.assertEqual(call["outcome"], "answered")
        self.assertGreater(call["talk_s"], 0.3)
        self.wait_available("anna")

    def test_02_an_agent_already_on_a_call_gets_409(self):
        anna = self.phone("anna", "agent-answer-offer.xml", "-d", "100")
        client = self.client("client-answer.xml", "-d", "1500")
        call_id = self.originate(self.anna, {"client": 1})["call"]
        wait_for(lambda: "CallAnswered" in [e["type"] for e in self.events(call_id)], 10, "the client to answer")
        self.assertEqual(self.agents()["anna"]["state"], "on_call")
        reply = self.originate(self.anna, {"client": 1}, expect=409)
        self.assertEqual(reply["error"], "busy", reply)
        # A supervisor placing a call for her is refused the same way.
        reply = self.originate(self.supervisor, {"client": 2, "agent": "anna"}, expect=409)
        self.assertEqual(reply["error"], "busy", reply)
        self.assert_ok(client, anna)
        self.assertEqual([e["type"] for e in self.ended_events(call_id)],
                         ["CallPlaced", "CallAnswered", "CallEnded"])
        self.wait_available("anna")

    def test_03_the_client_busy_ends_the_agents_leg_and_records_the_outcome(self):
        boris = self.phone("boris", "agent-answer-offer.xml", "-d", "100")
        client = self.client("client-busy.xml", "-d", "200")
        # boris calls MARIA's second number.
        call_id = self.originate(self.server.session("boris"), {"client": 2, "phone": "+375 44 222-22-22"})["call"]
        self.assert_ok(client, boris)
        self.assertEqual(find_message(sip_messages(client.messages(), "received"), "INVITE ")[0],
                         f"INVITE sip:+375442222222@127.0.0.1:{self.client_port} SIP/2.0")
        # His 200 was ACKed with an answer refusing his offer, then BYEd.
        got = sip_messages(boris.messages(), "received")
        self.assertRegex(find_message(got, "ACK ")[2], r"(?m)^m=audio 0 ")
        find_message(got, "BYE ")
        events = self.ended_events(call_id)
        self.assertEqual([e["type"] for e in events], ["CallPlaced", "CallEnded"])
        ended = events[1]["fields"]
        self.assertEqual((ended["outcome"], ended["ended_by"], ended["sip_status"]),
                         ("not_answered", "caller", 486))
        call = self.history_call(2, call_id)
        self.assertEqual((call["direction"], call["agent"], call["outcome"]), ("outbound", "boris", "not_answered"))
        self.assertEqual(call["talk_s"], 0)
        self.wait_available("boris")

    def test_03b_a_call_back_to_an_unknown_number_needs_no_client(self):
        # A department's call-back task for an unknown caller has a number and
        # no client: the call is placed to the number and filed under nobody.
        boris = self.phone("boris", "agent-answer-offer.xml", "-d", "100")
        client = self.client("client-busy.xml", "-d", "200")
        reply = self.originate(self.server.session("boris"), {"phone": "+375 29 555-55-55"})
        self.assertEqual((reply["client"], reply["phone"]), (0, "+375295555555"))
        self.assert_ok(client, boris)
        self.assertEqual(find_message(sip_messages(client.messages(), "received"), "INVITE ")[0],
                         f"INVITE sip:+375295555555@127.0.0.1:{self.client_port} SIP/2.0")
        placed = self.ended_events(reply["call"])[0]["fields"]
        self.assertEqual((placed["agent"], placed["client"], placed["number"]), ("boris", 0, "+375295555555"))
        self.wait_available("boris")

    def test_04_the_client_not_answering_in_time_ends_both_legs(self):
        anna = self.phone("anna", "agent-answer-offer.xml", "-d", "100")
        client = self.client("agent-ring-cancelled.xml")  # rings until CANCELled
        call_id = self.originate(self.anna, {"client": 1})["call"]
        self.assert_ok(client, anna)
        self.assertIn("CANCEL sip:", client.messages())
        events = self.ended_events(call_id)
        self.assertEqual([e["type"] for e in events], ["CallPlaced", "CallEnded"])
        ended = events[1]["fields"]
        self.assertEqual((ended["outcome"], ended["ended_by"], ended["sip_status"]), ("not_answered", "system", 408))
        self.wait_available("anna")

    def test_05_the_agents_phone_not_answering_is_cancelled_and_the_client_never_rung(self):
        anna = self.phone("anna", "agent-ring-cancelled.xml")
        call_id = self.originate(self.anna, {"client": 1})["call"]
        self.assert_ok(anna)
        self.assertIn("CANCEL sip:", anna.messages())
        events = self.ended_events(call_id)
        self.assertEqual([e["type"] for e in events], ["CallPlaced", "CallEnded"])
        ended = events[1]["fields"]
        self.assertEqual((ended["outcome"], ended["ended_by"], ended["sip_status"]), ("abandoned", "system", 408))
        # His own unanswered call is not a missed offer: he stays available.
        self.wait_available("anna")

    def test_06_refusals_are_clear_json_errors(self):
        def refused(session, body, status, error, field=None):
            reply = self.originate(session, body, expect=status)
            self.assertEqual(reply["error"], error, reply)
            if field:
                self.assertEqual(reply.get("field"), field, reply)
            self.assertTrue(reply.get("message"), reply)
        vera = self.server.session("vera")
        refused(vera, {"client": 1}, 409, "offline")  # her phone never registered
        refused(self.anna, {"client": 999}, 404, "not_found", "client")
        refused(self.anna, {}, 400, "bad_request", "client")
        refused(self.anna, {"client": 1, "phone": MARIA}, 400, "bad_request", "phone")
        refused(self.anna, {"client": 1, "phone": "not a number"}, 400, "invalid_phone", "phone")
        refused(self.anna, {"client": 1, "agent": "boris"}, 403, "forbidden", "agent")
        refused(self.supervisor, {"client": 1, "agent": "nobody"}, 404, "not_found", "agent")
        status, reply = self.anna.request("POST", "/api/calls/originate", b"{not json",
                                          {"Content-Type": "application/json"})
        self.assertEqual(status, 400, reply)
        # Like every change, it needs the session's CSRF token.
        status, reply = self.anna.request("POST", "/api/calls/originate", {"client": 1},
                                          {"X-CSRF-Token": "wrong"})
        self.assertEqual(status, 403, reply)
        # Nothing was placed: no phone rang, nobody is busy.
        self.wait_available("anna")

    def test_07_after_a_restart_the_history_still_shows_outbound_calls(self):
        status, before = self.supervisor.get("/api/clients/1/history")
        self.assertEqual(status, 200, before)
        self.assertEqual(self.server.stop(), 0, self.server.log())
        self.server.start()
        type(self).supervisor = self.server.session("olga")
        status, after = self.supervisor.get("/api/clients/1/history")
        self.assertEqual(status, 200, after)
        self.assertEqual(after, before)
        outbound = [e for e in after["entries"] if e["kind"] == "call" and e["direction"] == "outbound"]
        self.assertGreaterEqual(len(outbound), 3, after)
        self.assertTrue(any(c["outcome"] == "answered" and c["talk_s"] > 0 for c in outbound), outbound)


class NoRouteTest(ServerTestCase):
    """The demo configuration has no outbound route."""
    NAME = "c2c-noroute"

    def test_no_route_configured_gives_501(self):
        anna = self.server.session("anna")
        status, reply = anna.post("/api/calls/originate", {"client": 1})
        self.assertEqual(status, 501, reply)
        self.assertEqual(reply["error"], "not_implemented", reply)
        self.assertIn("outbound.route", reply["message"])


if __name__ == "__main__":
    unittest.main()
