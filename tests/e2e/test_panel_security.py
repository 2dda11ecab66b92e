"""The panel's security in a real browser against the real server: signing
in and out, a wrong password, session expiry, a supervisor signing an agent
out, an agent kept out of the supervisor API and of any change without the
CSRF token, and the WebSocket needing the same session.
"""
import socket
import time
import unittest
import urllib.parse

from harness import wait_for
from test_panel_support import PanelCase, js_str, tid

IDLE_TIMEOUT_S = 3

# fetch() from inside the page, with the page's own cookie: {status, body}.
FETCH = """(async () => {{
  const r = await fetch({path}, {{method: {method}, headers: {headers}, body: {body}}});
  let body = null; try {{ body = await r.json(); }} catch (e) {{}}
  return {{status: r.status, body}};
}})()"""


def fetch(path, method="GET", headers=None, body=None):
    return FETCH.format(path=js_str(path), method=js_str(method), headers=js_str(headers or {}),
                        body=js_str(body) if body is None else js_str(js_str(body)))


class PanelSecurityTest(PanelCase):
    NAME = "panel-security"
    FLAGS = ("--session-idle-timeout", str(IDLE_TIMEOUT_S))

    def test_a_wrong_password_is_refused_and_the_right_one_signs_in_and_out(self):
        p = "anna-wrong"
        self.browser.open(p)
        self.addCleanup(self._close_page, p)
        self.browser.login(p, self.server.base_url + "/", "anna", "not-her-password", expect=False)
        self.assertEqual(self.browser.wait(p, f"(() => {{ const e = document.querySelector({js_str(tid('login-error'))});"
                                              " return !e.hidden && e.textContent; })()"),
                         "Неверный логин или пароль")
        self.assertFalse(self.browser.visible(p, tid("agent-view")))

        self.browser.login(p, self.server.base_url + "/", "anna", self.PASSWORDS["anna"])
        self.assertEqual(self.browser.text(p, tid("agent-name")), "Анна Ковалёва")
        me = self.browser.eval(p, fetch("/api/me"))
        self.assertEqual(me["status"], 200)
        self.browser.click(p, tid("logout"))
        self.browser.wait(p, f"!document.querySelector({js_str(tid('login-view'))}).hidden")
        # The cookie the page had names no session any more.
        self.assertEqual(self.browser.eval(p, fetch("/api/me"))["status"], 401)
        # ... and the WebSocket needs one.
        opened = self.browser.eval(p, """new Promise((resolve) => {
          const ws = new WebSocket(`ws://${location.host}/ws`);
          ws.onopen = () => { resolve(true); ws.close(); };
          ws.onerror = () => resolve(false);
          ws.onclose = () => resolve(false);
        })""")
        self.assertFalse(opened)

    def test_an_idle_session_expires_and_the_page_says_so(self):
        p = self.page("boris")
        self.browser.wait(p, "window.__callboard.socket === 'open'")
        # The session's idle timeout is what is tested: let it pass without
        # a request (the open WebSocket does not keep a session alive).
        time.sleep(IDLE_TIMEOUT_S + 0.5)
        self.browser.click(p, tid("tab-tasks"))  # the page asks the API for his tasks
        self.browser.wait(p, f"!document.querySelector({js_str(tid('login-view'))}).hidden")
        self.assertEqual(self.browser.text(p, tid("login-error")), "Сеанс истёк. Войдите снова.")
        status = self.browser.eval(p, fetch("/api/me"))
        self.assertEqual(status["status"], 401)

    def test_an_agent_cannot_open_the_supervisor_api_nor_see_the_board(self):
        p = self.page("vera")
        for path in ("/api/board", "/api/agents", "/api/calls", "/api/stats/calls"):
            r = self.browser.eval(p, fetch(path))
            self.assertEqual(r["status"], 403, path)
            self.assertEqual(r["body"]["error"], "forbidden", path)
        r = self.browser.eval(p, fetch("/api/agents/anna/state", "POST",
                                       {"Content-Type": "application/json",
                                        "X-CSRF-Token": self.browser.eval(p, "fetch('/api/me').then(r => r.json()).then(j => j.csrf)")},
                                       {"state": "paused", "reason": "x"}))
        self.assertEqual(r["status"], 403)
        self.assertEqual(r["body"]["error"], "forbidden")
        self.assertFalse(self.browser.visible(p, tid("tab-board")))
        self.browser.goto(p, self.server.base_url + "/#board")
        self.browser.wait(p, f"!document.querySelector({js_str(tid('work-view'))}).hidden")
        self.assertFalse(self.browser.visible(p, tid("board-view")))
        self.assertEqual(self.browser.eval(p, "window.__callboard.board.snapshots"), 0)

    def test_no_change_without_the_csrf_token(self):
        p = self.page("anna")
        api = self.api("olga")
        before = api.get("/api/clients/1/history")[1]["entries"]
        json_type = {"Content-Type": "application/json"}
        attempts = [
            ("/api/me/state", {"state": "paused", "reason": "обед"}),
            ("/api/clients/1/notes", {"text": "без токена"}),
            ("/api/clients", {"name": "Подделка"}),
        ]
        for path, body in attempts:
            for headers in (json_type, {**json_type, "X-CSRF-Token": "0" * 64}):
                r = self.browser.eval(p, fetch(path, "POST", headers, body))
                self.assertEqual(r["status"], 403, (path, headers))
                self.assertEqual(r["body"]["error"], "csrf", path)
        # Nothing was written.
        self.assertEqual(api.get("/api/clients/1/history")[1]["entries"], before)
        self.assertEqual(api.get("/api/clients?q=" + urllib.parse.quote("Подделка"))[1]["clients"], [])
        self.assertFalse(self.board_agent(api, "anna")["paused"])
        # The page's own buttons carry the token and work.
        self.browser.select(p, tid("pause-reason"), "break")
        self.browser.click(p, tid("state-pause"))
        self.browser.wait(p, f"document.querySelector({js_str(tid('agent-state'))}).dataset.paused === 'true'")
        self.browser.click(p, tid("state-available"))
        self.browser.wait(p, f"document.querySelector({js_str(tid('agent-state'))}).dataset.paused === 'false'")
        events = api.get("/api/events?stream=agent/anna")[1]["events"]
        pauses = [e["fields"] for e in events if e["type"] == "AgentPauseChanged"]
        self.assertEqual(pauses[-2:], [{"agent": "anna", "paused": True, "reason": "break", "by": "anna"},
                                       {"agent": "anna", "paused": False, "reason": "", "by": "anna"}])

    def test_a_supervisor_logs_an_agent_out_and_his_page_is_signed_out(self):
        p = self.page("anna")
        olga = self.api("olga")
        status, body = olga.post("/api/agents/anna/state", {"state": "logged_out", "reason": "конец смены"})
        self.assertEqual(status, 202, body)
        self.assertEqual(body["sessions_closed"], 1)
        self.browser.wait(p, f"!document.querySelector({js_str(tid('login-view'))}).hidden")
        self.assertEqual(self.browser.text(p, tid("login-error")), "Сеанс завершён. Войдите снова.")
        # 202: accepted; her actor writes the event, awaited here.
        want = {"agent": "anna", "paused": True, "reason": "logged_out: конец смены", "by": "olga"}

        def logged_out_event():
            events = olga.get("/api/events?stream=agent/anna")[1]["events"]
            pauses = [e["fields"] for e in events if e["type"] == "AgentPauseChanged"]
            return pauses[-1] if pauses and pauses[-1] == want else None
        wait_for(logged_out_event, 10, "the AgentPauseChanged of her forced log-out")
        # She signs in again, still paused (no calls) until she says otherwise.
        self.browser.login(p, self.server.base_url + "/", "anna", self.PASSWORDS["anna"])
        self.browser.wait(p, f"document.querySelector({js_str(tid('agent-state'))}).dataset.paused === 'true'")
        self.browser.click(p, tid("state-available"))
        wait_for(lambda: not self.board_agent(olga, "anna")["paused"], 10, "anna available again")

    def test_a_websocket_upgrade_without_a_session_is_refused(self):
        with socket.create_connection(("127.0.0.1", self.server.http_port), timeout=5) as s:
            s.sendall(b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            reply = s.recv(4096).decode(errors="replace")
        self.assertTrue(reply.startswith("HTTP/1.1 401"), reply)
        self.assertIn('"error":"unauthenticated"', reply)


if __name__ == "__main__":
    unittest.main()
