#!/usr/bin/env python3
"""API tests over real HTTP and WebSocket against web_harness (the real
WebServer, in-memory log with demo data) on 127.0.0.1.

    api_test.py --harness PATH/web_harness [unittest args]
"""

import argparse
import sys
import time
import unittest

from harness import (Harness, WsClient, WsClosed, login, raw_request, request)

HARNESS = None


class ApiTest(unittest.TestCase):
    """Most routes, against one harness with default timeouts."""

    @classmethod
    def setUpClass(cls):
        cls.h = Harness(HARNESS)
        cls.port = cls.h.port

    @classmethod
    def tearDownClass(cls):
        rc = cls.h.stop()
        assert rc == 0, f"harness exit code {rc}"

    def get(self, path, cookie=None):
        return request(self.port, "GET", path, cookie=cookie)

    # ---- basics -------------------------------------------------------------

    def test_healthz_needs_no_session(self):
        r = self.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"status": "ok"})

    def test_login_me_logout(self):
        r = request(self.port, "POST", "/api/login", {"login": "ivanov", "password": "ivanov-pass"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["login"], "ivanov")
        self.assertEqual(r.json["name"], "Иван Иванов")
        self.assertEqual(r.json["role"], "agent")
        self.assertEqual(r.json["department"], "sales")
        set_cookie = r.header("Set-Cookie")
        self.assertRegex(set_cookie, r"^cb_session=[0-9a-f]{64}; ")
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, set_cookie)
        cookie, csrf = set_cookie.split(";")[0], r.json["csrf"]

        me = self.get("/api/me", cookie)
        self.assertEqual(me.status, 200)
        self.assertEqual(me.json["state"], "available")
        self.assertTrue(me.json["registered"])
        self.assertEqual(me.json["csrf"], csrf)
        self.assertRegex(me.json["since"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

        # A second login gets a different session id.
        cookie2, _, _ = login(self.port, "ivanov", "ivanov-pass")
        self.assertNotEqual(cookie, cookie2)

        out = request(self.port, "POST", "/api/logout", cookie=cookie, csrf=csrf)
        self.assertEqual(out.status, 204)
        self.assertIn("Max-Age=0", out.header("Set-Cookie"))
        after = self.get("/api/me", cookie)
        self.assertEqual(after.status, 401)
        self.assertEqual(after.json["error"], "unauthenticated")
        self.assertEqual(self.get("/api/me", cookie2).status, 200)

    def test_wrong_password_is_401_and_counted(self):
        before = self.h.metrics()
        r = request(self.port, "POST", "/api/login", {"login": "sidorov", "password": "wrong"})
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json["error"], "invalid_credentials")
        self.assertIn("message", r.json)
        self.assertIsNone(r.header("Set-Cookie"))
        unknown = request(self.port, "POST", "/api/login", {"login": "ghost", "password": "x"})
        self.assertEqual(unknown.status, 401)
        after = self.h.metrics()
        self.assertEqual(after["login_failed"] - before["login_failed"], 2)
        self.assertEqual(after["requests"].get("POST 401", 0) - before["requests"].get("POST 401", 0), 2)

    def test_no_session_is_401(self):
        for path in ("/api/me", "/api/clients/1", "/api/agents", "/api/calls/hist-1"):
            r = self.get(path)
            self.assertEqual(r.status, 401, path)
            self.assertEqual(r.json["error"], "unauthenticated", path)
        r = self.get("/api/me", "cb_session=" + "0" * 64)
        self.assertEqual(r.status, 401)

    def test_csrf_token_is_required_for_changes(self):
        cookie, csrf, _ = login(self.port, "petrova", "petrova-pass")
        missing = request(self.port, "POST", "/api/logout", cookie=cookie)
        self.assertEqual(missing.status, 403)
        self.assertEqual(missing.json["error"], "csrf")
        wrong = request(self.port, "POST", "/api/logout", cookie=cookie, csrf="f" * 64)
        self.assertEqual(wrong.status, 403)
        self.assertEqual(self.get("/api/me", cookie).status, 200)  # still logged in
        self.assertEqual(request(self.port, "POST", "/api/logout", cookie=cookie, csrf=csrf).status, 204)

    def test_roles(self):
        agent, _, _ = login(self.port, "ivanov", "ivanov-pass")
        r = self.get("/api/agents", agent)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json["error"], "forbidden")
        self.assertEqual(self.get("/api/events?stream=call/hist-1", agent).status, 403)
        sup, _, _ = login(self.port, "sidorov", "sidorov-pass")
        board = self.get("/api/agents", sup)
        self.assertEqual(board.status, 200)
        by_login = {a["login"]: a for a in board.json["agents"]}
        self.assertEqual(set(by_login), {"ivanov", "petrova", "sidorov", "admin"})
        self.assertEqual(by_login["sidorov"]["role"], "supervisor")
        self.assertEqual(self.get("/api/events?stream=call/hist-1", sup).status, 200)

    # ---- bad input ------------------------------------------------------------

    def test_bad_json_and_wrong_types(self):
        r = request(self.port, "POST", "/api/login", '{"login": "ivanov", ',
                    headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["error"], "bad_request")
        self.assertEqual(r.json["field"], "")
        r = request(self.port, "POST", "/api/login", {"login": ["ivanov"], "password": "x"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json["field"], "login")
        r = request(self.port, "POST", "/api/login", {"login": "ivanov", "password": 42})
        self.assertEqual(r.json["field"], "password")
        r = request(self.port, "POST", "/api/login", "[1, 2]", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = request(self.port, "POST", "/api/login", "login=ivanov",
                    headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415)
        self.assertEqual(r.json["error"], "unsupported_media_type")

    def test_oversize_body_is_413(self):
        big = '{"login":"ivanov","password":"' + "x" * (70 * 1024) + '"}'
        r = request(self.port, "POST", "/api/login", big, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json["error"], "too_large")
        self.assertEqual(self.get("/healthz").status, 200)  # the server is fine

    def test_malformed_http_gets_a_json_400(self):
        status, headers, body = raw_request(self.port, b"BLAH\x01 /x HTTP/1.1\r\n\r\n")
        self.assertEqual(status, 400)
        self.assertIn(b'"error":"bad_request"', body)
        status, _, body = raw_request(self.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                      b"a" * 20000 + b"\r\n\r\n")
        self.assertEqual(status, 431)

    def test_unknown_ids_routes_and_methods(self):
        cookie, csrf, _ = login(self.port, "ivanov", "ivanov-pass")
        r = self.get("/api/clients/999", cookie)
        self.assertEqual((r.status, r.json["error"]), (404, "not_found"))
        r = self.get("/api/clients/abc", cookie)
        self.assertEqual((r.status, r.json["field"]), (400, "id"))
        self.assertEqual(self.get("/api/calls/nope", cookie).status, 404)
        self.assertEqual(self.get("/api/nothing/here", cookie).status, 404)
        r = request(self.port, "DELETE", "/api/clients/1", cookie=cookie, csrf=csrf)
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "GET, PATCH")  # PATCH: the CRM's client update
        self.assertEqual(r.json["error"], "method_not_allowed")
        self.assertEqual(self.get("/nope.html").status, 404)

    def test_directory_traversal_is_refused(self):
        attempts = [
            b"/../../etc/passwd", b"/%2e%2e/%2e%2e/etc/passwd", b"/%2E%2E%2Fetc%2Fpasswd",
            b"/..%2f..%2fetc%2fpasswd", b"/img/..\\..\\etc\\passwd", b"/%252e%252e/etc/passwd",
            b"/index.html%00.js", b"/.git/config", b"/%2e/app.js", b"/app.js/..",
        ]
        for path in attempts:
            status, _, body = raw_request(self.port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n"
                                          b"Connection: close\r\n\r\n")
            self.assertIn(status, (400, 404), path)
            self.assertNotIn(b"root:", body, path)
            self.assertIn(b'"error"', body, path)

    # ---- CRM reads ------------------------------------------------------------

    def test_client_card_history_and_phone_lookup(self):
        cookie, _, _ = login(self.port, "ivanov", "ivanov-pass")
        card = self.get("/api/clients/1", cookie).json
        self.assertEqual(card["name"], "Алексей Смирнов")
        self.assertEqual(card["phones"], ["+375291234567"])
        self.assertEqual(card["responsible"], {"login": "ivanov", "name": "Иван Иванов"})
        self.assertEqual(card["deals"][0]["stage"], "proposal")
        self.assertEqual([c["id"] for c in card["last_calls"][:2]], ["hist-2", "hist-1"])

        hist = self.get("/api/clients/1/history?limit=10", cookie).json["entries"]
        times = [e["time_us"] for e in hist]
        self.assertEqual(times, sorted(times, reverse=True))
        calls = [e for e in hist if e["kind"] == "call"]
        self.assertEqual(calls[-1]["id"], "hist-1")
        self.assertEqual(calls[-1]["outcome"], "answered")
        self.assertEqual(calls[-1]["wait_s"], 8.0)
        self.assertEqual(calls[-1]["talk_s"], 185.0)
        self.assertTrue(calls[-1]["received"].endswith("Z"))
        self.assertEqual(self.get("/api/clients/1/history?limit=x", cookie).json["field"], "limit")

        for number in ("%2B375291234567", "8%20029%20123-45-67", "375291234567"):
            r = self.get("/api/clients?phone=" + number, cookie)
            self.assertEqual(r.status, 200, number)
            self.assertEqual(r.json["phone"], "+375291234567")
            self.assertEqual(r.json["clients"][0]["id"], 1)
        bad = self.get("/api/clients?phone=not-a-number", cookie)
        self.assertEqual((bad.status, bad.json["error"]), (400, "invalid_phone"))

    def test_call_record_and_events(self):
        cookie, _, _ = login(self.port, "admin", "admin-pass")
        call = self.get("/api/calls/hist-3", cookie).json
        self.assertEqual(call["agent"], "petrova")
        self.assertEqual(call["agent_name"], "Мария Петрова")
        self.assertEqual(call["client"], 2)
        ev = self.get("/api/events?stream=call/hist-3", cookie).json
        self.assertEqual([e["type"] for e in ev["events"]],
                         ["CallReceived", "CallClassified", "AgentOffered", "CallAnswered", "CallEnded"])
        self.assertEqual([e["version"] for e in ev["events"]], [1, 2, 3, 4, 5])
        self.assertEqual(ev["events"][1]["fields"]["region"], "BY")
        seqs = [e["sequence"] for e in ev["events"]]
        self.assertEqual(seqs, sorted(seqs))

    # ---- static files ---------------------------------------------------------

    def test_panel_files(self):
        index = self.get("/")
        self.assertEqual(index.status, 200)
        self.assertEqual(index.header("Content-Type"), "text/html; charset=utf-8")
        self.assertIn(b'data-testid="login-form"', index.body)
        self.assertIn("default-src 'self'", index.header("Content-Security-Policy"))
        for path, ctype in (("/app.js", "text/javascript; charset=utf-8"),
                            ("/i18n.js", "text/javascript; charset=utf-8"),
                            ("/style.css", "text/css; charset=utf-8")):
            r = self.get(path)
            self.assertEqual((r.status, r.header("Content-Type")), (200, ctype), path)
        head = request(self.port, "HEAD", "/app.js")
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertGreater(int(head.header("Content-Length")), 1000)

    def test_requests_are_counted_by_method_and_status(self):
        before = self.h.metrics()["requests"]
        self.get("/healthz")
        self.get("/api/me")
        after = self.h.metrics()["requests"]
        self.assertEqual(after.get("GET 200", 0) - before.get("GET 200", 0), 1)
        self.assertEqual(after.get("GET 401", 0) - before.get("GET 401", 0), 1)

    # ---- WebSocket ------------------------------------------------------------

    def test_websocket_needs_a_session_and_our_origin(self):
        ws = WsClient(self.port)
        self.assertEqual(ws.status, 401)
        self.assertIn(b"unauthenticated", ws.body)
        ws.sock.close()
        cookie, _, _ = login(self.port, "ivanov", "ivanov-pass")
        evil = WsClient(self.port, cookie=cookie, origin="http://evil.example")
        self.assertEqual(evil.status, 403)
        evil.sock.close()

    def test_websocket_hello_state_pop_and_close(self):
        before = self.h.metrics()
        cookie, csrf, _ = login(self.port, "ivanov", "ivanov-pass")
        tab1 = WsClient(self.port, cookie=cookie, origin=f"http://127.0.0.1:{self.port}")
        tab2 = WsClient(self.port, cookie=cookie)
        other_cookie, _, _ = login(self.port, "petrova", "petrova-pass")
        other = WsClient(self.port, cookie=other_cookie)
        for ws in (tab1, tab2, other):
            self.assertEqual(ws.status, 101)
        hello = tab1.recv_json()
        self.assertEqual(hello["type"], "hello")
        self.assertEqual(hello["login"], "ivanov")
        self.assertEqual(hello["registered"], True)
        self.assertIn(hello["state"], ("available", "ringing", "paused"))
        tab2.recv_type("hello")
        self.assertEqual(other.recv_type("hello")["login"], "petrova")

        call, received_us = self.h.command("pop ivanov 1 +375291234567").split()[1:3]
        for ws in (tab1, tab2):
            # The harness records AgentStateChanged(ringing) before the pop.
            pop = ws.recv_type("pop")
            self.assertEqual(pop["call"], call)
            self.assertEqual(pop["caller"], "+375291234567")
            self.assertEqual(pop["entry_point"], "Отдел продаж")
            self.assertEqual(pop["region"], "BY")
            self.assertEqual(pop["card"]["name"], "Алексей Смирнов")
            self.assertEqual(pop["card"]["deals"][0]["stage"], "proposal")
            self.assertGreaterEqual(pop["server_time_us"], int(received_us))

        self.h.command(f"close ivanov {call} answered")
        closed = tab1.recv_type("pop_closed")
        self.assertEqual((closed["call"], closed["reason"]), (call, "answered"))

        unknown_call = self.h.command("pop ivanov unknown 80291112233").split()[1]
        pop = tab1.recv_type("pop")
        self.assertEqual(pop["call"], unknown_call)
        self.assertIsNone(pop["card"])
        self.assertEqual(pop["caller"], "+375291112233")

        self.h.command("state ivanov paused lunch")
        state = tab1.recv_type("state")
        self.assertEqual(state["state"], "paused")
        self.assertIsInstance(state["since_us"], int)

        # petrova saw none of ivanov's pops: her next frame is her own state.
        self.h.command("state petrova available")
        msg = other.recv_json()
        self.assertEqual((msg["type"], msg["login"], msg["state"]), ("state", "petrova", "available"))

        # Logout closes that session's sockets with 1008 (policy).
        self.assertEqual(request(self.port, "POST", "/api/logout", cookie=cookie, csrf=csrf).status, 204)
        for ws in (tab1, tab2):
            with self.assertRaises(WsClosed) as ctx:
                while True:
                    ws.recv_json()
            self.assertEqual(ctx.exception.code, 1008)
            ws.close()
        other.close()
        after = self.h.metrics()
        self.assertEqual(after["ws_opened"] - before["ws_opened"], 3)
        self.assertEqual(after["requests"].get("GET 101", 0) - before["requests"].get("GET 101", 0), 3)

    def test_a_slow_page_is_dropped_without_holding_up_others(self):
        cookie, _, _ = login(self.port, "sidorov", "sidorov-pass")
        before = self.h.metrics()
        slow = WsClient(self.port, cookie=cookie, rcvbuf=4096)
        fast = WsClient(self.port, cookie=cookie)
        self.assertEqual(fast.recv_json()["type"], "hello")
        # 30 rounds of 10 frames of 64 KiB: each round fits the queue of a
        # page that reads (4 MiB), while the page that never reads falls
        # ever further behind until its queue overflows.
        got = 0
        for round_ in range(30):
            self.h.command(f"flood sidorov 10 65536 {round_ * 10}")
            while got < (round_ + 1) * 10:
                msg = fast.recv_json(timeout=30)
                if msg["type"] == "pop":
                    self.assertEqual(msg["call"], f"flood-{got}")
                    got += 1
        deadline = time.monotonic() + 30
        while self.h.metrics()["ws_closed"] == before["ws_closed"]:
            self.assertLess(time.monotonic(), deadline, "the slow page was never dropped")
            time.sleep(0.05)
        slow_got = 0
        with self.assertRaises((WsClosed, ConnectionError)):
            while True:
                if slow.recv_json(timeout=10)["type"] == "pop":
                    slow_got += 1
        self.assertLess(slow_got, 300)
        slow.sock.close()
        fast.close()
        for i in range(292, 300):  # the server remembers the last 8 open pops
            self.h.command(f"close sidorov flood-{i} ended")

    def test_a_page_opened_while_ringing_gets_the_pop(self):
        cookie, _, _ = login(self.port, "petrova", "petrova-pass")
        call = self.h.command("pop petrova 2 +375447654321").split()[1]
        ws = WsClient(self.port, cookie=cookie)
        self.assertEqual(ws.recv_json()["type"], "hello")
        pop = ws.recv_type("pop")
        self.assertEqual(pop["call"], call)
        self.assertEqual(pop["card"]["name"], "Ольга Козлова")
        self.h.command(f"close petrova {call} cancelled")
        self.assertEqual(ws.recv_type("pop_closed")["reason"], "cancelled")
        ws.close()
        ws2 = WsClient(self.port, cookie=cookie)
        self.assertEqual(ws2.recv_json()["type"], "hello")
        self.h.command("state petrova available")
        # The closed pop is not re-sent: the next frame is the state change.
        self.assertEqual(ws2.recv_json()["type"], "state")
        ws2.close()


class SessionTimeTest(unittest.TestCase):
    """Timeouts and throttling, against a harness whose clock the test moves
    ("advance") and whose idle timeout is 60 s, absolute 300 s."""

    @classmethod
    def setUpClass(cls):
        cls.h = Harness(HARNESS, "--idle-timeout-s", "60", "--absolute-timeout-s", "300")
        cls.port = cls.h.port

    @classmethod
    def tearDownClass(cls):
        assert cls.h.stop() == 0

    def test_idle_timeout(self):
        cookie, _, _ = login(self.port, "ivanov", "ivanov-pass")
        self.h.command("advance 59")
        self.assertEqual(request(self.port, "GET", "/api/me", cookie=cookie).status, 200)
        self.h.command("advance 61")
        r = request(self.port, "GET", "/api/me", cookie=cookie)
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json["error"], "session_expired")
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))
        ws = WsClient(self.port, cookie=cookie)
        self.assertEqual(ws.status, 401)
        self.assertIn(b"session_expired", ws.body)
        ws.sock.close()

    def test_absolute_timeout(self):
        cookie, _, _ = login(self.port, "petrova", "petrova-pass")
        for _ in range(5):
            self.h.command("advance 50")
            self.assertEqual(request(self.port, "GET", "/api/me", cookie=cookie).status, 200)
        self.h.command("advance 51")  # 301 s after login, 51 s after last use
        r = request(self.port, "GET", "/api/me", cookie=cookie)
        self.assertEqual(r.json["error"], "session_expired")

    def test_repeated_failures_get_429_with_retry_after(self):
        for _ in range(4):
            r = request(self.port, "POST", "/api/login", {"login": "admin", "password": "guess"})
            self.assertEqual(r.status, 401)
        r = request(self.port, "POST", "/api/login", {"login": "admin", "password": "admin-pass"})
        self.assertEqual(r.status, 429)
        self.assertEqual(r.json["error"], "too_many_attempts")
        self.assertEqual(r.header("Retry-After"), "1")
        self.h.command("advance 2")
        self.assertEqual(request(self.port, "POST", "/api/login",
                                 {"login": "admin", "password": "admin-pass"}).status, 200)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--harness", required=True)
    args, rest = parser.parse_known_args()
    HARNESS = args.harness
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
