"""SIGKILL under load, again and again (issue 3): the log keeps every
acknowledged write, in order, with no gaps, and the views rebuilt after each
restart (snapshot + tail, or a full replay with the snapshots deleted) equal
a fresh full replay by `callboard replay`.

Eight writer threads hammer the real server over HTTP: each creates clients
(with a phone of its own) and adds notes to them. Only a 201 counts as
acknowledged. The server snapshots its views every 150 events, so kills land
before, during and after snapshot writes. After each kill:
  1. `callboard replay` reads the log from sequence 1 (it fails on a gap) and
     prints the views' digest;
  2. every third time the snapshots are deleted first;
  3. the server restarts; its views' digest (GET /api/admin/views) must equal
     the replay's, at the same sequence;
  4. every write acknowledged so far is read back from its stream: the event
     at the acknowledged stream version, with the acknowledged sequence and
     text, and the stream's versions run 1..n.
Set CALLBOARD_CRASH_SEED to replay a run; CALLBOARD_CRASH_KILLS to change the
number of kills (at least 10).
"""
import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
import unittest
import urllib.parse

from harness import Server, Session, new_workdir, remove_workdir, wait_for

WRITERS = 8
KILLS = max(10, int(os.environ.get("CALLBOARD_CRASH_KILLS", "12")))


class Writer(threading.Thread):
    """Creates clients and adds notes; remembers what was acknowledged."""

    def __init__(self, index, server, up, stop, rng_seed):
        super().__init__(name=f"writer-{index}", daemon=True)
        self.index = index
        self.server = server
        self.up = up        # set while the server is serving
        self.stop = stop
        self.rng = random.Random(rng_seed)
        self.acked = []     # (stream, version, sequence, type, text)
        self.clients = []   # ids of the clients this writer created (acknowledged)
        self.failures = 0   # requests that got no acknowledgement (expected around kills)
        self.errors = []    # answers that must never come (4xx other than a kill's side effects)
        self.session = None
        self.generation = -1
        self.counter = 0

    def login(self):
        s = Session(self.server.base_url)
        status, body = s.post("/api/login", {"login": "olga", "password": "olga-demo"})
        if status != 200:
            raise ConnectionError(f"login {status} {body}")
        self.session = s

    def one(self):
        self.counter += 1
        if not self.clients or self.rng.random() < 0.05:
            phone = f"+37529{self.index}{self.counter:06d}"
            name = f"Клиент {self.index}-{self.counter}"
            status, body = self.session.post("/api/clients", {"name": name, "phones": [phone]})
            if status == 201:
                cid = body["client"]
                self.clients.append(cid)
                self.acked.append((f"client/{cid}", body["version"], body["sequence"], "PhoneLinked", phone))
            return status, body
        cid = self.rng.choice(self.clients[-3:])
        text = f"w{self.index}-n{self.counter}"
        status, body = self.session.post(f"/api/clients/{cid}/notes", {"text": text})
        if status == 201:
            self.acked.append((f"client/{cid}", body["version"], body["sequence"], "NoteAdded", text))
        return status, body

    def run(self):
        while not self.stop.is_set():
            if not self.up.wait(0.2):
                continue
            generation = self.server.starts
            try:
                if generation != self.generation:
                    self.login()
                    self.generation = generation
                status, body = self.one()
                if status not in (201, 503):
                    self.errors.append((status, body))
                elif status == 503:
                    self.failures += 1
            except Exception:  # noqa: BLE001 - the server was killed under us
                self.failures += 1
                self.generation = -1
                time.sleep(0.01)


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.seed = int(os.environ.get("CALLBOARD_CRASH_SEED", str(random.randrange(1 << 30))))
        print(f"\ncrash test seed {self.seed} (CALLBOARD_CRASH_SEED to repeat), {KILLS} kills", flush=True)
        self.rng = random.Random(self.seed)
        self.workdir = new_workdir("crash")
        self.server = Server(self.workdir)
        self.server.extra_args = ["--snapshot-every", "150", "--client-idle-ms", "500"]

    def tearDown(self):
        self.server.stop(sig=signal.SIGKILL)
        remove_workdir(self.workdir)

    # ---- helpers ------------------------------------------------------------------
    def start(self):
        s = self.server
        s.starts += 1
        log = open(s.log_path, "a", encoding="utf-8")
        log.write(f"\n==== start {s.starts} ====\n")
        log.flush()
        s.proc = subprocess.Popen(
            s.command("run", "-c", s.config_path, "--data-dir", s.data_dir, "--fast-password-hashing",
                      *s.extra_args),
            stdout=log, stderr=subprocess.STDOUT)
        log.close()

        def ready():
            if s.proc.poll() is not None:
                raise AssertionError(f"server exited with {s.proc.returncode}:\n{s.log()}")
            return s.get("/healthz", session=None)[0] == 200
        wait_for(ready, 30, "the server's /healthz")

    def kill(self):
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait(timeout=10)

    def replay(self):
        s = self.server
        out = subprocess.run(s.command("replay", "-c", s.config_path, "--data-dir", s.data_dir),
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, f"replay failed (a gap or corruption?):\n{out.stdout}{out.stderr}")
        fields = dict(re.findall(r"^(\w+)\s+(\S+)", out.stdout, re.M))
        self.assertEqual(fields["events"], fields["last_sequence"], out.stdout)  # 1..N, no gap
        return int(fields["last_sequence"]), fields["digest"]

    def supervisor(self):
        return self.server.session("olga")

    def check_acknowledged(self, session, writers):
        """Every acknowledged write is in its stream, at its version, with
        its sequence; each stream's versions run 1..n."""
        by_stream = {}
        for w in writers:
            for stream, version, sequence, kind, text in list(w.acked):
                by_stream.setdefault(stream, []).append((version, sequence, kind, text))
        for stream, acks in by_stream.items():
            status, body = session.get("/api/events?limit=10000&stream=" + urllib.parse.quote(stream, safe=""))
            self.assertEqual(status, 200, body)
            events = body["events"]
            self.assertEqual([e["version"] for e in events], list(range(1, len(events) + 1)), stream)
            sequences = [e["sequence"] for e in events]
            self.assertEqual(sequences, sorted(sequences), stream)
            for version, sequence, kind, text in acks:
                self.assertLessEqual(version, len(events), f"{stream}: acknowledged version {version} is missing")
                e = events[version - 1]
                self.assertEqual((e["sequence"], e["type"]), (sequence, kind), f"{stream} v{version}")
                value = e["fields"]["text"] if kind == "NoteAdded" else e["fields"]["phone"]
                self.assertEqual(value, text, f"{stream} v{version}")
        return sum(len(a) for a in by_stream.values())

    # ---- the test -------------------------------------------------------------------
    def test_sigkill_under_load_loses_nothing_acknowledged(self):
        started = time.monotonic()
        up = threading.Event()
        stop = threading.Event()
        self.start()
        writers = [Writer(i, self.server, up, stop, self.rng.random()) for i in range(WRITERS)]
        for w in writers:
            w.start()
        used_snapshot = 0
        full_replays = 0
        try:
            for kill in range(1, KILLS + 1):
                up.set()
                # Let the load run, then kill at a random moment of it.
                before = sum(len(w.acked) for w in writers)
                wait_for(lambda: sum(len(w.acked) for w in writers) >= before + 40, 30, "writes to be acknowledged")
                time.sleep(self.rng.uniform(0.0, 0.8))
                up.clear()
                self.kill()

                last, digest = self.replay()
                snapshots = os.path.join(self.server.data_dir, "snapshots")
                if kill % 3 == 0:
                    shutil.rmtree(snapshots, ignore_errors=True)
                self.start()
                text = self.server.log()
                this_start = text[text.rfind("==== start"):]
                if "loaded the snapshot" in this_start:
                    used_snapshot += 1
                else:
                    full_replays += 1
                sup = self.supervisor()
                status, views = sup.get("/api/admin/views")
                self.assertEqual(status, 200, views)
                self.assertEqual(views["sequence"], last, "the server wrote events at start-up")
                self.assertEqual(views["digest"], digest,
                                 f"kill {kill}: views after restart differ from a full replay at {last}")
                self.check_acknowledged(sup, writers)
            up.set()
            time.sleep(0.3)
        finally:
            stop.set()
            up.set()
            for w in writers:
                w.join(timeout=15)
        errors = [e for w in writers for e in w.errors]
        self.assertEqual(errors, [], "answers other than 201/503 under load")
        acked = self.check_acknowledged(self.supervisor(), writers)
        self.assertEqual(self.server.stop(), 0)
        last, digest = self.replay()
        elapsed = time.monotonic() - started
        print(f"crash test: {KILLS} kills, {acked} acknowledged writes checked, {last} events, "
              f"{used_snapshot} restarts from a snapshot, {full_replays} full, "
              f"{sum(w.failures for w in writers)} unacknowledged requests, {elapsed:.1f} s", flush=True)
        self.assertGreaterEqual(used_snapshot, 1)
        self.assertGreaterEqual(full_replays, 1)
        self.assertLess(elapsed, 180)


if __name__ == "__main__":
    unittest.main()
