"""Helpers for the money tests."""

from __future__ import annotations

from typing import Any

from fmu_gateway_api.billing import repository
from fmu_gateway_api.db import session_scope
from fmu_gateway_api.tables import LedgerEntry, utcnow


def drain(ctx: Any, account: str) -> None:
    """Spend the whole balance (a debit entry of its own), so the next paid run needs money."""
    import uuid

    with session_scope(ctx.sessions) as session:
        balance = repository.balance(session, account)
        if balance:
            after = repository.debit(session, account, balance)
            assert after == 0
            repository.add_entry(session, LedgerEntry(
                id=f"led_{uuid.uuid4().hex}", account_id=account, kind="debit", amount=-balance, balance_after=0,
                reference=f"drain:{uuid.uuid4().hex}", note="test drain", created_at=utcnow()))


def ledger_consistent(ctx: Any, account: str) -> tuple[int, int]:
    with session_scope(ctx.sessions) as session:
        return repository.balance(session, account), repository.ledger_sum(session, account)
