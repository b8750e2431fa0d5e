"""Cost has a bound: request bodies are capped before they are parsed (by Content-Length, and while they
stream), and nothing of a refused request is kept; variables come a page at a time; the operator's CLI
refuses nonsense and never creates a database by accident."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from fmu_gateway_testkit import GatewayProcess, own_database, postgres_url

from fmu_gateway_api.app import create_app
from tests.conftest import ISSUED_KEYS, make_settings, new_account
from tests.contract_client import ContractClient

PROBLEM = "https://fmu-gateway.dev/problems/"
MB = 1 << 20


def big_run(points: int) -> dict:  # type: ignore[type-arg]
    """A valid simulation request with `points` input samples (about 20 bytes each as JSON)."""
    return {"fmu_id": "lib:FirstOrderLag", "stop_time": 1.0,
            "inputs": {"time": [i / points for i in range(points)], "signals": {"u": [0.5] * points}}}


@pytest.fixture(scope="module")
def small_bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractClient]:
    """A gateway whose JSON bodies are capped at 64 KiB."""
    with own_database(postgres_url()) as db:
        settings = make_settings(tmp_path_factory.mktemp("bounds"), db, max_json_bytes=64 * 1024,
                                 runner_warm_pool=0)
        with TestClient(create_app(settings)) as raw:
            yield ContractClient(raw)


def test_a_json_body_over_the_cap_is_refused_whole_and_changes_nothing(small_bodies: ContractClient) -> None:
    http = small_bodies
    auth = new_account(http)
    before = http.get("/v1/account", headers=auth).json()["balance_credits"]
    body = json.dumps(big_run(8000)).encode()
    assert len(body) > 64 * 1024
    refused = http.post("/v1/simulations", headers={**auth, "Content-Type": "application/json"}, content=body)
    assert (refused.status_code, refused.json()["type"]) == (413, PROBLEM + "request-too-large")
    assert refused.json()["limit_bytes"] == 64 * 1024

    def chunks() -> Iterator[bytes]:  # no Content-Length: cut off while it streams
        for start in range(0, len(body), 8192):
            yield body[start:start + 8192]

    streamed = http.post("/v1/simulations", headers={**auth, "Content-Type": "application/json"}, content=chunks())
    assert (streamed.status_code, streamed.json()["type"]) == (413, PROBLEM + "request-too-large")
    assert http.get("/v1/simulations", headers=auth).json()["items"] == []
    assert http.get("/v1/account", headers=auth).json()["balance_credits"] == before
    accepted = http.post("/v1/simulations", headers=auth, json=big_run(1000))
    assert (accepted.status_code, accepted.json()["status"]) == (200, "succeeded")


def test_a_bad_key_is_refused_before_the_body_is_read(small_bodies: ContractClient) -> None:
    refused = small_bodies.post("/v1/simulations", headers={"Authorization": "Bearer fmk_live_nope"},
                                content=b'{"fmu_id": ')  # not even JSON: the key is checked first
    assert (refused.status_code, refused.json()["type"]) == (401, PROBLEM + "unauthorized")


def test_bodies_that_are_not_json_are_clear_422s(small_bodies: ContractClient) -> None:
    auth = new_account(small_bodies)
    for content, headers in ((b"{", {"Content-Type": "application/json"}),
                             (b"fmu_id=lib:X", {"Content-Type": "application/x-www-form-urlencoded"}),
                             (b"", {})):
        refused = small_bodies.post("/v1/simulations", headers={**auth, **headers}, content=content)
        assert (refused.status_code, refused.json()["type"]) == (422, PROBLEM + "invalid-request"), content


def test_variables_come_a_page_at_a_time(client: ContractClient) -> None:
    auth = new_account(client)
    everything = client.get("/v1/fmus/lib:VanDerPol/variables", headers=auth, params={"limit": 5000}).json()
    assert everything["next_cursor"] is None
    names, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/fmus/lib:VanDerPol/variables", headers=auth, params=params).json()
        names += [v["name"] for v in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert names == [v["name"] for v in everything["items"]] and pages == (len(names) + 1) // 2
    first = client.get("/v1/fmus/lib:VanDerPol/variables", headers=auth,
                       params={"causality": "parameter", "limit": 1}).json()
    assert [v["causality"] for v in first["items"]] == ["parameter"]
    assert first["next_cursor"] is None  # VanDerPol has one parameter: nothing after it matches


# -- the operator's CLI --------------------------------------------------------------------------------------
def _cli(*args: str, data_dir: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FMU_GATEWAY_") and k != "DATABASE_URL"}
    env["FMU_GATEWAY_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-m", "fmu_gateway_api.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_grant_credits_refuses_nonsense_and_missing_databases(tmp_path: Path) -> None:
    empty = tmp_path / "elsewhere"
    missing = _cli("grant-credits", "acc_x", "10", data_dir=empty)
    assert missing.returncode == 1 and "there is no database at" in missing.stderr
    assert not (empty / "fmu-gateway.db").exists()
    for amount in ("1e19", "-5", "0", "10000000000000000000", "2.5"):
        bad = _cli("grant-credits", "acc_x", amount, data_dir=empty)
        assert bad.returncode == 2 and "credits must be a whole number from 1 to" in bad.stderr, amount
    with own_database(postgres_url()) as db:
        data = tmp_path / "data"
        assert _cli("migrate", data_dir=data, database_url=db).returncode == 0
        unknown = _cli("grant-credits", "acc_unknown", "10", data_dir=data, database_url=db)
        assert (unknown.returncode, unknown.stderr) == (1, "error: no account acc_unknown\n")
        tier = _cli("set-tier", "acc_unknown", "gold", data_dir=data, database_url=db)
        assert tier.returncode == 1 and tier.stderr.startswith("error: unknown tier 'gold'")


# -- against a gateway process: memory and latency under abusive bodies --------------------------------------
@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    with own_database(postgres_url()) as db:
        process = GatewayProcess(tmp_path_factory.mktemp("abuse"), database_url=db,
                                 env={"FMU_GATEWAY_RUNNER_WARM_POOL": "0"})
        try:
            yield process.start()
        finally:
            process.cleanup()


def _send_headers(url: str, path: str, key: str, length: int, first: bytes = b"") -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall((f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode() + first)
    return sock


def _status(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]), data


def test_a_74_mb_body_is_answered_without_being_read(gateway: GatewayProcess) -> None:
    """The answer comes before the client has sent a byte of the body: nothing was read, nothing parsed."""
    for key in ("fmk_live_not-a-key", None):
        if key is None:
            created = httpx.post(f"{gateway.url}/v1/keys", json={"name": "abuse"}).json()
            ISSUED_KEYS.append(created["api_key"])
            key = created["api_key"]
        sock = _send_headers(gateway.url, "/v1/simulations", key, 74 * MB)
        try:
            status, head = _status(sock)
        finally:
            sock.close()
        assert status == 413, head
        assert b"application/problem+json" in head
    assert httpx.get(f"{gateway.url}/v1/health", timeout=5).status_code == 200


def test_four_large_bodies_at_once_leave_memory_and_health_alone(gateway: GatewayProcess) -> None:
    created = httpx.post(f"{gateway.url}/v1/keys", json={"name": "abuse"}).json()
    ISSUED_KEYS.append(created["api_key"])
    key = created["api_key"]
    httpx.post(f"{gateway.url}/v1/simulations", headers={"Authorization": f"Bearer {key}"},
               json={"fmu_id": "lib:BouncingBall", "stop_time": 0.1}, timeout=60)  # warm: imports, caches
    baseline = gateway.rss_bytes()
    health: list[int] = []
    stop = threading.Event()

    def poll_health() -> None:
        while not stop.is_set():
            health.append(httpx.get(f"{gateway.url}/v1/health", timeout=10).status_code)
            time.sleep(0.05)

    def abuse() -> int:
        # 74 MB declared and the first 256 KiB sent at once (what the socket buffers take without the
        # server reading); the answer must come without the server waiting for, or reading, the rest.
        sock = _send_headers(gateway.url, "/v1/simulations", key, 74 * MB, b"[" + b"1," * (128 * 1024))
        try:
            return _status(sock)[0]
        finally:
            sock.close()

    poller = threading.Thread(target=poll_health)
    poller.start()
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(abuse())) for _ in range(4)]
    peak = baseline
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, gateway.rss_bytes())
        time.sleep(0.01)
    for t in threads:
        t.join()
    stop.set()
    poller.join()
    assert statuses == [413] * 4
    assert health and set(health) == {200}
    assert peak - baseline < 100 * MB, f"RSS grew by {(peak - baseline) / MB:.0f} MB"


def test_bodies_received_at_once_share_one_memory_budget() -> None:
    """Two 40 KiB bodies against a 64 KiB budget: while the first is held, the second is answered 503
    server-busy; once the first request ends, its bytes are free again."""
    import asyncio

    from fmu_gateway_api.errors import ProblemError
    from fmu_gateway_api.kit.bodylimit import BodyLimit

    first_read = asyncio.Event()
    release = asyncio.Event()

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        try:
            await receive()
        except ProblemError as exc:
            await send({"type": "http.response.start", "status": exc.status, "headers": []})
            await send({"type": "http.response.body", "body": exc.slug.encode()})
            return
        if scope["path"] == "/hold":
            first_read.set()
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    limited = BodyLimit(app, lambda method, path: (64 * 1024, True), budget=64 * 1024)

    async def request(path: str) -> tuple[int, bytes]:
        sent: list[dict] = []  # type: ignore[type-arg]

        async def receive() -> dict:  # type: ignore[type-arg]
            return {"type": "http.request", "body": b"x" * 40 * 1024, "more_body": False}

        async def send(message: dict) -> None:  # type: ignore[type-arg]
            sent.append(message)

        await limited({"type": "http", "method": "POST", "path": path, "headers": []}, receive, send)
        return sent[0]["status"], sent[1]["body"]

    async def scenario() -> list[tuple[int, bytes]]:
        held = asyncio.create_task(request("/hold"))
        await first_read.wait()
        busy = await request("/other")
        release.set()
        first = await held
        after = await request("/other")
        return [first, busy, after]

    assert asyncio.run(scenario()) == [(200, b"ok"), (503, b"server-busy"), (200, b"ok")]
    assert limited.in_flight == 0


def test_a_body_of_non_json_whitespace_is_not_an_empty_body(client: ContractClient) -> None:
    """Found by schemathesis: a vertical tab (not JSON whitespace) was taken for no body at all."""
    response = client.post("/v1/keys", content=b"\x0b", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["type"] == "https://fmu-gateway.dev/problems/invalid-request"


def test_text_with_a_nul_character_is_refused_on_every_database(client: ContractClient) -> None:
    """Found by schemathesis on PostgreSQL: a key name holding NUL was a 500 (PostgreSQL's text cannot hold
    it); it is a 422 on both databases, and nothing is created."""
    response = client.post("/v1/keys", json={"name": "bad\u0000name"})
    assert response.status_code == 422
    assert response.json()["type"] == "https://fmu-gateway.dev/problems/invalid-request"
    assert "NUL" in response.json()["detail"]
