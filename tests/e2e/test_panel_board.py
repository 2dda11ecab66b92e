"""The supervisor's board in Chromium against the real server with SIPp:
forcing an agent's pause from the board (recorded with who did it), a page
that lost its socket resuming from the board's sequence without a new
snapshot, and the desk queue growing while calls wait (positions, wait
times matching the server's) and shrinking as the agent takes them, with
today's figures following.
"""
import os
import unittest

from harness import ROOT, wait_for
from test_panel_support import PanelCase, js_str, screenshot_dir, tid

CONFIG = os.path.join(ROOT, "tests", "e2e", "routing.yaml")


def seconds(text):
    """'01:05' or '1:02:03' -> seconds."""
    parts = [int(p) for p in text.split(":")]
    total = 0
    for p in parts:
        total = total * 60 + p
    return total


class PanelBoardTest(PanelCase):
    NAME = "panel-board"
    CONFIG = CONFIG
    PASSWORDS = {"olga": "pw-olga", "dina": "pw-dina", "anna": "pw-anna"}
    SIP = {"dina": ("206", "sip-dina"), "anna": ("201", "sip-anna")}

    def board_page(self):
        olga = self.page("olga")
        self.browser.goto(olga, self.server.base_url + "/#board")
        self.browser.wait(olga, f"document.querySelector({js_str(tid('board-view'))}).dataset.seq !== ''")
        return olga

    def row(self, login):
        return tid("board-agent") + f'[data-login="{login}"]'

    def row_paused(self, page, login, paused=True):
        self.browser.wait(page, f"document.querySelector({js_str(self.row(login))})?.dataset.paused === {js_str(str(paused).lower())}")

    def waiting(self, page, count, queue="desk", timeout=15):
        self.browser.wait(page, f"document.querySelector('[data-testid=\"board-queue\"][data-queue=\"{queue}\"]')"
                                f"?.dataset.waiting === {js_str(str(count))}", timeout=timeout)

    def test_1_a_forced_pause_and_a_resume_after_a_lost_socket(self):
        api = self.api("olga")
        olga = self.board_page()
        self.browser.fill(olga, tid("force-reason"), "совещание")
        self.browser.click(olga, self.row("dina") + " " + tid("force-pause"))
        self.row_paused(olga, "dina")
        self.assertEqual(self.browser.text(olga, self.row("dina") + " " + tid("board-agent-reason")), "совещание")
        # Her state and time in it, ticking on the page from the server's time.
        shown_state = self.browser.eval(olga, f"document.querySelector({js_str(self.row('dina') + ' ' + tid('board-agent-state'))}).dataset.state")
        shown = self.browser.text(olga, self.row("dina") + " " + tid("board-agent-duration"))
        board = api.get("/api/board")[1]
        dina = next(a for a in board["agents"] if a["login"] == "dina")
        self.assertEqual(shown_state, dina["state"])
        self.assertRegex(shown, r"^\d{2}:\d{2}$")
        self.assertLessEqual(abs(seconds(shown) - (board["server_time_us"] - dina["since_us"]) / 1e6), 1.5, shown)
        events = api.get("/api/events?stream=agent/dina")[1]["events"]
        self.assertEqual([e["fields"] for e in events if e["type"] == "AgentPauseChanged"][-1],
                         {"agent": "dina", "paused": True, "reason": "совещание", "by": "olga"})
        self.browser.click(olga, self.row("dina") + " " + tid("force-available"))
        self.row_paused(olga, "dina", False)

        # The page loses its socket; meanwhile anna is paused and back.
        before = self.browser.eval(olga, "({...window.__callboard.board})")
        self.browser.eval(olga, "window.__callboard.holdSocket()")
        self.browser.wait(olga, "window.__callboard.socket === 'closed'")
        status, body = api.post("/api/agents/anna/state", {"state": "paused", "reason": "обучение"})
        self.assertEqual(status, 202, body)
        wait_for(lambda: self.board_agent(api, "anna")["paused"], 10, "anna paused on the server")
        self.browser.eval(olga, "window.__callboard.releaseSocket()")
        self.row_paused(olga, "anna")
        after = self.browser.eval(olga, "({...window.__callboard.board})")
        # It caught up from its sequence: deltas, not a new snapshot.
        self.assertEqual(after["resumes"], before["resumes"] + 1)
        self.assertEqual(after["snapshots"], before["snapshots"])
        self.assertEqual(after["gaps"], 0)
        self.assertGreater(after["seq"], before["seq"])
        api.post("/api/agents/anna/state", {"state": "available"})
        self.row_paused(olga, "anna", False)

    def test_2_the_queue_grows_while_calls_wait_and_shrinks_as_they_are_answered(self):
        api = self.api("olga")
        self.register("dina")
        olga = self.board_page()
        # Dina is paused: the desk's calls wait in its queue.
        self.browser.fill(olga, tid("force-reason"), "перерыв")
        self.browser.click(olga, self.row("dina") + " " + tid("force-pause"))
        self.row_paused(olga, "dina")
        # A caller who gives up while waiting: today's abandoned figure moves live.
        row = tid("board-dept") + '[data-department="desk"] '
        gone = self.caller("+375291230009", dialled="107", scenario="caller-queued-cancel.xml", args=("-d", "600"))
        self.waiting(olga, 1)
        self.waiting(olga, 0)
        self.ok(gone)
        self.browser.wait(olga, f"document.querySelector({js_str(row + tid('dept-abandoned'))})?.textContent === '1'")
        self.assertEqual(self.browser.text(olga, row + tid("dept-offered")), "1")
        self.assertEqual(self.browser.text(olga, row + tid("dept-answered")), "0")

        dina = self.phone("dina", "agent-answer.xml", "-d", "200", calls=2)
        first = self.caller("+375291230001", dialled="107", scenario="caller-queued.xml", args=("-d", "700"))
        self.waiting(olga, 1)
        second = self.caller("+375291230002", dialled="107", scenario="caller-queued.xml", args=("-d", "300"))
        self.waiting(olga, 2)

        # Positions in arrival order; wait times tick on the page from the
        # server's times and match what the server says.
        self.browser.wait(olga, "(() => { const w = document.querySelector('[data-testid=\"board-call\"][data-position=\"1\"]"
                                " [data-testid=\"board-call-wait\"]'); return w && w.textContent >= '00:02'; })()",
                          timeout=10)
        shown = self.browser.eval(olga, """[...document.querySelectorAll('[data-testid="board-call"]')].map(r => ({
            call: r.dataset.call, position: Number(r.dataset.position),
            wait: r.querySelector('[data-testid="board-call-wait"]').textContent}))""")
        longest = self.browser.text(olga, tid("board-queue") + '[data-queue="desk"] ' + tid("board-longest"))
        board = api.get("/api/board")[1]
        desk = next(q for q in board["queues"] if q["id"] == "desk")
        self.assertEqual([w["caller"] for w in desk["waiting"]], ["+375291230001", "+375291230002"])
        self.assertEqual([s["call"] for s in shown], [w["call"] for w in desk["waiting"]])
        self.assertEqual([s["position"] for s in shown], [1, 2])
        for s, w in zip(shown, desk["waiting"]):
            server_wait = (board["server_time_us"] - w["since_us"]) / 1e6
            self.assertLessEqual(abs(seconds(s["wait"]) - server_wait), 1.5, (s, server_wait))
        self.assertLessEqual(abs(seconds(longest) - seconds(shown[0]["wait"])), 1)
        self.assertGreater(seconds(shown[0]["wait"]), seconds(shown[1]["wait"]) - 1)
        self.browser.screenshot(olga, os.path.join(screenshot_dir(self.workdir), "supervisor-board.png"), full=True)

        # Dina is back: she takes the oldest call, then, after her wrap-up, the next.
        self.browser.click(olga, self.row("dina") + " " + tid("force-available"))
        self.waiting(olga, 1)
        remaining = self.browser.eval(olga, "document.querySelector('[data-testid=\"board-call\"]').dataset.call")
        self.assertEqual(remaining, desk["waiting"][1]["call"])
        self.waiting(olga, 0, timeout=20)
        self.ok(first, second, dina)
        # Today's figures follow: two more calls offered and answered, with their waits.
        self.browser.wait(olga, f"document.querySelector({js_str(row + tid('dept-answered'))})?.textContent === '2'",
                          timeout=10)
        self.assertEqual(self.browser.text(olga, row + tid("dept-offered")), "3")
        self.assertEqual(self.browser.text(olga, row + tid("dept-abandoned")), "1")
        figures = next(d for d in api.get("/api/board")[1]["departments"] if d["department"] == "desk")
        self.assertEqual((figures["offered"], figures["answered"], figures["abandoned"]), (3, 2, 1))
        self.assertGreater(figures["average_wait_s"], 1)
        # What the page shows is the server's figures, as the page formats them.
        self.assertEqual(self.browser.text(olga, row + tid("dept-avg-wait")), f"{figures['average_wait_s']:.1f} с")
        sl = self.browser.text(olga, row + tid("dept-sl"))
        self.assertEqual(sl, f"{round(figures['service_level'] * 100)}%" if figures["service_level"] is not None else "—")
        self.assertEqual(self.browser.eval(olga, "window.__callboard.board.gaps"), 0)


if __name__ == "__main__":
    unittest.main()
