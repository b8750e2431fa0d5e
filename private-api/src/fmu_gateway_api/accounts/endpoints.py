"""HTTP routes for keys."""

from __future__ import annotations

from fastapi import APIRouter, status

from fmu_gateway_api.accounts import service
from fmu_gateway_api.accounts.schemas import KeyCreate, KeyCreated
from fmu_gateway_api.deps import OptionalAccount, SessionDep

router = APIRouter(tags=["keys"])


@router.post("/v1/keys", status_code=status.HTTP_201_CREATED, operation_id="createKey")
def create_key(session: SessionDep, caller: OptionalAccount, body: KeyCreate | None = None) -> KeyCreated:
    key, raw = service.create_key(session, body.name if body else None, caller)
    return KeyCreated(account_id=key.account_id, key_id=key.id, api_key=raw, prefix=key.prefix,
                      name=key.name, created_at=key.created_at)
