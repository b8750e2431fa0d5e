"""All SQL about uploaded FMUs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import Fmu, Ingest


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



class IngestRepository(Repository):
    """The ingest queue: an FMU (by sha256) to be checked, unpacked and described by a worker's sandbox."""

    def get(self, sha256: str) -> Ingest | None:
        return self.session.get(Ingest, sha256)

    def enqueue(self, sha256: str, source: str, now: datetime) -> Ingest:
        """The FMU's ingest, queued unless it is queued, running or done already (a failed one is tried again:
        the same bytes may be uploaded after a transient failure)."""
        row = self.session.get(Ingest, sha256, with_for_update=self.postgres)
        if row is None:
            row = Ingest(sha256=sha256, source=source, status="queued", attempts=0, created_at=now,
                         built_from_sources=False)
            self.session.add(row)
            try:
                with self.session.begin_nested():
                    self.session.flush()
            except IntegrityError:  # queued by another request meanwhile
                found = self.session.get(Ingest, sha256)
                assert found is not None
                return found
        elif row.status == "failed":
            row.status, row.attempts, row.error, row.worker, row.finished_at = "queued", 0, None, None, None
            row.source = source
        return row

    def claim_next(self, worker: str, now: datetime, lease: datetime) -> str | None:
        lock = " FOR UPDATE SKIP LOCKED" if self.postgres else ""
        sha = self.session.scalar(text(
            f"SELECT sha256 FROM ingests WHERE status = 'queued' ORDER BY created_at LIMIT 1{lock}"))
        if sha is None:
            return None
        claimed = self.session.execute(
            update(Ingest).where(Ingest.sha256 == sha, Ingest.status == "queued")
            .values(status="running", worker=worker, attempts=Ingest.attempts + 1, lease_expires_at=lease))
        return str(sha) if claimed.rowcount else None  # type: ignore[attr-defined]

    def finish(self, sha256: str, worker: str, **values: Any) -> bool:
        result = self.session.execute(
            update(Ingest).where(Ingest.sha256 == sha256, Ingest.status == "running", Ingest.worker == worker)
            .values(**values, lease_expires_at=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def renew(self, worker: str, shas: list[str], until: datetime) -> set[str]:
        if not shas:
            return set()
        return set(self.session.scalars(
            update(Ingest).where(Ingest.sha256.in_(shas), Ingest.status == "running", Ingest.worker == worker)
            .values(lease_expires_at=until).returning(Ingest.sha256)))

    def running(self) -> list[Ingest]:
        return list(self.session.scalars(select(Ingest).where(Ingest.status == "running")))

    def requeue(self, sha256: str) -> bool:
        result = self.session.execute(update(Ingest).where(Ingest.sha256 == sha256, Ingest.status == "running")
                                      .values(status="queued", worker=None, lease_expires_at=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def queued_count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Ingest).where(Ingest.status == "queued"))
                   or 0)
