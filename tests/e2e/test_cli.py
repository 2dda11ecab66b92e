"""The command line against a real data directory: check-config on a good
and a broken file, `events --stream` printing a client's stream, and
`replay` rebuilding the views from the log alone, after a server wrote it;
the nice of the SIP and actor threads (`--thread-nice`)."""
import os
import re
import subprocess
import unittest

from harness import ROOT, Server, new_workdir, remove_workdir, wait_for


def thread_nices(pid):
    """{thread name: set of nice values} of a running process, from /proc."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            name = f.read().strip()
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            # Field 19 is nice; the name in parentheses may hold spaces.
            nice = int(f.read().rsplit(")", 1)[1].split()[16])
        out.setdefault(name, set()).add(nice)
    return out


def thread_nices_once_running(pid, names):
    """thread_nices(pid) once every thread in `names` exists: the server
    answers HTTP before its SIP thread has started, so a read right after
    start may not find it yet."""
    def all_there():
        nices = thread_nices(pid)
        return nices if all(n in nices for n in names) else None
    return wait_for(all_there, 15, "threads %s" % ", ".join(names))


class CliTest(unittest.TestCase):
    def setUp(self):
        self.workdir = new_workdir("cli")
        self.server = Server(self.workdir)

    def tearDown(self):
        self.server.stop()
        remove_workdir(self.workdir)

    def run_cli(self, *args):
        return subprocess.run(self.server.command(*args), capture_output=True, text=True, timeout=60)

    def test_check_config_accepts_the_demo_and_names_the_line_of_a_mistake(self):
        demo = os.path.join(ROOT, "ops", "demo", "callboard.yaml")
        out = self.run_cli("check-config", demo)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("ok (", out.stdout)
        # The file given with -c is checked when none is named.
        out = self.run_cli("-c", demo, "check-config")
        self.assertEqual(out.returncode, 0, out.stderr)

        with open(self.server.config_path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        at = next(i for i, l in enumerate(lines) if l.startswith("agents:"))
        lines.insert(at, "unknown_setting: 1")
        broken = os.path.join(self.workdir, "broken.yaml")
        with open(broken, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        out = self.run_cli("check-config", broken)
        self.assertNotEqual(out.returncode, 0, out.stdout)
        message = out.stdout + out.stderr
        self.assertIn(f"broken.yaml:{at + 1}:", message)  # file:line: problem
        self.assertIn("unknown key 'unknown_setting'", message)

    def test_events_prints_a_clients_stream_and_replay_counts_what_the_server_wrote(self):
        self.server.start()
        olga = self.server.session("olga")
        status, body = olga.post("/api/clients", {"name": "Ефим Сидоров", "company": "ЧУП «Вектор»",
                                                  "phones": ["+375 29 700-00-07"], "responsible": "anna"})
        self.assertEqual(status, 201, body)
        client = body["client"]
        status, body = olga.post(f"/api/clients/{client}/notes", {"text": "Перезвонить в пятницу"})
        self.assertIn(status, (200, 201), body)
        self.assertEqual(self.server.stop(), 0)

        data = ("-c", self.server.config_path, "--data-dir", self.server.data_dir)
        out = self.run_cli(*data, "events", "--stream", f"client/{client}")
        self.assertEqual(out.returncode, 0, out.stderr)
        types = re.findall(r"\b(ClientCreated|PhoneLinked|ResponsibleAssigned|NoteAdded)\b", out.stdout)
        self.assertEqual(types, ["ClientCreated", "PhoneLinked", "ResponsibleAssigned", "NoteAdded"], out.stdout)
        self.assertIn("Ефим Сидоров", out.stdout)
        self.assertIn("+375297000007", out.stdout)
        self.assertIn("Перезвонить в пятницу", out.stdout)

        out = self.run_cli(*data, "events", "--stream", "client/999999")
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("stream client/999999 has no events", out.stderr)

        out = self.run_cli(*data, "replay")
        self.assertEqual(out.returncode, 0, out.stderr)
        fields = dict(re.findall(r"^(\w+)\s+(\S+)", out.stdout, re.M))
        self.assertEqual(fields["clients"], "3", out.stdout)  # two demo clients and Ефим
        self.assertEqual(fields["events"], fields["last_sequence"], out.stdout)

    @unittest.skipUnless(os.geteuid() == 0, "lowering a thread's nice needs root")
    def test_the_sip_and_actor_threads_run_at_the_configured_nice(self):
        self.server.start()
        nices = thread_nices_once_running(self.server.proc.pid, ("cb-sip", "caf.multiplexer"))
        self.assertEqual(nices.get("cb-sip"), {-10}, nices)
        caf = {n for name, v in nices.items() if name.startswith("caf.") for n in v}
        self.assertEqual(caf, {-10}, nices)
        # The others keep the process's nice: the log writer, the web.
        self.assertEqual(nices.get("cb-log-writer"), {0}, nices)
        self.assertEqual(nices.get("callboard"), {0}, nices)
        self.assertEqual(self.server.stop(), 0)

        self.server.start("--thread-nice", "0")
        nices = thread_nices_once_running(self.server.proc.pid, ("cb-sip",))
        self.assertEqual(nices.get("cb-sip"), {0}, nices)
        self.assertNotIn("cannot set the thread", self.server.log())


if __name__ == "__main__":
    unittest.main()
