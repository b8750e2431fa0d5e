"""All SQL about uploaded FMUs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import Fmu


class FmuRepository(Repository):
    """All SQL about uploaded FMUs, on one session."""

    def get(self, account_id: str, sha256: str) -> Fmu | None:
        return self.session.get(Fmu, (account_id, sha256))

    def description_of(self, sha256: str) -> dict[str, Any] | None:
        """The stored model description of these bytes (the same for every account that uploaded them)."""
        found: dict[str, Any] | None = self.session.scalars(
            select(Fmu.description).where(Fmu.sha256 == sha256).limit(1)).first()
        return found

    def any_with_sha(self, sha256: str) -> Fmu | None:
        return self.session.scalars(select(Fmu).where(Fmu.sha256 == sha256).limit(1)).first()

    def list_for_account(self, account_id: str) -> list[Fmu]:
        return list(self.session.scalars(select(Fmu).where(Fmu.account_id == account_id).order_by(Fmu.created_at)))

    def add(self, fmu: Fmu) -> None:
        self.session.add(fmu)
        self.session.flush()

    def remove(self, account_id: str, sha256: str) -> None:
        self.session.execute(delete(Fmu).where(Fmu.account_id == account_id, Fmu.sha256 == sha256))

    def count_with_sha(self, sha256: str) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Fmu).where(Fmu.sha256 == sha256)) or 0)

