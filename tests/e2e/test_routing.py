"""Every routing rule over real SIP against the real server (routing issue).

One server on tests/e2e/routing.yaml, one entry point per rule. Agents'
phones are SIPp processes at fixed ports; each test says which phones ring,
which answer, which get CANCEL, and checks the events the server wrote.
"""
import os
import signal
import unittest

from harness import (ROOT, ServerTestCase, Sipp, assert_sipp_ok, free_port, register_phone, wait_agents_available,
                     wait_for)

CONFIG = os.path.join(ROOT, "tests", "e2e", "routing.yaml")
SIP_USER = {"anna": "201", "boris": "202", "vera": "203", "sec": "204", "misha": "205",
            "dina": "206", "gleb": "207", "ilya": "208"}
IVAN = "+375291111111"


class RoutingTest(ServerTestCase):
    NAME = "routing"
    CONFIG = CONFIG

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = {login: free_port(also_udp=True) for login in SIP_USER}
        cls.olga = cls.server.session("olga", "pw-olga")
        for login in SIP_USER:
            cls.register(login)
        cls.numbers = iter(range(1000, 9999))

    # ---- helpers ----------------------------------------------------------------
    @classmethod
    def register(cls, login, expires=600):
        reg = register_phone(cls.server, cls.workdir, SIP_USER[login], f"sip-{login}", cls.port[login], expires)
        if reg.proc.returncode != 0:
            raise AssertionError(f"REGISTER {login}:\n{reg.report()}")

    def phone(self, login, scenario="agent-answer.xml", *args, calls=1):
        p = Sipp(self.workdir, f"{self._testMethodName}-{login}", scenario, self.server.sip_target,
                 self.port[login], *args, calls=calls, timeout=40)
        self.addCleanup(p.stop)
        return p

    def caller(self, number=None, dialled="100", scenario="caller.xml", args=(), name="caller"):
        number = number or f"+37529{next(self.numbers):07d}"
        p = Sipp(self.workdir, f"{self._testMethodName}-{name}", scenario, self.server.sip_target,
                 free_port(also_udp=True), "-key", "caller", number, "-key", "caller_name", "",
                 "-key", "dialled", dialled, *args, timeout=40)
        p.number = number
        self.addCleanup(p.stop)
        return p

    def ok(self, *procs):
        assert_sipp_ok(self, self.server, *procs)

    @staticmethod
    def rang(phone):
        return "INVITE sip:" in phone.messages()

    @staticmethod
    def cancelled(phone):
        return "CANCEL sip:" in phone.messages()

    def silent(self, *phones):
        """Stops phones that should never have rung and checks they did not."""
        for p in phones:
            p.stop()
            self.assertFalse(self.rang(p), f"{p.name} rang")

    def call_of(self, number):
        def ended():
            status, body = self.olga.get("/api/calls?limit=50")
            for c in body["calls"]:
                if c["caller"] == number and c["outcome"]:
                    return c
            return None
        return wait_for(ended, 15, f"the call from {number} to end")

    def events(self, call):
        status, body = self.olga.get(f"/api/events?stream=call/{call['id']}")
        self.assertEqual(status, 200, body)
        return body["events"]

    def decided(self, call):
        return [(e["fields"]["rule"], e["fields"]["targets"]) for e in self.events(call)
                if e["type"] == "RoutingDecided"]

    def agents_available(self, *logins):
        wait_agents_available(self.olga, *logins, timeout=15)

    # ---- known callers ------------------------------------------------------------
    def test_known_caller_rings_the_responsible_then_falls_back_to_the_department(self):
        anna = self.phone("anna", "agent-ring-cancelled.xml")  # she does not answer in 2 s
        boris = self.phone("boris", "agent-answer.xml", "-d", "200")
        vera = self.phone("vera", "agent-ring-cancelled.xml")
        caller = self.caller(IVAN, "100", "caller.xml", ("-d", "300"))
        self.ok(caller, anna, boris, vera)
        self.assertTrue(self.cancelled(anna) and self.cancelled(vera))
        call = self.call_of(IVAN)
        self.assertEqual(call["agent"], "boris")
        self.assertEqual(self.decided(call), [("responsible", ["anna"]), ("ring_all", ["boris", "vera"])])
        failed = [(e["fields"]["agent"], e["fields"]["reason"]) for e in self.events(call) if e["type"] == "OfferFailed"]
        self.assertIn(("anna", "no_answer"), failed)
        self.agents_available("anna", "boris", "vera")

    # ---- unknown callers ----------------------------------------------------------
    def test_random_free_manager(self):
        phones = {a: self.phone(a, "agent-answer.xml", "-d", "100") for a in ("anna", "boris", "vera")}
        caller = self.caller(dialled="101", scenario="caller.xml")
        self.ok(caller)
        call = self.call_of(caller.number)
        (rule, targets), = self.decided(call)
        self.assertEqual(rule, "random")
        self.assertEqual(len(targets), 1)
        self.assertEqual(call["agent"], targets[0])
        self.ok(phones[targets[0]])
        self.silent(*[p for a, p in phones.items() if a != targets[0]])
        self.agents_available("anna", "boris", "vera")

    def test_dedicated_secretary_for_unknown_callers(self):
        sec = self.phone("sec", "agent-answer.xml", "-d", "100")
        anna = self.phone("anna")
        caller = self.caller(dialled="102")
        self.ok(caller, sec)
        self.silent(anna)
        self.assertEqual(self.call_of(caller.number)["agent"], "sec")
        self.agents_available("sec")

    def test_auto_assign_makes_the_rung_manager_the_owner_once(self):
        phones = {a: self.phone(a, "agent-answer.xml", "-d", "100") for a in ("anna", "boris", "vera")}
        caller = self.caller(dialled="103")
        self.ok(caller)
        call = self.call_of(caller.number)
        owner = call["agent"]
        self.ok(phones[owner])
        self.silent(*[p for a, p in phones.items() if a != owner])
        status, found = self.olga.get(f"/api/clients?phone={caller.number.replace('+', '%2B')}")
        self.assertEqual(status, 200, found)
        self.assertEqual(len(found["clients"]), 1)
        card = found["clients"][0]
        self.assertEqual(card["responsible"]["login"], owner)
        self.assertEqual(call["client"], card["id"])
        self.agents_available("anna", "boris", "vera")
        # The next call from that number is a known client's: his owner first,
        # and answering it does not change the owner.
        phones = {a: self.phone(a, "agent-answer.xml", "-d", "100") for a in ("anna", "boris", "vera")}
        again = self.caller(caller.number, "100", "caller.xml", name="again")
        self.ok(again, phones[owner])
        second = self.call_of(caller.number)
        self.assertEqual(self.decided(second)[0], ("responsible", [owner]))
        status, found = self.olga.get(f"/api/clients?phone={caller.number.replace('+', '%2B')}")
        self.assertEqual(found["clients"][0]["responsible"]["login"], owner)
        self.agents_available("anna", "boris", "vera")

    def test_regional_rule_sends_minsk_numbers_to_the_branch(self):
        misha = self.phone("misha", "agent-answer.xml", "-d", "100")
        anna = self.phone("anna")
        caller = self.caller("+375172223344", "104")
        self.ok(caller, misha)
        self.silent(anna)
        call = self.call_of("+375172223344")
        self.assertEqual(call["agent"], "misha")
        self.assertEqual(self.decided(call)[0], ("regional", ["misha"]))
        self.agents_available("misha")

    # ---- classic strategies -----------------------------------------------------
    def test_round_robin_hunts_and_remembers(self):
        gleb = self.phone("gleb", "agent-busy.xml")
        ilya = self.phone("ilya", "agent-answer.xml", "-d", "100")
        caller = self.caller(dialled="106")
        self.ok(caller, gleb, ilya)
        call = self.call_of(caller.number)
        self.assertEqual(self.decided(call), [("round_robin", ["gleb"]), ("round_robin", ["ilya"])])
        self.agents_available("gleb", "ilya")
        # The next call starts after the one rung last (ilya): gleb.
        gleb = self.phone("gleb", "agent-answer.xml", "-d", "100")
        caller = self.caller(dialled="106", name="second")
        self.ok(caller, gleb)
        self.assertEqual(self.decided(self.call_of(caller.number))[0], ("round_robin", ["gleb"]))
        self.agents_available("gleb")

    def test_linear_longest_idle_and_fewest_calls_pick_one_agent(self):
        for number, rule in (("108", "linear"), ("109", "longest_idle"), ("110", "fewest_calls")):
            phones = {a: self.phone(a, "agent-answer.xml", "-d", "100") for a in ("anna", "boris", "vera")}
            caller = self.caller(dialled=number, name=rule)
            self.ok(caller)
            call = self.call_of(caller.number)
            (got_rule, targets), = self.decided(call)
            self.assertEqual(got_rule, rule)
            self.assertEqual([call["agent"]], targets)
            if rule == "linear":
                self.assertEqual(targets, ["anna"])  # first in the configuration
            self.ok(phones[targets[0]])
            for a, p in phones.items():
                if a != targets[0]:
                    p.stop()
            self.agents_available("anna", "boris", "vera")

    # ---- opening hours ------------------------------------------------------------
    def test_outside_opening_hours_callers_get_closed(self):
        caller = self.caller(dialled="105", scenario="caller-rejected.xml")
        self.ok(caller)
        self.assertIn("SIP/2.0 480 Closed", caller.messages())
        call = self.call_of(caller.number)
        self.assertEqual(call["outcome"], "closed")

    # ---- missed calls ------------------------------------------------------------------
    def test_missed_calls_become_call_back_tasks(self):
        anna = self.phone("anna", "agent-ring-cancelled.xml")
        caller = self.caller(IVAN, "100", "caller-cancel.xml", ("-d", "500"))  # gives up in 0.5 s
        self.ok(caller, anna)
        call = self.call_of(IVAN)
        self.assertEqual(call["outcome"], "abandoned")
        def task_for(call_id, query):
            status, body = self.olga.get(f"/api/tasks?{query}")
            self.assertEqual(status, 200, body)
            return next((t for t in body["tasks"] if t["call"] == call_id), None)
        task = wait_for(lambda: task_for(call["id"], "assignee=anna"), 10, "anna's call-back task")
        self.assertEqual(task["kind"], "call_back")
        self.assertEqual(task["phone"], IVAN)
        self.assertEqual(task["client"], 1)
        # Off hours, an unknown number: the department's task.
        closed = self.caller(dialled="105", scenario="caller-rejected.xml", name="closed")
        self.ok(closed)
        call = self.call_of(closed.number)
        task = wait_for(lambda: task_for(call["id"], "department=sales"), 10, "the department's task")
        self.assertIsNone(task["client"])
        self.assertIsNone(task["assignee"])
        self.agents_available("anna")

    # ---- the queue ------------------------------------------------------------------
    def test_queue_serves_callers_in_order_and_counts_the_one_who_leaves(self):
        dina = self.phone("dina", "agent-answer.xml", "-d", "100", calls=3)
        first = self.caller(dialled="107", scenario="caller.xml", name="first", args=("-d", "1500"))
        wait_for(lambda: self.rang(dina), 10, "dina's phone to ring")
        second = self.caller(dialled="107", scenario="caller-queued.xml", name="second", args=("-d", "300"))
        wait_for(lambda: "182 Queued" in second.messages(), 10, "the second caller to be queued")
        third = self.caller(dialled="107", scenario="caller-queued-cancel.xml", name="third", args=("-d", "800"))
        fourth = self.caller(dialled="107", scenario="caller-queued.xml", name="fourth", args=("-d", "300"))
        self.ok(first, second, third, fourth, dina)
        # 182 is repeated while a caller waits (announce_s: 2 in the config).
        self.assertGreaterEqual(fourth.messages().count("SIP/2.0 182"), 2)
        calls = {p.name.split("-")[-1]: self.call_of(p.number) for p in (first, second, third, fourth)}
        self.assertEqual(calls["third"]["outcome"], "abandoned")
        self.assertGreater(calls["third"]["wait_s"], 0.5)
        for n in ("first", "second", "fourth"):
            self.assertEqual(calls[n]["agent"], "dina")
        # Served in order, each after the one before ended and dina's 1 s of wrap-up.
        self.assertLess(calls["second"]["answered_us"], calls["fourth"]["answered_us"])
        self.assertGreaterEqual(calls["second"]["answered_us"] - calls["first"]["ended_us"], 1_000_000)
        self.assertEqual([e["type"] for e in self.events(calls["second"])][:3],
                         ["CallReceived", "CallClassified", "CallQueued"])
        self.agents_available("dina")

    # ---- configuration reload -----------------------------------------------------
    def test_sighup_reload_applies_new_rules_and_a_broken_file_is_refused(self):
        with open(self.server.config_path, encoding="utf-8") as f:
            original = f.read()
        self.addCleanup(self._restore_config, original)
        # 102 goes to boris instead of the secretary.
        with open(self.server.config_path, "w", encoding="utf-8") as f:
            f.write(original.replace("unknown: {agents: [sec]}", "unknown: {agents: [boris]}"))
        self.server.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "configuration reloaded" in self.server.log(), 10, "the reload")
        boris = self.phone("boris", "agent-answer.xml", "-d", "100")
        sec = self.phone("sec")
        caller = self.caller(dialled="102")
        self.ok(caller, boris)
        self.silent(sec)
        # A broken file is refused through the admin API; the running rules stay.
        with open(self.server.config_path, "w", encoding="utf-8") as f:
            f.write(original.replace("unknown: {agents: [sec]}", "unknown: {agents: [nobody]}"))
        root = self.server.session("root", "pw-root")
        status, body = root.post("/api/admin/reload")
        self.assertEqual(status, 400, body)
        self.assertIn("unknown agent 'nobody'", body["message"])
        status, body = self.olga.post("/api/admin/reload")
        self.assertEqual(status, 403, body)  # a supervisor is not an admin
        boris = self.phone("boris", "agent-answer.xml", "-d", "100")
        caller = self.caller(dialled="102", name="after-refusal")
        self.ok(caller, boris)
        self.agents_available("boris")

    def _restore_config(self, text):
        with open(self.server.config_path, "w", encoding="utf-8") as f:
            f.write(text)
        root = self.server.session("root", "pw-root")
        status, body = root.post("/api/admin/reload")
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
