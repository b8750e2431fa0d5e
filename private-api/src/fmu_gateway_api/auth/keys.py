"""API keys: `fmk_live_` + 192 random bits, shown once and stored only as their sha256 (high-entropy keys
need no slow hash); the short visible prefix lets a person recognise one."""

from __future__ import annotations

import hashlib
import secrets

from fmu_gateway_api.kit.ids import new_id
from fmu_gateway_api.tables import ApiKey, utcnow

KEY_PREFIX = "fmk_live_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_key(account_id: str, name: str | None) -> tuple[ApiKey, str]:
    """A key row (hash only) and the raw key, which exists nowhere else once it is handed out."""
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    key = ApiKey(id=new_id("key"), account_id=account_id, prefix=raw[: len(KEY_PREFIX) + 6],
                 key_hash=hash_key(raw), name=name, created_at=utcnow())
    return key, raw
