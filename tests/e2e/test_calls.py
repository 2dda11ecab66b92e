"""Calls over real SIP against the real server (issue: walking skeleton).

One server for the module, on the demo configuration: anna (SIP 201) and
boris (202) register with digest auth; vera (203) tries a wrong password and
is refused. Each agent's SIPp phone listens on a fixed port for the module,
so every test's phones answer at the contact they registered.
"""
import os
import subprocess
import unittest

from prometheus import Prometheus
from harness import (agent_board, assert_sipp_ok, wait_agents_available, DEMO_AGENTS, IVAN, MARIA, ServerTestCase, Sipp, free_port, register_phone,
                     wait_for)

UNKNOWN = "+375297777777"


class CallsTest(ServerTestCase):
    NAME = "calls"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.phone_port = {login: free_port(also_udp=True) for login in ("anna", "boris", "vera")}
        cls.supervisor = cls.server.session("olga")
        cls.register("anna")
        cls.register("boris")

    # ---- helpers ----------------------------------------------------------------
    @classmethod
    def register(cls, login, password=None, scenario="register-digest.xml"):
        _, sip_user, sip_password = DEMO_AGENTS[login]
        reg = register_phone(cls.server, cls.workdir, sip_user, password or sip_password,
                             cls.phone_port[login], scenario=scenario)
        if reg.proc.returncode != 0:
            raise AssertionError(f"REGISTER {login} failed:\n{reg.report()}")
        return reg

    def phone(self, login, scenario, *args):
        p = Sipp(self.workdir, f"{self.id().split('.')[-1]}-{login}", scenario,
                 self.server.sip_target, self.phone_port[login], *args, timeout=20)
        self.addCleanup(p.stop)
        return p

    def caller(self, number, scenario="caller.xml", *args, dialled="100"):
        p = Sipp(self.workdir, f"{self.id().split('.')[-1]}-caller", scenario,
                 self.server.sip_target, free_port(also_udp=True), "-key", "caller", number,
                 "-key", "caller_name", "E2E", "-key", "dialled", dialled, *args, timeout=20)
        self.addCleanup(p.stop)
        return p

    def assert_ok(self, *procs):
        assert_sipp_ok(self, self.server, *procs)

    def agents(self):
        return agent_board(self.supervisor)

    def wait_agents_available(self, *logins):
        wait_agents_available(self.supervisor, *logins, timeout=10)

    def last_call(self):
        status, body = self.supervisor.get("/api/calls?limit=1")
        self.assertEqual(status, 200, body)
        return body["calls"][0] if body["calls"] else None

    def ended_call(self, caller):
        """The newest call from `caller`, once it has ended."""
        def ended():
            c = self.last_call()
            return c if c and c["caller"] == caller and c["outcome"] else None
        return wait_for(ended, 10, f"the call from {caller} to end")

    def call_events(self, call_id):
        status, body = self.supervisor.get(f"/api/events?stream=call/{call_id}")
        self.assertEqual(status, 200, body)
        return body["events"]

    @staticmethod
    def names(events):
        return [e["type"] for e in events]

    # ---- tests ------------------------------------------------------------------
    def test_01_registration_with_digest_and_a_refused_password(self):
        board = self.agents()
        self.assertTrue(board["anna"]["registered"])
        self.assertTrue(board["boris"]["registered"])
        self.assertEqual(board["anna"]["state"], "available")
        # vera's phone has the wrong password: 403, never registered.
        self.register("vera", password="not-her-password", scenario="register-wrong-password.xml")
        board = self.agents()
        self.assertFalse(board["vera"]["registered"])
        self.assertEqual(board["vera"]["state"], "offline")
        self.assertRegex(self.server.metrics_text(),
                         r'callboard_sip_auth_failures_total\{reason="bad_password"\} [1-9]')

    def test_02_known_client_reaches_his_responsible_manager(self):
        anna = self.phone("anna", "agent-answer.xml", "-d", "200")
        caller = self.caller(IVAN, "caller.xml", "-d", "500")
        self.assert_ok(caller, anna)
        call = self.ended_call(IVAN)
        self.assertEqual(call["client"], 1)
        self.assertEqual(call["agent"], "anna")
        self.assertEqual(call["outcome"], "answered")
        self.assertEqual(call["ended_by"], "caller")
        events = self.call_events(call["id"])
        self.assertEqual(self.names(events), ["CallReceived", "CallClassified", "RoutingDecided",
                                              "AgentOffered", "CallAnswered", "CallEnded"])
        decided = events[2]["fields"]
        self.assertEqual(decided["rule"], "responsible")
        self.assertEqual(decided["targets"], ["anna"])
        # boris's phone was never rung.
        self.assertNotIn("boris", [e["fields"].get("agent") for e in events])
        self.wait_agents_available("anna")

    def test_03_unknown_caller_rings_two_agents_one_answers_the_other_is_cancelled(self):
        anna = self.phone("anna", "agent-answer.xml", "-d", "400")
        boris = self.phone("boris", "agent-ring-cancelled.xml")
        caller = self.caller(UNKNOWN, "caller.xml", "-d", "300")
        self.assert_ok(caller, anna, boris)
        self.assertIn("CANCEL sip:", boris.messages())
        call = self.ended_call(UNKNOWN)
        self.assertIsNone(call["client"])
        self.assertEqual(call["agent"], "anna")
        events = self.call_events(call["id"])
        offered = [e["fields"]["agent"] for e in events if e["type"] == "AgentOffered"]
        self.assertEqual(sorted(offered), ["anna", "boris"])
        decided = [e["fields"] for e in events if e["type"] == "RoutingDecided"]
        self.assertEqual(decided[0]["rule"], "ring_all")
        failed = [e["fields"] for e in events if e["type"] == "OfferFailed"]
        self.assertEqual([(f["agent"], f["reason"]) for f in failed], [("boris", "answered_elsewhere")])
        self.wait_agents_available("anna", "boris")

    def test_04_caller_hangs_up_while_ringing_and_every_leg_is_cancelled(self):
        anna = self.phone("anna", "agent-ring-cancelled.xml")
        boris = self.phone("boris", "agent-ring-cancelled.xml")
        caller = self.caller(UNKNOWN, "caller-cancel.xml", "-d", "300")
        self.assert_ok(caller, anna, boris)
        for phone in (anna, boris):
            self.assertIn("CANCEL sip:", phone.messages())
        call = self.ended_call(UNKNOWN)
        self.assertEqual(call["outcome"], "abandoned")
        self.assertEqual(call["ended_by"], "caller")
        self.assertIsNone(call["agent"])
        self.wait_agents_available("anna", "boris")

    def test_05_agent_hangs_up_and_the_caller_gets_bye(self):
        boris = self.phone("boris", "agent-hangup.xml", "-d", "300")
        caller = self.caller(MARIA, "caller-hungup.xml")
        self.assert_ok(caller, boris)
        call = self.ended_call(MARIA)
        self.assertEqual(call["agent"], "boris")
        self.assertEqual(call["client"], 2)
        self.assertEqual(call["ended_by"], "agent")
        self.wait_agents_available("boris")

    def test_05b_a_call_to_a_tracked_number_is_attributed_to_its_source(self):
        boris = self.phone("boris", "agent-hangup.xml", "-d", "300")
        caller = self.caller(MARIA, "caller-hungup.xml", dialled="101")
        self.assert_ok(caller, boris)
        call = self.ended_call(MARIA)
        self.assertEqual((call["dialled"], call["agent"]), ("101", "boris"))
        self.assertEqual(call["source"], "Яндекс.Директ, кампания «Арматура»")
        names = self.names(self.call_events(call["id"]))
        self.assertEqual(names[:3], ["CallReceived", "CallAttributed", "CallClassified"])
        # A call to the untracked line has no source.
        self.assertIsNone(self.ended_call_to("100")["source"])
        self.wait_agents_available("boris")

    def ended_call_to(self, dialled):
        status, body = self.supervisor.get("/api/calls")
        self.assertEqual(status, 200, body)
        calls = [c for c in body["calls"] if c["dialled"] == dialled and c["outcome"]]
        self.assertTrue(calls, body)
        return calls[0]

    def test_06_baresip_calls_and_a_sipp_agent_answers(self):
        boris = self.phone("boris", "agent-hangup.xml", "-d", "800")
        conf = os.path.join(self.workdir, "baresip")
        os.makedirs(conf, exist_ok=True)
        with open(os.path.join(conf, "config"), "w") as f:
            f.write("\n".join([
                "poll_method epoll",
                f"sip_listen 127.0.0.1:{free_port(also_udp=True)}",
                "sip_trans_def udp",
                "net_interface 127.0.0.1",
                "audio_player aubridge,e2e", "audio_source aubridge,e2e", "audio_alert aubridge,e2e",
                "module_path /usr/lib/baresip/modules",
                "module g711.so", "module aubridge.so",
                "module_app account.so", "module_app menu.so", ""]))
        with open(os.path.join(conf, "accounts"), "w") as f:
            f.write(f"<sip:{MARIA}@127.0.0.1>;regint=0\n")
        open(os.path.join(conf, "contacts"), "w").close()
        out = subprocess.run(["baresip", "-f", conf, "-e", f"/dial sip:100@{self.server.sip_target}",
                              "-t", "6"], capture_output=True, text=True, timeout=30)
        self.assertIn("Call established", out.stdout,
                      f"baresip:\n{out.stdout[-3000:]}\n{out.stderr[-1000:]}\n--- server:\n{self.server.log()}")
        self.assert_ok(boris)
        call = self.ended_call(MARIA)
        self.assertEqual(call["agent"], "boris")
        self.assertEqual(call["outcome"], "answered")
        self.assertGreater(call["talk_s"], 0.5)
        self.wait_agents_available("boris")

    def test_07_a_number_that_is_not_configured_gets_404(self):
        caller = self.caller(UNKNOWN, "caller-rejected.xml", dialled="999")
        self.assert_ok(caller)
        self.assertIn("SIP/2.0 404", caller.messages())
        call = self.ended_call(UNKNOWN)
        self.assertEqual(call["outcome"], "not_found")

    def test_08_promtool_accepts_the_metrics_and_they_count_the_calls(self):
        text = self.server.metrics_text()
        path = os.path.join(self.workdir, "scrape.txt")
        with open(path, "w") as f:
            f.write(text)
        with open(path) as f:
            check = subprocess.run(["promtool", "check", "metrics"], stdin=f, capture_output=True,
                                   text=True, timeout=30)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        def value(pattern):
            import re
            m = re.search(pattern + r" ([0-9.e+]+)", text)
            self.assertIsNotNone(m, pattern)
            return float(m.group(1))
        self.assertGreaterEqual(value(r'callboard_calls_total\{outcome="answered"\}'), 3)
        self.assertGreaterEqual(value(r'callboard_calls_total\{outcome="abandoned"\}'), 1)
        self.assertGreaterEqual(value(r'callboard_calls_total\{outcome="not_found"\}'), 1)
        self.assertEqual(value(r'callboard_agents\{state="available"\}'), 2)
        self.assertGreaterEqual(value(r'callboard_sip_requests_received_total\{method="INVITE"\}'), 5)

    def test_08b_a_real_prometheus_scrapes_them_and_loads_the_alert_rules(self):
        prom = Prometheus(self.workdir, self.server.metrics_port)
        self.addCleanup(prom.stop)
        prom.wait_scraped()
        # Once scraped, the counters Prometheus holds match what the calls did.
        answered = wait_for(lambda: prom.value('callboard_calls_total{outcome="answered"}'), 20,
                            "the answered-calls series")
        self.assertGreaterEqual(answered, 3)
        self.assertEqual(prom.value('sum(callboard_agents{state="available"})'), 2)
        def rules_evaluated():
            groups = prom.api("rules")["groups"]
            return groups if groups and all(r["health"] == "ok" for r in groups[0]["rules"]) else None
        groups = wait_for(rules_evaluated, 20, "the alert rules to be evaluated")
        self.assertEqual(groups[0]["name"], "callboard")
        self.assertEqual(len(groups[0]["rules"]), 6)

    def test_09_after_a_restart_the_histories_hold_the_calls_and_nobody_is_registered(self):
        status, before = self.supervisor.get("/api/clients/1/history")
        self.assertEqual(status, 200)
        self.assertEqual(self.server.stop(), 0, self.server.log())
        self.server.start()
        type(self).supervisor = self.server.session("olga")
        status, after = self.supervisor.get("/api/clients/1/history")
        self.assertEqual(status, 200, after)
        self.assertEqual(after, before)
        calls = [e for e in after["entries"] if e["kind"] == "call"]
        self.assertTrue(any(c["agent"] == "anna" and c["outcome"] == "answered"
                            and c["talk_s"] > 0 for c in calls), calls)
        status, maria = self.supervisor.get("/api/clients/2/history")
        self.assertTrue(any(e["kind"] == "call" and e["agent"] == "boris" for e in maria["entries"]))
        # Registrations do not survive a restart: nobody can take a call, 480.
        board = self.agents()
        self.assertFalse(board["anna"]["registered"])
        caller = self.caller(UNKNOWN, "caller-rejected.xml")
        self.assert_ok(caller)
        self.assertIn("SIP/2.0 480", caller.messages())
        # Phones register again and calls flow.
        self.register("anna")
        anna = self.phone("anna", "agent-answer.xml", "-d", "100")
        caller = self.caller(IVAN, "caller.xml", "-d", "200")
        self.assert_ok(caller, anna)


if __name__ == "__main__":
    unittest.main()
