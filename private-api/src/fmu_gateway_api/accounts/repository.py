"""All SQL about accounts and keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

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

    def find_active_key(self, *, key_hash: str | None = None, key_id: str | None = None,
                        ) -> tuple[ApiKey, Account] | None:
        """A live (unrevoked) key by its hash or its id, with its account."""
        query = (select(ApiKey, Account).join(Account, Account.id == ApiKey.account_id)
                 .where(ApiKey.revoked_at.is_(None)))
        if key_hash is not None:
            query = query.where(ApiKey.key_hash == key_hash)
        elif key_id is not None:
            query = query.where(ApiKey.id == key_id)
        else:
            raise ValueError("find_active_key needs a key_hash or a key_id")
        row = self.session.execute(query).first()
        return (row[0], row[1]) if row else None

    def lock_account(self, account_id: str) -> Account | None:
        """The account row, locked until the transaction ends (PostgreSQL; SQLite serialises writers)."""
        return self.session.scalars(select(Account).where(Account.id == account_id).with_for_update()).first()

    def get_account(self, account_id: str) -> Account | None:
        return self.session.get(Account, account_id)

    def count_live_keys(self, account_id: str) -> int:
        return int(self.session.scalar(select(func.count()).select_from(ApiKey).where(
            ApiKey.account_id == account_id, ApiKey.revoked_at.is_(None))) or 0)

    def touch_key(self, key_id: str, when: datetime) -> None:
        self.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))

    def keys_of(self, account_id: str) -> list[ApiKey]:
        return list(self.session.scalars(
            select(ApiKey).where(ApiKey.account_id == account_id).order_by(ApiKey.created_at)))

    def get_key(self, account_id: str, key_id: str) -> ApiKey | None:
        return self.session.scalars(select(ApiKey).where(ApiKey.id == key_id, ApiKey.account_id == account_id)).first()

