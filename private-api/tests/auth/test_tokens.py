"""Internal tokens: only our own, fresh, correctly addressed EdDSA tokens pass; keys rotate without
downtime."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from fmu_gateway_api.auth.tokens import AUDIENCE_API, AUDIENCE_RUNNER, InvalidToken, SigningKey, TokenService
from tests.conftest import new_account
from tests.contract_client import ContractClient


def service(*keys: SigningKey, ttl: int = 300) -> TokenService:
    return TokenService(list(keys), issuer="fmu-gateway", ttl_s=ttl)


def _b64(data: dict) -> str:  # type: ignore[type-arg]
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_fresh_token_verifies_with_its_claims() -> None:
    tokens = service(SigningKey.generate())
    claims = tokens.verify(tokens.mint(subject="acc_1", key_id="key_1", scopes=["api"]))
    assert (claims.subject, claims.key_id, claims.scopes) == ("acc_1", "key_1", ("api",))
    assert claims.expires_at - time.time() <= 300


@pytest.mark.parametrize("attack", ["expired", "audience", "unknown-kid", "tampered", "alg-none", "hs256-confusion",
                                    "other-issuer", "garbage"])
def test_bad_tokens_are_rejected(attack: str) -> None:
    key = SigningKey.generate()
    tokens = service(key)
    good = tokens.mint(subject="acc_1", key_id="key_1", scopes=["api"])
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    if attack == "expired":
        bad = tokens.mint(subject="acc_1", key_id="key_1", scopes=["api"], ttl_s=-60)
    elif attack == "audience":
        bad = tokens.mint(subject="acc_1", key_id="key_1", scopes=["api"], audience=AUDIENCE_RUNNER)
    elif attack == "unknown-kid":
        bad = service(SigningKey.generate()).mint(subject="acc_1", key_id="key_1", scopes=["api"])
    elif attack == "tampered":
        bad = ".".join([header, _b64({**claims, "sub": "acc_admin"}), signature])
    elif attack == "alg-none":
        bad = ".".join([_b64({"alg": "none", "typ": "JWT", "kid": key.kid}), payload, ""])
    elif attack == "hs256-confusion":
        public_pem = key.public.public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
        # The classic: sign with HMAC using the public key as the secret, hoping the verifier mixes them up.
        bad = ".".join([_b64({"alg": "HS256", "typ": "JWT", "kid": key.kid}), payload, ""])
        import hashlib
        import hmac

        mac = hmac.new(public_pem, f"{bad.rsplit('.', 1)[0]}".encode(), hashlib.sha256).digest()
        bad = bad + base64.urlsafe_b64encode(mac).decode().rstrip("=")
    elif attack == "other-issuer":
        bad = TokenService([key], issuer="someone-else", ttl_s=300).mint(subject="acc_1", key_id="k",
                                                                        scopes=["api"])
    else:
        bad = "ey.not.a-token"
    with pytest.raises(InvalidToken):
        tokens.verify(bad, AUDIENCE_API)


def test_signing_keys_rotate_without_downtime() -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    before = service(old)
    during = service(new, old)  # the new key signs, the old one still verifies
    after = service(new)
    issued_before = before.mint(subject="acc", key_id="k", scopes=["api"])
    issued_during = during.mint(subject="acc", key_id="k", scopes=["api"])
    assert during.verify(issued_before).subject == "acc"
    with pytest.raises(InvalidToken):  # an old replica does not know the new key yet: roll keys out first
        before.verify(issued_during)
    assert after.verify(issued_during).subject == "acc"
    with pytest.raises(InvalidToken):
        after.verify(issued_before)
    assert jwt.get_unverified_header(issued_during)["kid"] == new.kid


def test_partners_exchange_a_key_for_a_token_and_use_it(client: ContractClient, raw_client: TestClient) -> None:
    auth = new_account(client)
    token = client.post("/v1/auth/token", headers=auth).json()
    assert token["token_type"] == "Bearer" and 0 < token["expires_in"] <= 300
    claims = raw_client.app.state.ctx.tokens.verify(token["access_token"])  # type: ignore[attr-defined]
    assert claims.scopes == ("api",) and not hasattr(claims, "tier")
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert client.get("/v1/account", headers=bearer).json()["account_id"] == claims.subject
    forged = token["access_token"][:-4] + "AAAA"
    assert client.get("/v1/account", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
