"""Keys: shown once, stored only as a hash, required on every private operation."""

from __future__ import annotations

from sqlalchemy import select

from fmu_gateway_api.settings import Settings
from fmu_gateway_api.tables import ApiKey
from tests.conftest import new_account
from tests.contract_client import ContractClient


def test_a_new_key_works_and_is_stored_only_as_a_hash(client: ContractClient, settings: Settings,
                                                     raw_client) -> None:  # type: ignore[no-untyped-def]
    created = client.post("/v1/keys", json={"name": "laptop"})
    assert created.status_code == 201
    body = created.json()
    raw = body["api_key"]
    assert raw.startswith("fmk_live_") and body["prefix"] == raw[: len(body["prefix"])]
    assert client.get("/v1/fmus", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    ctx = raw_client.app.state.ctx
    with ctx.sessions() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.id == body["key_id"])).one()
        assert stored.key_hash != raw and raw not in stored.key_hash
        assert all(raw not in str(getattr(stored, c.key)) for c in ApiKey.__table__.columns)


def test_a_second_key_for_the_same_account(client: ContractClient) -> None:
    first = client.post("/v1/keys", json={}).json()
    second = client.post("/v1/keys", json={"name": "ci"},
                         headers={"Authorization": f"Bearer {first['api_key']}"}).json()
    assert second["account_id"] == first["account_id"]
    assert second["api_key"] != first["api_key"]


def test_missing_malformed_and_unknown_keys_are_401_problems(client: ContractClient) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer fmk_live_nope"}):
        response = client.get("/v1/fmus", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://fmu-gateway.dev/problems/unauthorized"
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_public_operations_need_no_key(client: ContractClient) -> None:
    assert client.get("/v1/health").status_code == 200
    assert client.get("/v1/ready").status_code == 200
    assert client.get("/v1/library").status_code == 200
    account = new_account(client)
    assert client.get("/v1/library", headers=account).status_code == 200
