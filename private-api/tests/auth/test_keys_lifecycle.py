"""Keys: listed without secrets, revoked at once, rotated into a new key."""

from __future__ import annotations

from tests.conftest import ISSUED_KEYS, new_account
from tests.contract_client import ContractClient


def test_list_revoke_and_rotate(client: ContractClient) -> None:
    auth = new_account(client)
    second = client.post("/v1/keys", headers=auth, json={"name": "ci"}).json()
    ISSUED_KEYS.append(second["api_key"])
    second_auth = {"Authorization": f"Bearer {second['api_key']}"}
    listed = client.get("/v1/keys", headers=auth).json()["items"]
    assert [k["name"] for k in listed] == ["test", "ci"]
    assert all("api_key" not in k and k["prefix"].startswith("fmk_live_") for k in listed)
    assert listed[0]["last_used_at"] is not None

    revoked = client.delete(f"/v1/keys/{second['key_id']}", headers=auth).json()
    assert revoked["revoked_at"] is not None
    assert client.get("/v1/account", headers=second_auth).status_code == 401  # at once, in this process

    first_id = listed[0]["key_id"]
    rotated = client.post(f"/v1/keys/{first_id}/rotate", headers=auth)
    assert rotated.status_code == 201
    new_key = rotated.json()["api_key"]
    ISSUED_KEYS.append(new_key)
    assert rotated.json()["name"] == "test"
    assert client.get("/v1/account", headers=auth).status_code == 401
    assert client.get("/v1/account", headers={"Authorization": f"Bearer {new_key}"}).status_code == 200


def test_keys_of_another_account_cannot_be_touched(client: ContractClient) -> None:
    mine, theirs = new_account(client), new_account(client)
    their_key = client.get("/v1/keys", headers=theirs).json()["items"][0]["key_id"]
    assert client.delete(f"/v1/keys/{their_key}", headers=mine).status_code == 404
    assert client.post(f"/v1/keys/{their_key}/rotate", headers=mine).status_code == 404
    assert client.get("/v1/account", headers=theirs).status_code == 200
