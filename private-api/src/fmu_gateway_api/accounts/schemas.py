"""Request and response bodies for accounts and keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)


class KeyCreated(BaseModel):
    account_id: str
    key_id: str
    api_key: str
    prefix: str
    name: str | None
    created_at: datetime


class KeyOut(BaseModel):
    key_id: str
    prefix: str
    name: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyList(BaseModel):
    items: list[KeyOut]


class TokenOut(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
