"""What the panel's end-to-end tests share (no tests here): a Chromium
driven through tests/e2e/panel_driver.mjs, a server with extra flags, SIP
phones and callers, and reading the server's view of a call.

The browser runs Debian's chromium through playwright-core (tests/browser,
`npm ci` there). Every wait is on a condition in the page or the API, with a
deadline; every process started is stopped by its handle.
"""
import json
import os
import select
import subprocess
import time
import unittest

from harness import assert_sipp_ok, DEMO_AGENTS, ROOT, Server, Sipp, free_port, register_phone, wait_for

BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
DRIVER = os.path.join(ROOT, "tests", "e2e", "panel_driver.mjs")


def have_browser():
    return (os.path.exists("/usr/bin/chromium")
            and os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")))


def tid(*ids):
    """A CSS selector for data-testid ids nested in that order."""
    return " ".join(f'[data-testid="{i}"]' for i in ids)


def js_str(value):
    """A JavaScript literal for a Python value (to embed in an expression)."""
    return json.dumps(value, ensure_ascii=False)


class Browser:
    """One Chromium; pages by name; every command answered or failed within its timeout."""

    def __init__(self, workdir):
        self.stderr = open(os.path.join(workdir, "browser.log"), "w")
        self.proc = subprocess.Popen(["node", DRIVER], cwd=BROWSER_DIR, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True, bufsize=1)
        self.next_id = 0
        ready = self._read(30)
        if not ready.get("ready"):
            raise AssertionError(f"the browser driver did not start: {ready}")

    def _read(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the browser driver did not answer in time")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("the browser driver exited (see browser.log)")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)

    def call(self, op, page=None, timeout=10, **args):
        self.next_id += 1
        cmd = {"id": self.next_id, "op": op, "timeout": int(timeout * 1000), **args}
        if page is not None:
            cmd["page"] = page
        self.proc.stdin.write(json.dumps(cmd, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        while True:
            reply = self._read(timeout + 10)
            if reply.get("id") == self.next_id:
                break
        if not reply["ok"]:
            raise AssertionError(f"browser {op} on {page}: {reply['error']}"
                                 + (f"\npage errors: {reply['page_errors']}" if reply.get("page_errors") else ""))
        return reply["value"]

    # ---- shorthands -----------------------------------------------------------
    def open(self, page):
        return self.call("open", page)

    def login(self, page, url, user, password, expect=True):
        return self.call("login", page, url=url, user=user, password=password, expect=expect, timeout=15)

    def goto(self, page, url):
        return self.call("goto", page, url=url)

    def click(self, page, sel, timeout=10):
        return self.call("click", page, sel=sel, timeout=timeout)

    def fill(self, page, sel, value):
        return self.call("fill", page, sel=sel, value=value)

    def select(self, page, sel, value):
        return self.call("select", page, sel=sel, value=value)

    def text(self, page, sel, timeout=10):
        return self.call("text", page, sel=sel, timeout=timeout)

    def visible(self, page, sel):
        return self.call("visible", page, sel=sel)

    def wait(self, page, js, timeout=10):
        """Waits until the JavaScript expression is truthy in the page; returns its value."""
        return self.call("wait", page, js=js, timeout=timeout)

    def eval(self, page, js):
        return self.call("eval", page, js=js)

    def screenshot(self, page, path, full=False):
        return self.call("screenshot", page, path=path, full=full)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stdin.close()
        self.stderr.close()


class FlagServer(Server):
    """The harness's server with extra `run` flags (e.g. a short session idle timeout)."""

    def __init__(self, workdir, flags=(), **kw):
        super().__init__(workdir, **kw)
        self.flags = list(flags)

    def command(self, *args):
        cmd = super().command(*args)
        if args and args[0] == "run":
            cmd = cmd + self.flags
        return cmd


def screenshot_dir(workdir):
    """Where screenshots go: CALLBOARD_SCREENSHOT_DIR (docs/screenshots to
    refresh the README's) or the test's own directory."""
    # Absolute: the browser driver runs in tests/browser.
    path = os.path.abspath(os.environ.get("CALLBOARD_SCREENSHOT_DIR") or workdir)
    os.makedirs(path, exist_ok=True)
    return path


class PanelCase(unittest.TestCase):
    """A server and a browser for a test class; helpers for phones and calls."""
    NAME = "panel"
    CONFIG = None
    FLAGS = ()
    PASSWORDS = {login: p[0] for login, p in DEMO_AGENTS.items()}
    SIP = {login: (p[1], p[2]) for login, p in DEMO_AGENTS.items()}

    @classmethod
    def setUpClass(cls):
        if not have_browser():
            raise unittest.SkipTest("needs /usr/bin/chromium and tests/browser/node_modules (npm ci)")
        from harness import new_workdir
        cls.workdir = new_workdir(cls.NAME)
        cls.server = FlagServer(cls.workdir, flags=cls.FLAGS, config_file=cls.CONFIG)
        cls.server.start()
        cls.browser = None
        try:
            cls.browser = Browser(cls.workdir)
            cls.phone_port = {login: free_port(also_udp=True) for login in cls.SIP}
            cls.numbers = iter(range(1000, 9999))
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        from harness import remove_workdir
        if getattr(cls, "browser", None):
            cls.browser.close()
        if getattr(cls, "server", None):
            cls.server.stop()
        remove_workdir(cls.workdir)

    # ---- pages -------------------------------------------------------------------
    def page(self, name, login=None):
        """A fresh page signed in as `login` (default: the page's name)."""
        login = login or name
        self.browser.open(name)
        self.addCleanup(self._close_page, name)
        self.browser.login(name, self.server.base_url + "/", login, self.PASSWORDS[login])
        return name

    def _close_page(self, name):
        try:
            self.browser.call("close", name)
        except AssertionError:
            pass

    def api(self, login):
        return self.server.session(login, self.PASSWORDS[login])

    # ---- SIP -------------------------------------------------------------------------
    def register(self, login, expires=600):
        user, password = self.SIP[login]
        reg = register_phone(self.server, self.workdir, user, password, self.phone_port[login], expires)
        self.assertEqual(reg.proc.returncode, 0, reg.report())
        api = self.api("olga")
        wait_for(lambda: self.agent(api, login)["registered"], 10, f"{login}'s phone registered")

    def phone(self, login, scenario, *args, calls=1, timeout=40):
        p = Sipp(self.workdir, f"{self._testMethodName}-{login}-{next(self.numbers)}", scenario,
                 self.server.sip_target, self.phone_port[login], *args, calls=calls, timeout=timeout)
        self.addCleanup(p.stop)
        return p

    def caller(self, number, dialled="100", scenario="caller.xml", args=(), timeout=40):
        p = Sipp(self.workdir, f"{self._testMethodName}-caller-{next(self.numbers)}", scenario,
                 self.server.sip_target, free_port(also_udp=True), "-key", "caller", number,
                 "-key", "caller_name", "", "-key", "dialled", dialled, *args, timeout=timeout)
        self.addCleanup(p.stop)
        return p

    def ok(self, *procs):
        assert_sipp_ok(self, self.server, *procs)

    # ---- the server's view -----------------------------------------------------------
    @staticmethod
    def agent(api, login):
        status, body = api.get("/api/agents")
        assert status == 200, body
        return next(a for a in body["agents"] if a["login"] == login)

    @staticmethod
    def board_agent(api, login):
        """The agent's row on the supervisor board (it has the pause)."""
        status, body = api.get("/api/board")
        assert status == 200, body
        return next(a for a in body["agents"] if a["login"] == login)

    def call_from(self, api, number, ended=True):
        """The newest call from `number` (once it has ended, when asked)."""
        def find():
            status, body = api.get("/api/calls?limit=50")
            for c in body["calls"]:
                if c["caller"] == number and (c["outcome"] or not ended):
                    return c
            return None
        return wait_for(find, 20, f"the call from {number}")
