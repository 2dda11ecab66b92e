"""Hostile and foreign SIP against the whole server, inside a network
namespace that has only loopback (ip netns), so nothing it provokes can
leave the machine. The checks themselves are in hostile_driver.py."""
import os
import subprocess
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class HostileSipTest(unittest.TestCase):
    def test_hostile_sip_in_a_loopback_only_namespace(self):
        ns = f"callboard-e2e-{os.getpid()}"
        subprocess.run(["ip", "netns", "add", ns], check=True)
        self.addCleanup(subprocess.run, ["ip", "netns", "delete", ns], check=False)
        subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
        links = subprocess.run(["ip", "netns", "exec", ns, "ip", "-o", "link"], check=True,
                               capture_output=True, text=True).stdout
        self.assertEqual([l.split(":")[1].strip() for l in links.splitlines()], ["lo"])
        run = subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3",
                              os.path.join(HERE, "hostile_driver.py")],
                             capture_output=True, text=True, timeout=240, env=os.environ.copy())
        print(run.stdout)
        self.assertEqual(run.returncode, 0, run.stdout[-4000:] + "\n" + run.stderr[-8000:])


if __name__ == "__main__":
    unittest.main()
