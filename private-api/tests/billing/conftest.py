"""Helpers for the money tests."""

from __future__ import annotations

from typing import Any

from fmu_gateway_api.billing.repository import BillingRepository
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.tables import LedgerEntry, utcnow


def drain(ctx: Any, account: str) -> None:
    """Spend the whole balance (a debit entry of its own), so the next paid run needs money."""
    import uuid

    with unit_of_work(ctx.sessions) as session:
        balance = BillingRepository(session).balance(account)
        if balance:
            after = BillingRepository(session).debit(account, balance)
            assert after == 0
            BillingRepository(session).add_entry(LedgerEntry(
                id=f"led_{uuid.uuid4().hex}", account_id=account, kind="debit", amount=-balance, balance_after=0,
                reference=f"drain:{uuid.uuid4().hex}", note="test drain", created_at=utcnow()))


def ledger_consistent(ctx: Any, account: str) -> tuple[int, int]:
    with unit_of_work(ctx.sessions) as session:
        return BillingRepository(session).balance(account), BillingRepository(session).ledger_sum(account)
