"""Idempotency keys: the first request under a key decides; a retry with the same body gets the same
resource, one with another body is refused."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fmu_gateway_api.errors import Conflict, InvalidRequest
from fmu_gateway_api.tables import IdempotencyKey, utcnow


class IdempotencyKeyReused(InvalidRequest):
    slug, title = "idempotency-key-reused", "Idempotency key reused"


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def replay(session: Session, account_id: str, operation: str, key: str, digest: str) -> str | None:
    """The resource id of an earlier request under this key, or None for a new key."""
    row = session.get(IdempotencyKey, (account_id, operation, key))
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused(f"the Idempotency-Key '{key}' was used before with a different request body")
    return row.resource_id


def remember(session: Session, account_id: str, operation: str, key: str, digest: str, resource_id: str) -> None:
    try:
        with session.begin_nested():
            session.add(IdempotencyKey(account_id=account_id, operation=operation, key=key, request_hash=digest,
                                       resource_id=resource_id, created_at=utcnow()))
            session.flush()
    except IntegrityError:
        raise Conflict(f"a request with the Idempotency-Key '{key}' is in progress; retry shortly",
                       slug="idempotency-key-in-progress", headers={"Retry-After": "1"}) from None
