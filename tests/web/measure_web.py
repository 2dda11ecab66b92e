#!/usr/bin/env python3
"""Measures the panel server (not a test): argon2id login latency and
whether it stalls other requests, keep-alive GET throughput, pop delivery.
    measure_web.py --harness BUILD/tests/web/web_harness
"""
import os, sys, time, json, http.client, threading
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness, login, request, WsClient
import argparse
ap = argparse.ArgumentParser(description="Latency and throughput figures of the panel server, against web_harness on 127.0.0.1.")
ap.add_argument("--harness", required=True)
binary = ap.parse_args().harness

# 1. login latency with the interactive argon2id cost (what the server uses)
t0 = time.monotonic(); h = Harness(binary, "--slow-hash"); start_s = time.monotonic() - t0
times = []
for _ in range(5):
    t = time.monotonic(); login(h.port, "ivanov", "ivanov-pass"); times.append((time.monotonic() - t) * 1000)
# while a login is being verified, other requests are not stalled
def slow_login():
    login(h.port, "petrova", "petrova-pass")
th = threading.Thread(target=slow_login); th.start()
t = time.monotonic(); r = request(h.port, "GET", "/healthz"); health_ms = (time.monotonic() - t) * 1000
th.join()
print(f"startup with interactive hashing (4 agents + decoy): {start_s*1000:.0f} ms")
print(f"login (argon2id interactive verify) median {sorted(times)[2]:.0f} ms, min {min(times):.0f}, max {max(times):.0f}")
print(f"/healthz during a login verify: {health_ms:.1f} ms")

# 2. keep-alive GET /api/clients/1 throughput, one client
cookie, _, _ = login(h.port, "ivanov", "ivanov-pass")
conn = http.client.HTTPConnection("127.0.0.1", h.port)
N = 3000
lat = []
t0 = time.monotonic()
for _ in range(N):
    t = time.monotonic()
    conn.request("GET", "/api/clients/1", headers={"Cookie": cookie}); res = conn.getresponse(); res.read()
    assert res.status == 200
    lat.append((time.monotonic() - t) * 1e6)
el = time.monotonic() - t0
lat.sort()
print(f"GET /api/clients/1 keep-alive, 1 client: {N/el:.0f} req/s, p50 {lat[N//2]:.0f} us, p99 {lat[int(N*0.99)]:.0f} us")

# 3. pop fan-out latency: harness pop -> frame at a WebSocket client
ws = WsClient(h.port, cookie=cookie); ws.recv_json()
pl = []
for i in range(200):
    t = time.monotonic(); call = h.command("pop ivanov 1 +375291234567").split()[1]
    while True:
        m = ws.recv_json()
        if m["type"] == "pop" and m["call"] == call: break
    pl.append((time.monotonic() - t) * 1000)
    h.command(f"close ivanov {call} ended")
pl.sort()
print(f"pop command -> WebSocket frame (incl. 4 events appended): p50 {pl[100]:.2f} ms, p99 {pl[198]:.2f} ms")
ws.close()
t = time.monotonic(); rc = h.stop(); print(f"stop: {(time.monotonic()-t)*1000:.0f} ms rc={rc}")
