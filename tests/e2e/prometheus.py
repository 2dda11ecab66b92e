"""A real Prometheus server scraping Callboard, for the end-to-end tests."""
import json
import os
import subprocess
import urllib.parse
import urllib.request

from harness import ROOT, free_port, wait_for


class Prometheus:
    def __init__(self, workdir, metrics_port):
        self.dir = os.path.join(workdir, "prometheus")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        config = os.path.join(self.dir, "prometheus.yml")
        rules = os.path.join(ROOT, "ops", "prometheus", "alerts.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["{rules}"]
scrape_configs:
  - job_name: callboard
    static_configs:
      - targets: ["127.0.0.1:{metrics_port}"]
""")
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={self.dir}/tsdb",
             f"--web.listen-address=127.0.0.1:{self.port}", "--web.enable-lifecycle"],
            stdout=self.log, stderr=subprocess.STDOUT)

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.loads(r.read())["data"]

    def wait_scraped(self):
        """Until the Callboard target has been scraped successfully."""
        def up():
            targets = self.api("targets")["activeTargets"]
            return targets and targets[0]["health"] == "up"
        wait_for(up, 60, "Prometheus to scrape Callboard", interval=0.2)

    def value(self, query):
        result = self.api("query", query=query)["result"]
        return float(result[0]["value"][1]) if result else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
