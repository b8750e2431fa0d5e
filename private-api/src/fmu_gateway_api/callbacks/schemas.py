"""Response bodies for completion callbacks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class CallbackSecret(BaseModel):
    secret: str


class CallbackAttemptOut(BaseModel):
    attempt: int
    attempt_id: str
    at: datetime
    status_code: int | None
    error: str | None


class CallbackDelivery(BaseModel):
    id: str
    event: Literal["simulation.ended", "sweep.ended"]
    url: str
    state: Literal["pending", "delivered", "failed"]
    attempts: list[CallbackAttemptOut]
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class CallbackDeliveryList(BaseModel):
    items: list[CallbackDelivery]
