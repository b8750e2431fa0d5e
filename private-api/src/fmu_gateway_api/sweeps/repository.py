"""All SQL about sweeps (their cases are simulation rows: the queue's SQL stays in simulations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import Simulation, Sweep

TABLE_COLUMNS = (Simulation.id, Simulation.sweep_case, Simulation.status, Simulation.cached, Simulation.request,
                 Simulation.kpis, Simulation.error)


class SweepRepository(Repository):
    """All SQL about sweeps and the simulation rows of their cases, on one session."""

    def add(self, sweep: Sweep, cases: list[dict[str, Any]]) -> None:
        """The sweep, then its cases in one multi-row insert (a thousand ORM objects would cost seconds)."""
        self.session.add(sweep)
        self.session.flush()
        if cases:
            self.session.execute(insert(Simulation), cases)

    def get_for_account(self, account_id: str, sweep_id: str) -> Sweep | None:
        return self.session.scalars(
            select(Sweep).where(Sweep.id == sweep_id, Sweep.account_id == account_id)).first()

    def counts(self, sweep_id: str) -> tuple[dict[str, int], datetime | None]:
        """Cases by status, and when the last one that ended did."""
        rows = self.session.execute(
            select(Simulation.status, func.count(), func.max(Simulation.finished_at))
            .where(Simulation.sweep_id == sweep_id).group_by(Simulation.status)).all()
        counts = {status: int(n) for status, n, _ in rows}
        ends = [last for _, _, last in rows if last is not None]
        return counts, max(ends) if ends else None

    def table(self, sweep_id: str) -> list[Any]:
        """Every case, in case order (the columns the table shows)."""
        return list(self.session.execute(
            select(*TABLE_COLUMNS).where(Simulation.sweep_id == sweep_id).order_by(Simulation.sweep_case)).all())

    def cancel_queued(self, sweep_id: str, now: datetime) -> list[Simulation]:
        """Cancel every case still queued, in one statement (a case a worker claims meanwhile is not one of
        them); returns the cancelled cases (for their refunds)."""
        ids = list(self.session.scalars(
            select(Simulation.id).where(Simulation.sweep_id == sweep_id, Simulation.status == "queued")))
        if not ids:
            return []
        cancelled: list[str] = []
        for start in range(0, len(ids), 500):  # bounded IN lists
            chunk = ids[start:start + 500]
            result = self.session.execute(
                update(Simulation).where(Simulation.id.in_(chunk), Simulation.status == "queued")
                .values(status="cancelled", finished_at=now, cancel_requested_at=now,
                        error={"type": "simulation-cancelled", "detail": "the sweep was cancelled before it started"})
                .returning(Simulation.id))
            cancelled.extend(result.scalars())
        return list(self.session.scalars(select(Simulation).where(Simulation.id.in_(cancelled))))

    def running_cases(self, sweep_id: str) -> list[str]:
        return list(self.session.scalars(select(Simulation.id).where(Simulation.sweep_id == sweep_id,
                                                                     Simulation.status == "running")))

    def request_cancel(self, sweep_id: str, now: datetime) -> bool:
        """Mark the sweep cancelled; False when it already was."""
        result = self.session.execute(update(Sweep).where(Sweep.id == sweep_id, Sweep.cancel_requested_at.is_(None))
                                      .values(cancel_requested_at=now))
        return bool(result.rowcount)  # type: ignore[attr-defined]
