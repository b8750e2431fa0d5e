"""Idempotency keys: the first request under a key decides; a retry with the same body gets the same
resource, one with another body is refused. Every route that takes the `Idempotency-Key` header uses
`Key` the same way: `replay` first, then `remember` in the same unit of work as the resource."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fmu_gateway_api.errors import Conflict, InvalidRequest
from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import IdempotencyKey, utcnow


class IdempotencyKeyReused(InvalidRequest):
    slug, title = "idempotency-key-reused", "Idempotency key reused"


class Key:
    """One request's idempotency key (or none: then both methods do nothing)."""

    def __init__(self, account_id: str, operation: str, key: str | None, body: Any) -> None:
        self.account_id, self.operation, self.key = account_id, operation, key
        self.digest = body_hash(body) if key else ""

    def replay(self, session: Session) -> str | None:
        """The resource an earlier request under this key made, or None (refused if its body differed)."""
        if not self.key:
            return None
        return replay(session, self.account_id, self.operation, self.key, self.digest)

    def remember(self, session: Session, resource_id: str) -> None:
        if self.key:
            remember(session, self.account_id, self.operation, self.key, self.digest, resource_id)


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


class IdempotencyRepository(Repository):
    """All SQL about idempotency keys."""

    def get(self, account_id: str, operation: str, key: str) -> IdempotencyKey | None:
        return self.session.get(IdempotencyKey, (account_id, operation, key))

    def add(self, row: IdempotencyKey) -> bool:
        """False when another request took the key first (concurrently)."""
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            return False
        return True


def replay(session: Session, account_id: str, operation: str, key: str, digest: str) -> str | None:
    """The resource id of an earlier request under this key, or None for a new key."""
    row = IdempotencyRepository(session).get(account_id, operation, key)
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyKeyReused(f"the Idempotency-Key '{key}' was used before with a different request body")
    return row.resource_id


def remember(session: Session, account_id: str, operation: str, key: str, digest: str, resource_id: str) -> None:
    row = IdempotencyKey(account_id=account_id, operation=operation, key=key, request_hash=digest,
                         resource_id=resource_id, created_at=utcnow())
    if not IdempotencyRepository(session).add(row):
        raise Conflict(f"a request with the Idempotency-Key '{key}' is in progress; retry shortly",
                       slug="idempotency-key-in-progress", headers={"Retry-After": "1"})
