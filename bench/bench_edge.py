"""The edge under load (issue 11): many clients on loopback against one gateway process for a minute,
mixing simulations, uploads, reads and abusive requests (74 MB bodies with bad keys, oversized chunked
bodies, malformed JSON, bad keys). Goals: no 5xx other than 503 server-busy, /v1/health p99 under
250 ms, the server's RSS flat (end within 100 MB of the level after warm-up).

    make bench    # or: .venv/bin/python bench/bench_edge.py [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fmu_gateway_testkit import GatewayProcess  # noqa: E402

from bench_core import LIBRARY  # noqa: E402

MB = 1 << 20
UPLOAD = (LIBRARY / "fmi2" / "BouncingBall.fmu").read_bytes()
SIMULATION = json.dumps({"fmu_id": "lib:BouncingBall", "stop_time": 1.0, "cache": False}).encode()
MIX = [("simulate", 40), ("read", 12), ("upload", 8), ("huge-bad-key", 10), ("chunked-huge", 3),
       ("malformed", 10), ("bad-key", 10), ("quote", 7)]


def _request(url: str, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> int:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _declared_only(url: str, key: str, length: int) -> int:
    """Headers declaring `length` bytes and 64 KiB of them: the answer must come without the rest."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall((f"POST /v1/simulations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()
                     + b"[" + b"1," * 32 * 1024)
        return _status(sock)


def _chunked(url: str, key: str, total: int) -> int:
    """A chunked body of `total` bytes with a valid key, sent until the server answers (it cuts it off)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall((f"POST /v1/simulations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        chunk = b"1," * (128 * 1024)
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        sent = 0
        try:
            while sent < total:
                sock.sendall(frame)
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed: read what it said
        return _status(sock)


def _status(sock: socket.socket) -> int:
    data = b""
    try:
        while b"\r\n" not in data:
            part = sock.recv(4096)
            if not part:
                break
            data += part
    except OSError:
        return 0
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


def _multipart(data: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary7d1"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bb.fmu\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Load:
    def __init__(self, url: str, keys: list[str], seconds: float) -> None:
        self.url, self.keys, self.seconds = url, keys, seconds
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def client(self, n: int) -> None:
        rng = random.Random(n)
        key = self.keys[n % len(self.keys)]
        auth = {"Authorization": f"Bearer {key}"}
        names, weights = zip(*MIX, strict=True)
        upload, upload_type = _multipart(UPLOAD)
        while not self.stop.is_set():
            op = rng.choices(names, weights)[0]
            try:
                if op == "simulate":
                    status = _request(self.url, "POST", "/v1/simulations", SIMULATION,
                                      {**auth, "Content-Type": "application/json"})
                elif op == "quote":
                    status = _request(self.url, "POST", "/v1/quotes", SIMULATION,
                                      {**auth, "Content-Type": "application/json"})
                elif op == "read":
                    path = rng.choice(["/v1/simulations?limit=50", "/v1/fmus/lib:VanDerPol/variables?limit=2",
                                       "/v1/account", "/v1/library"])
                    status = _request(self.url, "GET", path, None, auth)
                elif op == "upload":
                    status = _request(self.url, "POST", "/v1/fmus", upload, {**auth, "Content-Type": upload_type})
                elif op == "huge-bad-key":
                    status = _declared_only(self.url, "fmk_live_bogus", 74 * MB)
                elif op == "chunked-huge":
                    status = _chunked(self.url, key, 40 * MB)
                elif op == "malformed":
                    status = _request(self.url, "POST", "/v1/simulations", b'{"fmu_id": [',
                                      {**auth, "Content-Type": "application/json"})
                else:
                    status = _request(self.url, "POST", "/v1/simulations", SIMULATION,
                                      {"Authorization": "Bearer fmk_live_bogus", "Content-Type": "application/json"})
            except OSError:
                status = 0
            with self.lock:
                self.statuses[(op, status)] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gateway = GatewayProcess(Path(tmp), env={"FMU_GATEWAY_SIGNUP_CREDITS": "1000000"})
        gateway.start()
        try:
            return run(gateway, args.clients, args.seconds)
        finally:
            gateway.cleanup()


def run(gateway: GatewayProcess, clients: int, seconds: float) -> int:
    accounts = max(1, clients // 5)  # five clients share an account (and its rate limit)
    keys = []
    for _ in range(accounts):
        status_key = json.loads(_raw_post(gateway.url, "/v1/keys", b'{"name": "bench"}'))
        keys.append(status_key["api_key"])
    load = Load(gateway.url, keys, seconds)
    health: list[float] = []
    rss: list[tuple[float, int]] = []

    def watch() -> None:
        t0 = time.monotonic()
        while not load.stop.is_set():
            start = time.perf_counter()
            try:
                ok = _request(gateway.url, "GET", "/v1/health", None, {}) == 200
            except OSError:
                ok = False
            health.append(time.perf_counter() - start if ok else float("inf"))
            rss.append((time.monotonic() - t0, gateway.rss_bytes()))
            time.sleep(0.1)

    threads = [threading.Thread(target=load.client, args=(n,), daemon=True) for n in range(clients)]
    watcher = threading.Thread(target=watch, daemon=True)
    started = time.monotonic()
    watcher.start()
    for t in threads:
        t.start()
    time.sleep(seconds)
    load.stop.set()
    for t in threads:
        t.join(timeout=180)
    watcher.join()
    elapsed = time.monotonic() - started

    print(f"edge under load: {clients} clients, {accounts} accounts, {elapsed:.0f} s on loopback")  # noqa: T201
    total = sum(load.statuses.values())
    for (op, status), count in sorted(load.statuses.items()):
        print(f"  {op:<14} {status:>3}  {count:>6}")  # noqa: T201
    print(f"  requests: {total} ({total / elapsed:.0f}/s)")  # noqa: T201
    errors = sum(c for (_op, s), c in load.statuses.items() if s >= 500 and s != 503 or s == 0)
    busy = sum(c for (_op, s), c in load.statuses.items() if s == 503)
    finite = sorted(h for h in health if h != float("inf"))
    failed = len(health) - len(finite)
    p50 = statistics.median(finite) * 1000 if finite else float("nan")
    p99 = finite[min(len(finite) - 1, int(len(finite) * 0.99))] * 1000 if finite else float("nan")
    warm = [r for t, r in rss if t >= min(10.0, seconds / 3)]
    base, peak, end = (warm[0], max(warm), warm[-1]) if warm else (0, 0, 0)
    goals = [("no 5xx (503 server-busy aside) and no dropped connection", errors == 0, f"{errors} ({busy} busy)"),
             ("health p99 < 250 ms, every poll answered", p99 < 250 and failed == 0,
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(health)} polls, {failed} failed"),
             ("RSS flat (end within 100 MB of the warm level)", end - base < 100 * MB,
              f"{base / MB:.0f} MB after warm-up, peak {peak / MB:.0f} MB, end {end / MB:.0f} MB")]
    for name, ok, figure in goals:
        print(f"  {'met ' if ok else 'MISS'} {name}: {figure}")  # noqa: T201
    return 0


def _raw_post(url: str, path: str, body: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        return conn.getresponse().read()
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
