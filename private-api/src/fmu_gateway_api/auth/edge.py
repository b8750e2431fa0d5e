"""The edge: the only code that reads a raw API key or trusts a token.

A key is checked against the database (its sha256, compared in constant time); a token's signature is
checked, and then its key too, so that revoking or rotating a key stops every token minted for it. What
the database says about a live key (account, tier) is cached for at most `key_cache_ttl_s` (5 s): a
revoked key stops working at once in the process that revoked it, and within 5 s everywhere else.

Tokens carry identity only (account, key id). What a caller may do and pay (tier, limits, billing) comes
from the database: here through the same ≤5 s record, and at admission from the account row itself."""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from cachetools import TTLCache
from sqlalchemy.orm import Session

from fmu_gateway_api.accounts.repository import AccountRepository
from fmu_gateway_api.auth.keys import hash_key
from fmu_gateway_api.auth.tokens import AUDIENCE_API, InvalidToken, TokenService, looks_like_jwt
from fmu_gateway_api.errors import Unauthorized
from fmu_gateway_api.tables import utcnow

_TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is a hint, not an audit log: one write a minute at most


@dataclass(frozen=True)
class KeyRecord:
    """A live key as the database had it at most `key_cache_ttl_s` ago."""

    key_id: str
    key_hash: str
    account_id: str
    tier: str


@dataclass(frozen=True)
class Caller:
    """Who is calling. `tier` is the account's, read from the database (never from a token); `via` says
    whether the request carried the key itself or a token minted for it."""

    account_id: str
    key_id: str
    tier: str
    via: Literal["key", "token"]


class Edge:
    def __init__(self, tokens: TokenService, ttl_s: float, max_entries: int = 100_000,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self.tokens = tokens
        self._ttl = ttl_s
        ttl = max(ttl_s, 1e-9)  # a zero TTL: nothing is remembered (an entry is stale at once)
        self._by_hash: TTLCache[str, tuple[KeyRecord, str]] = TTLCache(max_entries, ttl, timer=timer)
        self._by_id: TTLCache[str, KeyRecord] = TTLCache(max_entries, ttl, timer=timer)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def authenticate(self, session: Session, credential: str) -> tuple[Caller, str]:
        """The caller behind an API key or a token, and the internal token the services behind the edge see."""
        if looks_like_jwt(credential):
            return self._from_token(session, credential), credential
        return self._from_key(session, credential)

    def known(self, credential: str) -> tuple[Caller, str] | None:
        """`authenticate` for an API key whose record this process holds (at most `key_cache_ttl_s` old): a
        hash and a lookup, cheap enough for the event loop. None for any other key, and for every token (its
        signature check takes ~0.4 ms of CPU): those go through `authenticate`."""
        if looks_like_jwt(credential):
            return None
        with self._lock:
            cached = self._by_hash.get(hash_key(credential))
        if cached is None:
            return None
        record, internal = cached
        return Caller(record.account_id, record.key_id, record.tier, "key"), internal

    def _from_key(self, session: Session, raw: str) -> tuple[Caller, str]:
        digest = hash_key(raw)
        with self._lock:
            cached = self._by_hash.get(digest)
        if cached is not None:
            record, internal = cached
            return Caller(record.account_id, record.key_id, record.tier, "key"), internal
        loaded = self._load(session, key_hash=digest)
        if loaded is None or not hmac.compare_digest(loaded.key_hash, digest):
            raise Unauthorized("The API key is not valid (unknown or revoked).")
        internal = self.tokens.mint(subject=loaded.account_id, key_id=loaded.key_id, scopes=["api"])
        self._remember(loaded, internal)
        return Caller(loaded.account_id, loaded.key_id, loaded.tier, "key"), internal

    def _from_token(self, session: Session, token: str) -> Caller:
        try:
            claims = self.tokens.verify(token, AUDIENCE_API)
        except InvalidToken as exc:
            raise Unauthorized(f"The token is not valid: {exc}") from None
        if not claims.key_id:
            raise Unauthorized("The token is not valid: it names no key")
        with self._lock:
            record = self._by_id.get(claims.key_id)
        if record is None:
            record = self._load(session, key_id=claims.key_id)
            if record is None:
                raise Unauthorized("The token is not valid: its key was revoked or rotated")
            self._remember(record, None)
        if record.account_id != claims.subject:
            raise Unauthorized("The token is not valid: its key belongs to another account")
        return Caller(record.account_id, record.key_id, record.tier, "token")

    def _load(self, session: Session, *, key_hash: str | None = None, key_id: str | None = None) -> KeyRecord | None:
        repo = AccountRepository(session)
        found = repo.find_active_key(key_hash=key_hash, key_id=key_id)
        if found is None:
            return None
        key, account = found
        now = utcnow()
        if key.last_used_at is None or now - key.last_used_at > _TOUCH_EVERY:
            repo.touch_key(key.id, now)
        return KeyRecord(key_id=key.id, key_hash=key.key_hash, account_id=account.id, tier=account.tier)

    def _remember(self, record: KeyRecord, internal: str | None) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            self._by_id[record.key_id] = record
            if internal is not None:
                self._by_hash[record.key_hash] = (record, internal)

    def forget(self, key_id: str, key_hash: str) -> None:
        """A key was revoked here: it, and its tokens, stop working in this process at once."""
        with self._lock:
            self._by_id.pop(key_id, None)
            self._by_hash.pop(key_hash, None)

    def forget_account(self, account_id: str) -> None:
        """An account's tier changed here: the next request reads it again."""
        with self._lock:
            for key_id in [k for k, r in self._by_id.items() if r.account_id == account_id]:
                self._by_id.pop(key_id, None)
            for digest in [d for d, (r, _) in self._by_hash.items() if r.account_id == account_id]:
                self._by_hash.pop(digest, None)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The address of the client as far as it can be known.

    The peer of the TCP connection, unless it is one of the operator's trusted proxies: then the
    X-Forwarded-For chain is read from the right (the entry the trusted proxy appended) past every trusted
    hop, and the first untrusted address is the client. Entries left of it were written by the client and
    are ignored, so a spoofed X-Forwarded-For changes nothing. With no trusted proxies, the header is
    never read."""
    if not peer:
        return "unknown"
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop if _is_address(hop) else peer
    return hops[0] if hops and _is_address(hops[0]) else peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _within(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)
