"""The screen pop in a real browser, for a real SIP call (walking skeleton).

anna signs in to the panel in Debian's Chromium (playwright-core); a SIPp
call from Ivan Petrov (her client) comes in; his card must be on her page
within 1 second of the INVITE reaching the server (the CallReceived time).
"""
import json
import os
import subprocess
import unittest

from harness import DEMO_AGENTS, IVAN, ROOT, Server, Sipp, free_port, new_workdir, register_phone, remove_workdir

BROWSER_DIR = os.path.join(ROOT, "tests", "browser")


class BrowserPopTest(unittest.TestCase):
    def setUp(self):
        self.workdir = new_workdir("browser")
        self.server = Server(self.workdir)
        self.server.start()
        self.addCleanup(remove_workdir, self.workdir)
        self.addCleanup(self.server.stop)

    def read_json_line(self, proc):
        while True:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("the browser script ended early:\n" + proc.stderr.read())
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)

    def test_known_clients_card_pops_within_a_second_of_the_invite(self):
        phone_port = free_port(also_udp=True)
        reg = register_phone(self.server, self.workdir, "201", DEMO_AGENTS["anna"][2], phone_port)
        self.assertEqual(reg.proc.returncode, 0, reg.report())

        env = dict(os.environ, CALLBOARD_URL=self.server.base_url, CALLBOARD_LOGIN="anna",
                   CALLBOARD_PASSWORD=DEMO_AGENTS["anna"][0],
                   CALLBOARD_SCREENSHOT=os.environ.get("CALLBOARD_SCREENSHOT", ""))
        browser = subprocess.Popen(["node", os.path.join(ROOT, "tests", "e2e", "browser_pop.mjs")],
                                   cwd=BROWSER_DIR, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        def stop_browser():
            if browser.poll() is None:
                browser.kill()
                browser.wait()
            browser.stdout.close()
            browser.stderr.close()
        self.addCleanup(stop_browser)
        ready = self.read_json_line(browser)
        self.assertTrue(ready["ready"])
        self.assertTrue(ready["status"]["registered"], ready)

        # Her phone rings for 1.5 s before she answers: the pop shows meanwhile.
        anna = Sipp(self.workdir, "anna-phone", "agent-answer.xml", self.server.sip_target,
                    phone_port, "-d", "1500", timeout=20)
        caller = Sipp(self.workdir, "caller", "caller.xml", self.server.sip_target,
                      free_port(also_udp=True), "-key", "caller", IVAN, "-key", "caller_name", "",
                      "-key", "dialled", "100", "-d", "300", timeout=20)
        popped = self.read_json_line(browser)
        pop = popped["pop"]
        self.assertEqual(caller.wait(), 0, caller.report())
        self.assertEqual(anna.wait(), 0, anna.report())
        closed = self.read_json_line(browser)
        self.assertTrue(closed["closed"])
        self.assertEqual(browser.wait(timeout=30), 0, browser.stderr.read())

        self.assertTrue(pop["known"], pop)
        self.assertEqual(pop["clientName"], "Иван Петров")
        self.assertIn("Стройторг", pop["company"])
        self.assertIn("Анна", pop["responsible"])
        self.assertEqual(pop["stageCode"], "proposal")
        supervisor = self.server.session("olga")
        status, body = supervisor.get(f"/api/calls/{pop['call']}")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["caller"], IVAN)
        received_ms = body["received_us"] / 1000.0
        delay_ms = pop["renderedAt"] - received_ms
        print(f"\npop shown {delay_ms:.1f} ms after the INVITE was received")
        self.assertGreaterEqual(delay_ms, -50)  # same clock; allow rounding
        self.assertLess(delay_ms, 1000)


if __name__ == "__main__":
    unittest.main()
