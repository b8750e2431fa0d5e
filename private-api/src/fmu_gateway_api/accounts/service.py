"""Accounts and their keys: sign-up (limited per client address and in total), more keys (bounded per
account), rotation and revocation (which reach the edge's cache at once here, within 5 s elsewhere)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fmu_gateway_api.accounts.repository import AccountRepository
from fmu_gateway_api.auth.edge import Caller
from fmu_gateway_api.auth.keys import new_key
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import Conflict, NotFound, ProblemError
from fmu_gateway_api.kit.ids import new_id
from fmu_gateway_api.kit.uow import after_commit
from fmu_gateway_api.tables import Account, ApiKey, utcnow

HOUR_S = 3600


class SignupsLimited(ProblemError):
    status, slug, title = 429, "signups-limited", "Too many new accounts"


def sign_up(session: Session, ctx: Context, name: str | None, client: str) -> tuple[ApiKey, str]:
    """A new account (with the operator's sign-up credits) and its first key."""
    _admit_signup(ctx, client)
    account = Account(id=new_id("acc"), name=name, tier=ctx.pricing.default_tier, balance=0, created_at=utcnow())
    AccountRepository(session).add_account(account)
    from fmu_gateway_api.billing import service as billing

    billing.welcome(session, ctx, account)
    key, raw = new_key(account.id, name)
    AccountRepository(session).add_key(key)
    return key, raw


def _admit_signup(ctx: Context, client: str) -> None:
    s = ctx.settings
    for bucket, limit, who in ((f"signup:{client}", s.signup_per_address_per_hour, "from this address"),
                               ("signup:*", s.signup_per_hour, "on this gateway")):
        decision = ctx.rate_limiter.hit(bucket, limit, window_s=HOUR_S)
        if not decision.allowed:
            raise SignupsLimited(f"at most {limit} new accounts an hour {who}; retry in {decision.reset_s} s, "
                                 "or add a key to your existing account (POST /v1/keys with your key)",
                                 headers={"Retry-After": str(decision.reset_s)})


def add_key(session: Session, ctx: Context, caller: Caller, name: str | None) -> tuple[ApiKey, str]:
    """Another live key for the caller's account, within the operator's limit of live keys."""
    repo = AccountRepository(session)
    repo.lock_account(caller.account_id)  # two concurrent requests cannot both take the last place
    live = repo.count_live_keys(caller.account_id)
    limit = ctx.settings.max_keys_per_account
    if live >= limit:
        raise Conflict(f"this account already holds {live} live keys, the limit is {limit}; revoke one "
                       "(DELETE /v1/keys/{key_id}) or rotate it instead", slug="too-many-keys", limit=limit)
    key, raw = new_key(caller.account_id, name)
    repo.add_key(key)
    return key, raw


def list_keys(session: Session, caller: Caller) -> list[ApiKey]:
    return AccountRepository(session).keys_of(caller.account_id)


def revoke_key(session: Session, ctx: Context, caller: Caller, key_id: str) -> ApiKey:
    key = AccountRepository(session).get_key(caller.account_id, key_id)
    if key is None:
        raise NotFound(f"no key '{key_id}' in this account")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        # Gone from this process's cache now and again once durable (a request in between may have
        # cached it again); other processes drop it within the cache lifetime.
        ctx.edge.forget(key.id, key.key_hash)
        key_id_, key_hash = key.id, key.key_hash
        after_commit(session, lambda: ctx.edge.forget(key_id_, key_hash))
    return key


def rotate_key(session: Session, ctx: Context, caller: Caller, key_id: str) -> tuple[ApiKey, str]:
    """Revoke a key and hand out its replacement (same name) in one step."""
    old = revoke_key(session, ctx, caller, key_id)
    key, raw = new_key(caller.account_id, old.name)
    AccountRepository(session).add_key(key)
    return key, raw
