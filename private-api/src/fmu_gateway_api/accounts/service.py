"""Accounts and keys: a key is shown once and stored only as its sha256.

Keys carry 192 random bits, so a fast hash is the right tool: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from fmu_gateway_api.accounts import repository
from fmu_gateway_api.errors import Unauthorized
from fmu_gateway_api.tables import Account, ApiKey, utcnow

KEY_PREFIX = "fmk_live_"
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the seam where the paid-runs work puts the tier and scopes of an internal token."""

    account_id: str
    key_id: str
    tier: str


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_id(kind: str) -> str:
    return f"{kind}_{uuid.uuid4().hex}"


def create_key(session: Session, name: str | None, caller: Caller | None) -> tuple[ApiKey, str]:
    """A new key; for a new account unless the caller already has one."""
    if caller is None:
        account = Account(id=new_id("acc"), name=name)
        repository.add_account(session, account)
        session.flush()
        account_id = account.id
    else:
        account_id = caller.account_id
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    key = ApiKey(
        id=new_id("key"),
        account_id=account_id,
        prefix=raw[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(raw),
        name=name,
        created_at=utcnow(),
    )
    repository.add_key(session, key)
    return key, raw


def authenticate(session: Session, raw: str) -> Caller:
    found = repository.find_active_key(session, hash_key(raw))
    if found is None:
        raise Unauthorized("The API key is not valid (unknown or revoked).")
    key, account = found
    now = utcnow()
    last = key.last_used_at
    if last is None or (now - (last if last.tzinfo else last.replace(tzinfo=now.tzinfo))) > _TOUCH_EVERY:
        repository.touch_key(session, key.id, now)
    return Caller(account_id=account.id, key_id=key.id, tier=account.tier)
