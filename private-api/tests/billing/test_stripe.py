"""Stripe through the real `stripe` library against our local Stripe server: checkout, signed webhooks
(exactly once, whatever the order), the pay-per-run agent flow, and metered usage through the outbox."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fmu_gateway_testkit import FakeStripe
from sqlalchemy import select

from fmu_gateway_api.app import create_app
from fmu_gateway_api.auth.tokens import SigningKey, derived_secrets
from fmu_gateway_api.billing.outbox import OutboxDispatcher
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.tables import LedgerEntry, OutboxEvent
from tests.billing.conftest import drain, ledger_consistent
from tests.conftest import WEBHOOK_SECRET, account_id, make_settings, new_account, own_database, set_tier
from tests.contract_client import ContractClient


def ctx_of(raw_client: TestClient) -> Any:
    return raw_client.app.state.ctx  # type: ignore[attr-defined]


def deliver(client: ContractClient, fake: FakeStripe, event: dict[str, Any], *, secret: str = WEBHOOK_SECRET,
            timestamp: int | None = None) -> Any:
    payload, signature = fake.sign(event, secret, timestamp)
    return client.post("/v1/webhooks/stripe", content=payload,
                       headers={"Stripe-Signature": signature, "Content-Type": "application/json"})


def test_buying_a_credit_pack_credits_once_whatever_the_deliveries(
        client: ContractClient, raw_client: TestClient, fake_stripe: FakeStripe) -> None:
    auth = new_account(client)
    account = account_id(client, auth)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    checkout = client.post("/v1/payments/checkout", headers={**auth, **key}, json={"pack_id": "pack_100"})
    assert checkout.status_code == 201, checkout.text
    session = checkout.json()
    assert session["kind"] == "pack" and session["credits"] == 100 and session["amount_cents"] == 1000
    assert session["checkout_url"].startswith("https://checkout.stripe.test/")
    remote = fake_stripe.sessions[session["session_id"]]
    assert remote["client_reference_id"] == account and remote["mode"] == "payment"
    again = client.post("/v1/payments/checkout", headers={**auth, **key}, json={"pack_id": "pack_100"})
    assert again.json()["session_id"] == session["session_id"]  # same idempotency key: same session

    paid = fake_stripe.complete_session(session["session_id"])
    unpaid = {**paid, "payment_status": "unpaid"}
    events = [
        fake_stripe.event("checkout.session.async_payment_succeeded", paid),
        fake_stripe.event("checkout.session.completed", unpaid),  # arrives late: must not undo anything
        fake_stripe.event("checkout.session.completed", paid),
    ]
    completed = events[2]
    deliveries = [events[0], events[1], completed, completed, completed, completed, completed]
    results: list[int] = []
    threads = [threading.Thread(target=lambda e=e: results.append(deliver(client, fake_stripe, e).status_code))
               for e in deliveries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * len(deliveries)
    account_view = client.get("/v1/account", headers=auth).json()
    assert account_view["balance_credits"] == 20 + 100
    assert [e["kind"] for e in account_view["ledger"]].count("topup") == 1
    assert client.get(f"/v1/payments/checkout/{session['session_id']}", headers=auth).json()["paid_at"]
    assert ledger_consistent(ctx_of(raw_client), account) == (120, 120)


@pytest.mark.parametrize("case", ["forged", "stale", "missing", "garbage"])
def test_a_bad_signature_is_400_and_credits_nothing(client: ContractClient, fake_stripe: FakeStripe,
                                                    case: str) -> None:
    auth = new_account(client)
    session = client.post("/v1/payments/checkout", headers=auth, json={"pack_id": "pack_100"}).json()
    event = fake_stripe.event("checkout.session.completed", fake_stripe.complete_session(session["session_id"]))
    if case == "forged":
        response = deliver(client, fake_stripe, event, secret="whsec_someone_else")
    elif case == "stale":
        response = deliver(client, fake_stripe, event, timestamp=int(time.time()) - 3600)
    elif case == "missing":
        payload, _ = fake_stripe.sign(event, WEBHOOK_SECRET)
        response = client.post("/v1/webhooks/stripe", content=payload, headers={"Content-Type": "application/json"})
    else:
        payload, signature = fake_stripe.sign(event, WEBHOOK_SECRET)
        response = client.post("/v1/webhooks/stripe", content=payload + b" ",
                               headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["type"].endswith("/invalid-signature")
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 20
    # The genuine delivery afterwards still works: the bad one recorded nothing.
    assert deliver(client, fake_stripe, event).status_code == 200
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 120


def test_an_agent_pays_for_one_run_and_redeems_its_token_once(
        client: ContractClient, raw_client: TestClient, fake_stripe: FakeStripe) -> None:
    ctx = ctx_of(raw_client)
    auth = new_account(client, "agent")
    drain(ctx, account_id(client, auth))
    body = {"fmu_id": "lib:BouncingBall", "stop_time": 1.0, "cache": False}
    refused = client.post("/v1/simulations", headers=auth, json=body)
    assert refused.status_code == 402
    offer = refused.json()
    again = client.post("/v1/simulations", headers=auth, json=body).json()
    assert again["session_id"] == offer["session_id"]  # an open offer is reused, not multiplied
    pending = client.get(f"/v1/payments/checkout/{offer['session_id']}", headers=auth).json()
    assert pending["kind"] == "run" and pending["payment_token"] is None

    paid = fake_stripe.complete_session(offer["session_id"])
    assert deliver(client, fake_stripe, fake_stripe.event("checkout.session.completed", paid)).status_code == 200
    token = client.get(f"/v1/payments/checkout/{offer['session_id']}", headers=auth).json()["payment_token"]
    assert token and token.startswith("fpt_")

    sim = client.post("/v1/simulations", headers={**auth, "Payment-Token": token}, json=body)
    assert sim.status_code == 200 and sim.json()["status"] == "succeeded"
    reuse = client.post("/v1/simulations", headers={**auth, "Payment-Token": token}, json=body)
    assert reuse.status_code == 402 and reuse.json()["type"].endswith("/invalid-payment-token")
    other = new_account(client)
    stolen = client.post("/v1/simulations", headers={**other, "Payment-Token": token}, json=body)
    assert stolen.status_code == 402
    tampered = client.post("/v1/simulations", headers={**auth, "Payment-Token": token[:-2] + "xx"}, json=body)
    assert tampered.status_code == 402
    view = client.get(f"/v1/payments/checkout/{offer['session_id']}", headers=auth).json()
    assert view["payment_token_redeemed"] and view["payment_token"] is None
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 0  # paid by the token


def test_a_paid_token_survives_a_signing_key_rotation(
        client: ContractClient, raw_client: TestClient, fake_stripe: FakeStripe,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = ctx_of(raw_client)
    auth = new_account(client, "agent")
    drain(ctx, account_id(client, auth))
    body = {"fmu_id": "lib:VanDerPol", "stop_time": 1.5, "cache": False}

    def paid_token() -> tuple[str, str]:
        offer = client.post("/v1/simulations", headers=auth, json=body).json()
        paid = fake_stripe.complete_session(offer["session_id"])
        event = fake_stripe.event("checkout.session.completed", paid)
        assert deliver(client, fake_stripe, event).status_code == 200
        view = client.get(f"/v1/payments/checkout/{offer['session_id']}", headers=auth).json()
        return offer["session_id"], view["payment_token"]

    first, first_token = paid_token()
    second, second_token = paid_token()
    old, new = ctx.token_secrets, derived_secrets([SigningKey.generate()], "payment tokens")

    # The operator rotates: a new first key, the old one kept for the overlap (FMU_GATEWAY_JWT_KEYS).
    monkeypatch.setattr(ctx, "token_secrets", new + old)
    shown = client.get(f"/v1/payments/checkout/{first}", headers=auth).json()["payment_token"]
    assert shown != first_token  # what the gateway shows now is made under the new key
    sim = client.post("/v1/simulations", headers={**auth, "Payment-Token": first_token}, json=body)
    assert sim.status_code == 200, sim.text  # the token the agent already holds still pays its run
    assert sim.json()["status"] == "succeeded"

    # Once the old key is retired, a token made under it alone is no longer ours...
    monkeypatch.setattr(ctx, "token_secrets", new)
    refused = client.post("/v1/simulations", headers={**auth, "Payment-Token": second_token}, json=body)
    assert refused.status_code == 402
    assert refused.json()["type"].endswith("/invalid-payment-token")
    # ...while the one the gateway shows for the same session (made under the new key) pays.
    current = client.get(f"/v1/payments/checkout/{second}", headers=auth).json()["payment_token"]
    sim = client.post("/v1/simulations", headers={**auth, "Payment-Token": current}, json=body)
    assert sim.status_code == 200, sim.text
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == 0


def test_payments_off_means_404_problems(client: ContractClient, tmp_path: Path, database_url: str | None) -> None:
    with TestClient(create_app(make_settings(tmp_path, database_url))) as plain:
        key = plain.post("/v1/keys", json={}).json()["api_key"]
        response = plain.post("/v1/payments/checkout", headers={"Authorization": f"Bearer {key}"},
                              json={"pack_id": "pack_100"})
        assert response.status_code == 404 and response.json()["type"].endswith("/payments-disabled")


# -- metered usage --------------------------------------------------------------------------------------
@pytest.fixture
def metered(tmp_path: Path, database_url: str | None, fake_stripe: FakeStripe) -> Iterator[TestClient]:
    """A gateway of its own whose outbox thread is stopped: the test drives the outbox. Its own database
    too: the shared gateway's outbox thread would otherwise send these events behind its back. (A long
    poll interval is not enough: the bus wakes the thread for each new event, and under load its retry
    fell due before the test's own round, which then counted a second attempt.)"""
    with own_database(database_url) as db:
        settings = make_settings(tmp_path, db, stripe=fake_stripe, outbox_poll_s=3600.0)
        with TestClient(create_app(settings)) as c:
            ctx_of(c).outbox.stop()
            yield c
        fake_stripe.heal()


def _usage_ids(ctx: Any) -> list[str]:
    with unit_of_work(ctx.sessions) as session:
        return list(session.scalars(select(LedgerEntry.id).where(LedgerEntry.kind == "usage")))


def _pending(ctx: Any) -> int:
    with unit_of_work(ctx.sessions) as session:
        return len(list(session.scalars(select(OutboxEvent).where(OutboxEvent.sent_at.is_(None)))))


def test_metered_runs_reach_stripe_exactly_once_through_failures_and_crashes(
        metered: TestClient, fake_stripe: FakeStripe) -> None:
    ctx = ctx_of(metered)
    client = ContractClient(metered)
    auth = new_account(client, "enterprise")
    account = account_id(client, auth)
    set_tier(ctx, account, "enterprise")
    before = set(fake_stripe.identifiers())

    fake_stripe.fail("/v1/billing/meter_events", 500)  # Stripe is down for a while
    for i in range(4):
        sim = client.post("/v1/simulations", headers=auth,
                          json={"fmu_id": "lib:VanDerPol", "stop_time": 1.0, "cache": False,
                                "start_values": {"mu": 1 + i / 10}}).json()
        assert sim["status"] == "succeeded"
    view = client.get("/v1/account", headers=auth).json()
    assert view["billing"] == "metered" and view["balance_credits"] == 20  # never also taken from credits
    usage = _usage_ids(ctx)
    assert len(usage) == 4
    sender = OutboxDispatcher(ctx, lease_s=0.0)
    assert sender.run_once() == 0 and _pending(ctx) == 4
    with unit_of_work(ctx.sessions) as session:
        assert all(e.attempts == 1 and e.last_error for e in session.scalars(select(OutboxEvent)))
        for e in session.scalars(select(OutboxEvent)):
            e.next_attempt_at = e.created_at  # skip the back-off wait

    fake_stripe.heal()

    class Crash(Exception):
        pass

    def die(_event: OutboxEvent) -> None:
        raise Crash  # the process dies after Stripe got the event, before it was marked sent

    crashing = OutboxDispatcher(ctx, lease_s=0.0, after_send=die)
    with pytest.raises(Crash):
        crashing.run_once()
    assert _pending(ctx) == 4  # nothing marked: one event is at Stripe, unacknowledged
    restarted = OutboxDispatcher(ctx, lease_s=0.0)
    assert restarted.run_once() == 4
    assert _pending(ctx) == 0
    delivered = [i for i in fake_stripe.identifiers() if i not in before]
    assert sorted(delivered) == sorted(usage)  # every usage entry, each exactly once
    assert len(delivered) == len(set(delivered))
    events = [e for e in fake_stripe.meter_events if e["identifier"] in usage]
    assert all(e["event_name"] == "fmu_gateway_runs" and e["payload"]["value"] == "1" for e in events)
    customer = events[0]["payload"]["stripe_customer_id"]
    assert customer in fake_stripe.customers and all(e["payload"]["stripe_customer_id"] == customer for e in events)


def test_a_prepaid_run_is_never_reported_as_metered(client: ContractClient, raw_client: TestClient) -> None:
    auth = new_account(client)
    sim = client.post("/v1/simulations", headers=auth,
                      json={"fmu_id": "lib:VanDerPol", "stop_time": 1.5, "cache": False}).json()
    with unit_of_work(ctx_of(raw_client).sessions) as session:
        assert session.scalars(select(LedgerEntry).where(LedgerEntry.reference == sim["id"],
                                                         LedgerEntry.kind == "usage")).first() is None
