"""All SQL about simulations, including the job queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from fmu_gateway_api.tables import Simulation


def add(session: Session, sim: Simulation) -> None:
    session.add(sim)
    session.flush()


def get(session: Session, sim_id: str) -> Simulation | None:
    return session.get(Simulation, sim_id)


def get_for_account(session: Session, account_id: str, sim_id: str) -> Simulation | None:
    return session.scalars(
        select(Simulation).where(Simulation.id == sim_id, Simulation.account_id == account_id)
    ).first()


def list_for_account(session: Session, account_id: str, limit: int) -> list[Simulation]:
    return list(session.scalars(
        select(Simulation).where(Simulation.account_id == account_id)
        .order_by(Simulation.created_at.desc()).limit(limit)
    ))


def find_cached(session: Session, request_hash: str) -> Simulation | None:
    return session.scalars(
        select(Simulation)
        .where(Simulation.request_hash == request_hash, Simulation.status == "succeeded",
               Simulation.result_sha256.is_not(None))
        .order_by(Simulation.created_at).limit(1)
    ).first()


def claim_next(session: Session, worker: str, now: datetime, postgres: bool,
               concurrency: dict[str, int] | None = None) -> str | None:
    """Take the oldest queued job whose account is under its tier's concurrent-run limit.

    PostgreSQL: SKIP LOCKED lets many dispatchers share the queue (two of them may briefly exceed an
    account's limit by one each); SQLite: BEGIN IMMEDIATE serialises claimers, so the plain form is safe."""
    lock = "FOR UPDATE OF s SKIP LOCKED" if postgres else ""
    params: dict[str, Any] = {"worker": worker, "now": now}
    limit_sql = "1000000"
    if concurrency:
        cases = []
        for i, (tier, limit) in enumerate(sorted(concurrency.items())):
            params[f"t{i}"], params[f"l{i}"] = tier, limit
            cases.append(f"WHEN :t{i} THEN :l{i}")
        limit_sql = f"CASE a.tier {' '.join(cases)} ELSE 1 END"
    row = session.execute(
        text(f"""
            UPDATE simulations SET status = 'running', worker = :worker, started_at = :now,
                   attempts = attempts + 1
            WHERE id = (
                SELECT s.id FROM simulations s JOIN accounts a ON a.id = s.account_id
                WHERE s.status = 'queued'
                  AND (SELECT count(*) FROM simulations r
                       WHERE r.account_id = s.account_id AND r.status = 'running') < {limit_sql}
                ORDER BY s.created_at LIMIT 1 {lock})
              AND status = 'queued'
            RETURNING id
        """),
        params,
    ).first()
    return str(row[0]) if row else None


def finish(session: Session, sim_id: str, **values: Any) -> bool:
    """End a running job once; False when it had already ended (cancelled, or finished elsewhere)."""
    result = session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running")
                             .values(**values))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def running_jobs(session: Session) -> list[Simulation]:
    return list(session.scalars(select(Simulation).where(Simulation.status == "running")))


def requeue(session: Session, sim_id: str) -> None:
    session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running")
                    .values(status="queued", worker=None, started_at=None))


def status_of(session: Session, sim_id: str) -> str | None:
    return session.scalar(select(Simulation.status).where(Simulation.id == sim_id))


def request_cancel(session: Session, sim_id: str, now: datetime) -> str | None:
    """Cancel a queued job outright, or flag a running one for its dispatcher; returns the new status."""
    queued = session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "queued")
                             .values(status="cancelled", finished_at=now, cancel_requested_at=now,
                                     error={"type": "simulation-cancelled", "detail": "cancelled before it started"}))
    if queued.rowcount:  # type: ignore[attr-defined]
        return "cancelled"
    running = session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running",
                                                       Simulation.cancel_requested_at.is_(None))
                              .values(cancel_requested_at=now))
    return "running" if running.rowcount else None  # type: ignore[attr-defined]


def watch(session: Session, ids: list[str]) -> list[str]:
    """Of these running jobs, the ones whose cancellation was requested."""
    if not ids:
        return []
    return list(session.scalars(select(Simulation.id).where(Simulation.id.in_(ids),
                                                           Simulation.cancel_requested_at.is_not(None))))


def set_progress(session: Session, values: dict[str, float]) -> None:
    for sim_id, progress in values.items():
        session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running")
                        .values(progress=progress))
