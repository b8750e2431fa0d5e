"""All SQL about uploaded FMUs."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fmu_gateway_api.tables import Fmu


def get(session: Session, account_id: str, sha256: str) -> Fmu | None:
    return session.get(Fmu, (account_id, sha256))


def any_with_sha(session: Session, sha256: str) -> Fmu | None:
    return session.scalars(select(Fmu).where(Fmu.sha256 == sha256).limit(1)).first()


def list_for_account(session: Session, account_id: str) -> list[Fmu]:
    return list(session.scalars(select(Fmu).where(Fmu.account_id == account_id).order_by(Fmu.created_at)))


def add(session: Session, fmu: Fmu) -> None:
    session.add(fmu)
    session.flush()


def remove(session: Session, account_id: str, sha256: str) -> None:
    session.execute(delete(Fmu).where(Fmu.account_id == account_id, Fmu.sha256 == sha256))


def count_with_sha(session: Session, sha256: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Fmu).where(Fmu.sha256 == sha256)) or 0)
