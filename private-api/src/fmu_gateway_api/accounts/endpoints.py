"""HTTP routes for keys and internal tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from fmu_gateway_api.accounts import service
from fmu_gateway_api.accounts.schemas import KeyCreate, KeyCreated, KeyList, KeyOut, TokenOut
from fmu_gateway_api.deps import (
    ClientAddress,
    ContextDep,
    CurrentAccount,
    EdgeToken,
    KeyHolder,
    OptionalKeyHolder,
    SessionDep,
    json_body,
)
from fmu_gateway_api.tables import ApiKey

router = APIRouter(tags=["keys"])
KeyId = Annotated[str, Path(pattern=r"^key_[0-9a-f]{32}$")]


def _created(key: ApiKey, raw: str) -> KeyCreated:
    return KeyCreated(account_id=key.account_id, key_id=key.id, api_key=raw, prefix=key.prefix, name=key.name,
                      created_at=key.created_at)


def _out(key: ApiKey) -> KeyOut:
    return KeyOut(key_id=key.id, prefix=key.prefix, name=key.name, created_at=key.created_at,
                  last_used_at=key.last_used_at, revoked_at=key.revoked_at)


@router.post("/v1/keys", status_code=status.HTTP_201_CREATED, operation_id="createKey")
def create_key(session: SessionDep, ctx: ContextDep, caller: OptionalKeyHolder, client: ClientAddress,
               body: Annotated[KeyCreate | None, json_body(KeyCreate, optional=True)]) -> KeyCreated:
    name = body.name if body else None
    if caller is None:
        key, raw = service.sign_up(session, ctx, name, client)
    else:
        key, raw = service.add_key(session, ctx, caller, name)
    return _created(key, raw)


@router.get("/v1/keys", operation_id="listKeys")
def list_keys(session: SessionDep, caller: CurrentAccount) -> KeyList:
    return KeyList(items=[_out(k) for k in service.list_keys(session, caller)])


@router.delete("/v1/keys/{key_id}", operation_id="revokeKey")
def revoke_key(key_id: KeyId, session: SessionDep, ctx: ContextDep, caller: KeyHolder) -> KeyOut:
    return _out(service.revoke_key(session, ctx, caller, key_id))


@router.post("/v1/keys/{key_id}/rotate", status_code=status.HTTP_201_CREATED, operation_id="rotateKey")
def rotate_key(key_id: KeyId, session: SessionDep, ctx: ContextDep, caller: KeyHolder) -> KeyCreated:
    key, raw = service.rotate_key(session, ctx, caller, key_id)
    return _created(key, raw)


@router.post("/v1/auth/token", operation_id="createToken")
def create_token(ctx: ContextDep, caller: KeyHolder, edge: EdgeToken) -> TokenOut:
    """The internal token the edge minted for this request's key: partners may call with it directly."""
    return TokenOut(access_token=edge, token_type="Bearer", expires_in=ctx.settings.jwt_ttl_s)
