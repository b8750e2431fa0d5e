"""Accounts and keys. A key is `fmk_live_` + 192 random bits, shown once and stored only as its sha256
(high-entropy keys need no slow hash); the short visible prefix lets a person recognise it.

Verified keys are cached for at most `key_cache_ttl_s` (5 s): a revoked key stops working at once in
the process that revoked it, and within 5 s everywhere else."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from fmu_gateway_api.accounts.repository import AccountRepository
from fmu_gateway_api.auth.tokens import Claims
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import NotFound, Unauthorized
from fmu_gateway_api.tables import Account, ApiKey, utcnow

KEY_PREFIX = "fmk_live_"
EDGE_CACHE = "edge:"  # key_cache entries of the edge's minted token per key (deps._from_key)
_TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class KeyIdentity:
    key_id: str
    account_id: str
    tier: str


@dataclass(frozen=True)
class Caller:
    """Who is calling, as the edge's internal token says: nothing behind the edge sees a raw key."""

    account_id: str
    key_id: str
    tier: str
    scopes: tuple[str, ...]

    @classmethod
    def from_claims(cls, claims: Claims) -> Caller:
        return cls(account_id=claims.subject, key_id=claims.key_id, tier=claims.tier, scopes=claims.scopes)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_id(kind: str) -> str:
    return f"{kind}_{uuid.uuid4().hex}"


def _new_key(account_id: str, name: str | None) -> tuple[ApiKey, str]:
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    key = ApiKey(id=new_id("key"), account_id=account_id, prefix=raw[: len(KEY_PREFIX) + 6],
                 key_hash=hash_key(raw), name=name, created_at=utcnow())
    return key, raw


def create_key(session: Session, ctx: Context, name: str | None, caller: Caller | None) -> tuple[ApiKey, str]:
    """A new key; for a new account (with its tier's included credits) unless the caller has one."""
    from fmu_gateway_api.billing import service as billing

    if caller is None:
        account = Account(id=new_id("acc"), name=name, tier=ctx.pricing.default_tier, balance=0,
                          created_at=utcnow())
        AccountRepository(session).add_account(account)
        billing.welcome(session, ctx, account)
        account_id = account.id
    else:
        account_id = caller.account_id
    key, raw = _new_key(account_id, name)
    AccountRepository(session).add_key(key)
    return key, raw


def authenticate(session: Session, ctx: Context, raw: str) -> KeyIdentity:
    """The edge's key check: a cached hash lookup, compared in constant time."""
    digest = hash_key(raw)
    now = time.monotonic()
    cached = ctx.key_cache.get(digest)
    if cached is not None and cached[0] > now:
        identity: KeyIdentity = cached[1]
        return identity
    found = AccountRepository(session).find_active_key(digest)
    if found is None or not hmac.compare_digest(found[0].key_hash, digest):
        ctx.key_cache.pop(digest, None)
        raise Unauthorized("The API key is not valid (unknown or revoked).")
    key, account = found
    last = key.last_used_at
    if last is None or utcnow() - last > _TOUCH_EVERY:
        AccountRepository(session).touch_key(key.id, utcnow())
    identity = KeyIdentity(key_id=key.id, account_id=account.id, tier=account.tier)
    if ctx.settings.key_cache_ttl_s > 0:
        if len(ctx.key_cache) > 10_000:
            ctx.key_cache.clear()
        ctx.key_cache[digest] = (now + ctx.settings.key_cache_ttl_s, identity)
    return identity


def list_keys(session: Session, caller: Caller) -> list[ApiKey]:
    return AccountRepository(session).keys_of(caller.account_id)


def revoke_key(session: Session, ctx: Context, caller: Caller, key_id: str) -> ApiKey:
    key = AccountRepository(session).get_key(caller.account_id, key_id)
    if key is None:
        raise NotFound(f"no key '{key_id}' in this account")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        ctx.key_cache.pop(key.key_hash, None)
        ctx.key_cache.pop(EDGE_CACHE + key.key_hash, None)
    return key


def rotate_key(session: Session, ctx: Context, caller: Caller, key_id: str) -> tuple[ApiKey, str]:
    """Revoke a key and hand out its replacement (same name) in one step."""
    old = revoke_key(session, ctx, caller, key_id)
    key, raw = _new_key(caller.account_id, old.name)
    AccountRepository(session).add_key(key)
    return key, raw
