"""The edge under attack (PostgreSQL and SQLite): revocation that revokes tokens too, what a caller pays
read from the database (not from a token), key management that needs the key itself, a bounded number of
keys, limited sign-ups, rate limits per account, and client addresses from trusted proxies only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from fmu_gateway_testkit import own_database, postgres_url

from fmu_gateway_api.app import create_app
from fmu_gateway_api.auth.edge import Edge, client_address
from fmu_gateway_api.auth.ratelimit import MemoryRateLimiter
from fmu_gateway_api.auth.tokens import load_signing_keys
from fmu_gateway_api.errors import Unauthorized
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.settings import Settings
from tests.conftest import ISSUED_KEYS, account_id, make_settings, new_account
from tests.contract_client import ContractClient

PROBLEM = "https://fmu-gateway.dev/problems/"
RUN = {"fmu_id": "lib:BouncingBall", "stop_time": 0.5, "cache": False}


def slug(response: Any) -> str:
    return str(response.json()["type"]).removeprefix(PROBLEM)


def key_of(client: ContractClient, auth: dict[str, str]) -> str:
    return str(client.get("/v1/keys", headers=auth).json()["items"][0]["key_id"])


def token_of(client: ContractClient, auth: dict[str, str]) -> dict[str, str]:
    token = client.post("/v1/auth/token", headers=auth).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_a_token_cannot_manage_keys_and_dies_with_its_key(client: ContractClient) -> None:
    auth = new_account(client)
    key_id = key_of(client, auth)
    bearer = token_of(client, auth)
    assert client.get("/v1/account", headers=bearer).status_code == 200
    # A leaked token must not become a permanent key, nor outlive the key it was minted for.
    for method, path in (("POST", "/v1/keys"), ("POST", "/v1/auth/token"), ("POST", f"/v1/keys/{key_id}/rotate"),
                         ("DELETE", f"/v1/keys/{key_id}")):
        refused = client.request(method, path, headers=bearer)
        assert (refused.status_code, slug(refused)) == (403, "key-required"), (method, path)
    assert len(client.get("/v1/keys", headers=auth).json()["items"]) == 1
    assert client.delete(f"/v1/keys/{key_id}", headers=auth).status_code == 200
    for method, path in (("GET", "/v1/account"), ("POST", "/v1/keys"), ("POST", "/v1/simulations")):
        refused = client.request(method, path, headers=bearer, json=RUN if path == "/v1/simulations" else None)
        assert (refused.status_code, slug(refused)) == (401, "unauthorized"), (method, path)


def test_rotation_ends_the_old_keys_tokens(client: ContractClient) -> None:
    auth = new_account(client)
    bearer = token_of(client, auth)
    rotated = client.post(f"/v1/keys/{key_of(client, auth)}/rotate", headers=auth)
    assert rotated.status_code == 201
    ISSUED_KEYS.append(rotated.json()["api_key"])
    assert client.get("/v1/account", headers=bearer).status_code == 401
    new_key = {"Authorization": f"Bearer {rotated.json()['api_key']}"}
    assert client.get("/v1/account", headers=new_key).status_code == 200


def test_another_replica_stops_a_revoked_key_and_its_tokens_within_the_cache_lifetime(
        client: ContractClient, raw_client: TestClient) -> None:
    ctx = raw_client.app.state.ctx  # type: ignore[attr-defined]
    assert ctx.settings.key_cache_ttl_s <= 5.0  # the documented bound
    now = [1000.0]
    elsewhere = Edge(ctx.tokens, ctx.settings.key_cache_ttl_s, timer=lambda: now[0])  # another replica's edge
    auth = new_account(client)
    raw_key = auth["Authorization"].removeprefix("Bearer ")
    token = token_of(client, auth)["Authorization"].removeprefix("Bearer ")
    with unit_of_work(ctx.sessions) as session:
        assert elsewhere.authenticate(session, raw_key)[0].via == "key"
        assert elsewhere.authenticate(session, token)[0].via == "token"
    assert client.delete(f"/v1/keys/{key_of(client, auth)}", headers=auth).status_code == 200
    now[0] += ctx.settings.key_cache_ttl_s + 0.01
    with unit_of_work(ctx.sessions) as session:
        for credential in (raw_key, token):
            with pytest.raises(Unauthorized):
                elsewhere.authenticate(session, credential)


def test_a_forged_tier_claim_pays_as_the_account_does(client: ContractClient, settings: Settings,
                                                      raw_client: TestClient) -> None:
    """A token signed with our own key, claiming the metered enterprise tier: the run is still taken from
    the free account's credits (tokens carry identity; the tier is the account's)."""
    ctx = raw_client.app.state.ctx  # type: ignore[attr-defined]
    auth = new_account(client)
    bearer = token_of(client, auth)["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(bearer, options={"verify_signature": False})
    signer = load_signing_keys(settings.jwt_keys, settings.data_dir)[0]
    forged = jwt.encode({**claims, "tier": "enterprise"}, signer.private, algorithm="EdDSA",
                        headers={"kid": signer.kid})
    run = client.post("/v1/simulations", headers={"Authorization": f"Bearer {forged}"}, json=RUN)
    assert run.status_code == 200, run.text
    free = ctx.pricing.tier(ctx.pricing.default_tier)
    assert client.get("/v1/account", headers=auth).json()["balance_credits"] == (
        free.included_credits - free.run_price_credits)


def test_the_tier_is_read_at_admission_not_from_the_edges_cache(client: ContractClient,
                                                                  raw_client: TestClient) -> None:
    from fmu_gateway_api.billing import service as billing

    ctx = raw_client.app.state.ctx  # type: ignore[attr-defined]
    auth = new_account(client)
    assert client.get("/v1/account", headers=auth).status_code == 200  # the edge caches the free tier
    with unit_of_work(ctx.sessions) as session:  # an operator moves it, elsewhere: no cache is told
        billing.set_tier(session, account_id(client, auth), "enterprise", ctx.pricing)
    run = client.post("/v1/simulations", headers=auth, json=RUN)
    assert run.status_code == 200, run.text
    simulation = client.get(f"/v1/simulations/{run.json()['id']}", headers=auth).json()
    assert simulation["status"] == "succeeded"
    account = client.get("/v1/account", headers=auth).json()
    free = ctx.pricing.tier(ctx.pricing.default_tier)
    assert (account["tier"], account["balance_credits"]) == ("enterprise", free.included_credits)  # metered


def test_the_keys_of_an_account_share_one_rate_limit(client: ContractClient, raw_client: TestClient,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = raw_client.app.state.ctx  # type: ignore[attr-defined]
    first = new_account(client)
    keys = [first]
    for _ in range(4):
        created = client.post("/v1/keys", headers=first, json={"name": "more"})
        assert created.status_code == 201
        ISSUED_KEYS.append(created.json()["api_key"])
        keys.append({"Authorization": f"Bearer {created.json()['api_key']}"})
    # One minute that does not end during the test: the clock stands still, 20 s into it.
    monkeypatch.setattr(ctx, "rate_limiter", MemoryRateLimiter(clock=lambda: 60.0 * 28_000_000 + 20.0))
    limit = ctx.pricing.tier(ctx.pricing.default_tier).requests_per_minute
    statuses = [raw_client.get("/v1/account", headers=keys[i % 5]).status_code for i in range(limit + 30)]
    assert (statuses.count(200), statuses.count(429)) == (limit, 30)
    assert statuses[:limit] == [200] * limit


def test_a_client_address_comes_from_trusted_proxies_only() -> None:
    from ipaddress import ip_network

    proxies = (ip_network("10.0.0.0/8"),)
    # No trusted proxies: the header is never read.
    assert client_address("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"
    # A client that is not a trusted proxy cannot speak for anyone else.
    assert client_address("203.0.113.9", ["198.51.100.1"], proxies) == "203.0.113.9"
    # Behind the load balancer: the hop it appended, whatever the client wrote to the left of it.
    assert client_address("10.0.1.5", ["1.2.3.4, 198.51.100.7"], proxies) == "198.51.100.7"
    assert client_address("10.0.1.5", ["1.2.3.4", "198.51.100.7, 10.0.2.2"], proxies) == "198.51.100.7"
    assert client_address("10.0.1.5", [], proxies) == "10.0.1.5"
    assert client_address("10.0.1.5", ["not-an-address"], proxies) == "10.0.1.5"


# -- a gateway with tight limits ---------------------------------------------------------------------------
@pytest.fixture
def tight(tmp_path: Path) -> Iterator[Settings]:
    with own_database(postgres_url()) as db:
        yield make_settings(tmp_path, db, signup_per_address_per_hour=2, signup_per_hour=3,
                            max_keys_per_account=3, signup_credits=0, trusted_proxies="10.0.0.0/8",
                            runner_warm_pool=0)


def _signup(http: TestClient, forwarded: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = http.post("/v1/keys", json={"name": "farm"}, headers=headers)
    if response.status_code == 201:
        ISSUED_KEYS.append(response.json()["api_key"])
    return response


def test_account_farming_is_limited_per_address_and_in_total(tight: Settings) -> None:
    with TestClient(create_app(tight), client=("203.0.113.9", 40000)) as direct:
        http = ContractClient(direct)
        made = [_signup(http, forwarded=f"198.51.100.{i}") for i in range(3)]  # spoofed headers: ignored
        assert [r.status_code for r in made] == [201, 201, 429]
        assert slug(made[2]) == "signups-limited" and int(made[2].headers["retry-after"]) > 0
        # No free credits to farm anyway: the operator set sign-up credits to 0.
        auth = {"Authorization": f"Bearer {made[0].json()['api_key']}"}
        assert http.get("/v1/account", headers=auth).json()["balance_credits"] == 0
    with TestClient(create_app(tight), client=("10.0.3.3", 40000)) as behind_proxy:
        http = ContractClient(behind_proxy)
        # Behind a trusted proxy each client counts on its own, and the gateway's total (3 an hour) holds.
        made = [_signup(http, forwarded=f"198.51.100.{i}") for i in range(4)]
        assert [r.status_code for r in made] == [201, 201, 201, 429]
        assert "on this gateway" in made[3].json()["detail"]


def test_an_account_holds_a_bounded_number_of_live_keys(tight: Settings) -> None:
    with TestClient(create_app(tight)) as raw:
        http = ContractClient(raw)
        first = _signup(http)
        auth = {"Authorization": f"Bearer {first.json()['api_key']}"}
        extra = [http.post("/v1/keys", headers=auth, json={"name": "k"}) for _ in range(3)]
        ISSUED_KEYS.extend(r.json()["api_key"] for r in extra if r.status_code == 201)
        assert [r.status_code for r in extra] == [201, 201, 409]
        assert (slug(extra[2]), extra[2].json()["limit"]) == ("too-many-keys", 3)
        # Rotation replaces a key (no net gain), and a revoked key frees its place.
        key_id = extra[0].json()["key_id"]
        rotated = http.post(f"/v1/keys/{key_id}/rotate", headers=auth)
        assert rotated.status_code == 201
        ISSUED_KEYS.append(rotated.json()["api_key"])
        assert http.post("/v1/keys", headers=auth, json={}).status_code == 409
        assert http.delete(f"/v1/keys/{rotated.json()['key_id']}", headers=auth).status_code == 200
        again = http.post("/v1/keys", headers=auth, json={})
        assert again.status_code == 201
        ISSUED_KEYS.append(again.json()["api_key"])


def test_metrics_answer_only_the_metrics_token(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, None, metrics_token="scrape-secret", runner_warm_pool=0)
    with TestClient(create_app(settings)) as raw:
        http = ContractClient(raw)
        assert http.get("/metrics").status_code == 401
        assert http.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        scraped = http.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert scraped.status_code == 200 and "fmu_gateway_runs_total" in scraped.text


def test_a_jwt_that_names_no_key_is_refused(client: ContractClient, raw_client: TestClient) -> None:
    ctx = raw_client.app.state.ctx  # type: ignore[attr-defined]
    auth = new_account(client)
    keyless = ctx.tokens.mint(subject=account_id(client, auth), key_id="", scopes=["api"])
    refused = client.get("/v1/account", headers={"Authorization": f"Bearer {keyless}"})
    assert (refused.status_code, refused.json()["detail"]) == (401, "The token is not valid: it names no key")


def test_the_problem_bodies_say_what_to_do(client: ContractClient) -> None:
    auth = new_account(client)
    bearer = token_of(client, auth)
    refused = client.post("/v1/keys", headers=bearer, json={"name": "x"})
    assert json.loads(refused.text)["detail"] == (
        "Managing keys and tokens needs the API key itself, not a token minted for it.")
