"""All SQL about accounts and keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import Account, ApiKey


class AccountRepository(Repository):
    """All SQL about accounts and keys, on one session."""

    def add_account(self, account: Account) -> None:
        self.session.add(account)
        self.session.flush()


    def add_key(self, key: ApiKey) -> None:
        self.session.add(key)
        self.session.flush()


    def find_active_key(self, key_hash: str) -> tuple[ApiKey, Account] | None:
        row = self.session.execute(
            select(ApiKey, Account)
            .join(Account, Account.id == ApiKey.account_id)
            .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
        ).first()
        return (row[0], row[1]) if row else None


    def touch_key(self, key_id: str, when: datetime) -> None:
        self.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))


    def keys_of(self, account_id: str) -> list[ApiKey]:
        return list(self.session.scalars(
            select(ApiKey).where(ApiKey.account_id == account_id).order_by(ApiKey.created_at)))


    def get_key(self, account_id: str, key_id: str) -> ApiKey | None:
        return self.session.scalars(select(ApiKey).where(ApiKey.id == key_id, ApiKey.account_id == account_id)).first()

