"""Completion callbacks: signed as the README says, retried after a receiver's 500, one send per attempt id,
one callback per sweep when its last case has ended, and URLs that would reach inside refused."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest

from fmu_gateway_api.callbacks.service import CallbackUrlNotAllowed, check_url
from tests.conftest import REPO, new_account
from tests.contract_client import ContractClient


def readme_recipe() -> Any:
    """The verification code of the README, run as a receiver would copy it."""
    text = (REPO / "README.md").read_text()
    block = text.split("<!-- callback-recipe -->\n```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    return namespace["verify"]


verify = readme_recipe()


class Receiver:
    """A callback receiver on loopback: answers the programmed statuses in turn (then 200), records all."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.received: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.changed:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    headers = {k.lower(): v for k, v in self.headers.items()}  # names are case-insensitive
                    receiver.received.append({"path": self.path, "headers": headers, "body": body,
                                              "status": status})
                    receiver.changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout_s: float = 60.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        with self.changed:
            while len(self.received) < count and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            return list(self.received)


@pytest.fixture
def receiver_factory() -> Iterator[Any]:
    made: list[Receiver] = []

    def make(statuses: list[int]) -> Receiver:
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()
        r.server.server_close()


def deliveries_when(client: ContractClient, auth: dict[str, str], path: str, state: str) -> list[dict[str, Any]]:
    """The deliveries once the first has reached `state` (the gateway records an answer after it got it)."""
    deadline = time.monotonic() + 60
    while True:
        items = list(client.get(path, headers=auth).json()["items"])
        if (items and items[0]["state"] == state) or time.monotonic() > deadline:
            return items
        time.sleep(0.05)


def test_a_simulation_callback_is_signed_retried_after_a_500_and_sent_once_per_attempt(
        client: ContractClient, receiver_factory: Any) -> None:
    receiver = receiver_factory([500])
    auth = new_account(client)
    secret = client.get("/v1/account/callback-secret", headers=auth).json()["secret"]
    assert secret.startswith("whsec_")
    sim = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "cache": False,
                            "kpis": [{"variable": "h", "kind": "max"}], "callback_url": f"{receiver.url}/hook"}).json()
    assert sim["status"] == "succeeded"

    first, second = receiver.wait_for(2)[:2]
    for got in (first, second):
        assert got["path"] == "/hook"
        assert verify(secret, got["headers"]["fmu-gateway-signature"], got["body"])
        assert not verify("whsec_other", got["headers"]["fmu-gateway-signature"], got["body"])
    delivery = first["headers"]["fmu-gateway-delivery"]
    assert second["headers"]["fmu-gateway-delivery"] == delivery
    assert [r["headers"]["fmu-gateway-attempt"] for r in (first, second)] == [f"{delivery}.1", f"{delivery}.2"]
    event = json.loads(second["body"])
    assert event["id"] == delivery and event["type"] == "simulation.ended"
    assert event["data"]["id"] == sim["id"] and event["data"]["status"] == "succeeded"
    assert event["data"]["kpis"] == sim["kpis"]

    items = deliveries_when(client, auth, f"/v1/simulations/{sim['id']}/callbacks", "delivered")
    assert len(items) == 1
    assert items[0]["id"] == delivery and items[0]["state"] == "delivered"
    assert [(a["attempt"], a["attempt_id"], a["status_code"]) for a in items[0]["attempts"]] == [
        (1, f"{delivery}.1", 500), (2, f"{delivery}.2", 200)]
    # Delivered: no attempt more, and no attempt id was ever sent twice.
    attempt_ids = [r["headers"]["fmu-gateway-attempt"] for r in receiver.received]
    assert attempt_ids == [f"{delivery}.1", f"{delivery}.2"]


def test_a_sweep_calls_back_once_when_its_last_case_has_ended(client: ContractClient, receiver_factory: Any) -> None:
    receiver = receiver_factory([])
    auth = new_account(client)
    secret = client.get("/v1/account/callback-secret", headers=auth).json()["secret"]
    sweep = client.post("/v1/sweeps", headers=auth,
                        json={"base": {"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "cache": False},
                              "cases": [{"e": 0.51}, {"e": 0.52}, {"e": 0.53}],
                              "callback_url": receiver.url}).json()
    got = receiver.wait_for(1)[0]
    assert verify(secret, got["headers"]["fmu-gateway-signature"], got["body"])
    event = json.loads(got["body"])
    assert event["type"] == "sweep.ended"
    assert event["data"]["id"] == sweep["id"] and event["data"]["status"] == "completed"
    assert event["data"]["counts"]["succeeded"] == 3
    items = deliveries_when(client, auth, f"/v1/sweeps/{sweep['id']}/callbacks", "delivered")
    assert [(i["event"], i["state"], len(i["attempts"])) for i in items] == [("sweep.ended", "delivered", 1)]
    table = client.get(f"/v1/sweeps/{sweep['id']}/results", headers=auth).json()
    for row in table["rows"]:  # the cases have no callbacks of their own
        assert client.get(f"/v1/simulations/{row['simulation_id']}/callbacks", headers=auth).json()["items"] == []
    assert len(receiver.received) == 1


def test_callback_urls_that_cannot_be_called_are_refused_before_anything_is_charged(client: ContractClient) -> None:
    auth = new_account(client)
    before = client.get("/v1/account", headers=auth).json()["balance_credits"]
    for url in ("ftp://example.com/hook", "http:///nohost", "http://user:pw@example.com/"):
        refused = client.post("/v1/simulations", headers=auth,
                              json={"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "callback_url": url})
        assert refused.status_code == 422, url
        assert refused.json()["type"].endswith("/callback-url-not-allowed")
    refused = client.post("/v1/sweeps", headers=auth, json={"base": {"fmu_id": "lib:BouncingBall"},
                                                             "cases": [{"e": 0.5}], "callback_url": "file:///etc"})
    assert refused.status_code == 422 and refused.json()["type"].endswith("/callback-url-not-allowed")
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == before
    assert client.get("/v1/simulations", headers=auth).json()["items"] == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://localhost/x", "http://10.1.2.3/x",
                                 "http://192.168.0.10/x", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/x", "http://0.0.0.0/x"])
def test_production_refuses_private_and_loopback_callback_addresses(url: str) -> None:
    production = SimpleNamespace(environment="production")
    with pytest.raises(CallbackUrlNotAllowed):
        check_url(url, production)  # type: ignore[arg-type]
    assert check_url(url, SimpleNamespace(environment="test")) == url  # type: ignore[arg-type]
    assert check_url("https://93.184.215.14/hook", production) == "https://93.184.215.14/hook"  # type: ignore[arg-type]
