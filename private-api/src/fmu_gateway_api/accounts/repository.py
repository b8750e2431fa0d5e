"""All SQL about accounts and keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fmu_gateway_api.tables import Account, ApiKey


def add_account(session: Session, account: Account) -> None:
    session.add(account)


def add_key(session: Session, key: ApiKey) -> None:
    session.add(key)
    session.flush()


def find_active_key(session: Session, key_hash: str) -> tuple[ApiKey, Account] | None:
    row = session.execute(
        select(ApiKey, Account)
        .join(Account, Account.id == ApiKey.account_id)
        .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def touch_key(session: Session, key_id: str, when: datetime) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


def keys_of(session: Session, account_id: str) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.account_id == account_id).order_by(ApiKey.created_at)))


def get_key(session: Session, account_id: str, key_id: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.id == key_id, ApiKey.account_id == account_id)).first()
