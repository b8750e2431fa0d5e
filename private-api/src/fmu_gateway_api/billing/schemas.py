"""Request and response bodies for pricing, accounts, quotes and payments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class QuoteOut(BaseModel):
    price_credits: int
    balance_credits: int
    tier: str
    billing: Literal["prepaid", "metered"]
    currency: str
    cached: bool
    sufficient: bool


class LedgerEntryOut(BaseModel):
    id: str
    kind: Literal["grant", "topup", "debit", "refund", "usage"]
    amount: int
    balance_after: int
    reference: str | None
    note: str | None
    created_at: datetime


class AccountOut(BaseModel):
    account_id: str
    name: str | None
    tier: str
    billing: Literal["prepaid", "metered"]
    balance_credits: int
    currency: str
    run_price_credits: int
    created_at: datetime
    ledger: list[LedgerEntryOut]


class CheckoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pack_id: str = Field(min_length=1, max_length=40)


class CheckoutOut(BaseModel):
    session_id: str
    kind: Literal["pack", "run"]
    pack_id: str | None
    credits: int
    amount_cents: int
    currency: str
    status: str
    payment_status: str
    checkout_url: str | None
    created_at: datetime
    paid_at: datetime | None
    payment_token: str | None
    payment_token_expires_at: datetime | None
    payment_token_redeemed: bool


class WebhookAck(BaseModel):
    received: bool
    outcome: str


class PricingOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: int
    currency: str
    default_tier: str
    tiers: dict[str, Any]
    credit_packs: list[dict[str, Any]]
    pay_per_run: dict[str, Any]
