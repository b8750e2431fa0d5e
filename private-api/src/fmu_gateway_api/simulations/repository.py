"""All SQL about simulations, including the job queue."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, literal, select, text, update
from sqlalchemy.orm import defer

from fmu_gateway_api.kit.repository import Repository
from fmu_gateway_api.tables import Simulation

_SET_RUNNING = ("status = 'running', worker = :worker, started_at = :now, attempts = attempts + 1, "
                "lease_expires_at = :lease")
# Runs at once: a batch of sweep cases runs one case at a time, so it counts once
_RUNNING_RUNS = "count(DISTINCT COALESCE(batch_of, id))"
_COUNT_RUNNING = text(f"SELECT {_RUNNING_RUNS} FROM simulations WHERE account_id = :a AND status = 'running'")
_TABLE = cast(Table, Simulation.__table__)
_WAITING = _TABLE.alias("waiting")


def _queued_of(account: Any) -> Any:
    """A queued job of `account` (a parameter, or the account of the row an UPDATE ends), if any."""
    return select(literal(1)).where(_WAITING.c.account_id == account, _WAITING.c.status == "queued").limit(1)


_HAS_QUEUED = _queued_of(bindparam("a"))
_ACCOUNT_HAS_QUEUED = _queued_of(_TABLE.c.account_id).scalar_subquery()  # what `finish` returns


_CLAIM_LOCK_NS = 0x464D55  # "FMU": the advisory-lock namespace of job claims


def _lock_key(account_id: str) -> int:
    return int.from_bytes(hashlib.sha256(account_id.encode()).digest()[:4], "big", signed=True)


def _limit_params(limits: dict[str, int]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, (tier, limit) in enumerate(sorted(limits.items())):
        params[f"t{i}"], params[f"l{i}"] = tier, limit
    return params


def _next_queued(limits: dict[str, int], extra: str = "") -> str:
    """The oldest queued job of the lane (id, account, tier) that may start now and whose account runs fewer
    jobs than its tier allows."""
    limit = "1000000"
    if limits:
        limit = "CASE a.tier " + " ".join(f"WHEN :t{i} THEN :l{i}" for i in range(len(limits))) + " ELSE 1 END"
    return f"""
        SELECT s.id, s.account_id, a.tier FROM simulations s JOIN accounts a ON a.id = s.account_id
        WHERE s.status = 'queued' AND s.lane = :lane AND (s.not_before IS NULL OR s.not_before <= :now) {extra}
          AND (SELECT {_RUNNING_RUNS} FROM simulations r WHERE r.account_id = s.account_id AND r.status = 'running')
              < {limit}
        ORDER BY s.created_at LIMIT 1"""


@dataclass(frozen=True)
class Ended:
    """A job `finish` ended, and whether its account had jobs queued then."""

    queued: bool


class SimulationRepository(Repository):
    """All SQL about simulations and the job queue, on one session."""

    def add(self, sim: Simulation) -> None:
        self.session.add(sim)
        self.session.flush()

    def get(self, sim_id: str) -> Simulation | None:
        return self.session.get(Simulation, sim_id)

    def get_for_account(self, account_id: str, sim_id: str) -> Simulation | None:
        return self.session.scalars(
            select(Simulation).where(Simulation.id == sim_id, Simulation.account_id == account_id)
        ).first()

    def list_for_account(self, account_id: str, limit: int) -> list[Simulation]:
        """The latest simulations, without their (possibly large) request and provenance columns."""
        return list(self.session.scalars(
            select(Simulation).where(Simulation.account_id == account_id)
            .options(defer(Simulation.request, raiseload=True), defer(Simulation.provenance, raiseload=True))
            .order_by(Simulation.created_at.desc()).limit(limit)
        ))

    def find_cached(self, request_hash: str, account_id: str | None) -> Simulation | None:
        """The earliest successful run of this exact request: of this account, or (None) of any account."""
        query = (select(Simulation)
                 .where(Simulation.request_hash == request_hash, Simulation.status == "succeeded",
                        Simulation.result_sha256.is_not(None)))
        if account_id is not None:
            query = query.where(Simulation.account_id == account_id)
        return self.session.scalars(query.order_by(Simulation.created_at).limit(1)).first()

    def claim_next(self, worker: str, now: datetime, lease: datetime,
                   concurrency: dict[str, int] | None = None, lane: str = "standard") -> str | None:
        """Take the oldest queued job whose account is under its tier's concurrent-run limit.

        SQLite: BEGIN IMMEDIATE serialises claimers, so one statement is safe. PostgreSQL: many dispatcher
        threads and processes share the queue; SKIP LOCKED spreads them over jobs, and a transaction-level
        advisory lock per account (tried, never waited for) serialises the count-then-claim of one account's
        jobs, so that two claimers cannot both see room for one more run."""
        limits = concurrency or {}
        if not self.postgres:
            return self._claim_in_one_statement(worker, now, lease, limits, lane)
        skip: list[str] = []
        for _ in range(8):  # accounts found full after locking are passed over, a few at a time
            exclude = "AND s.account_id <> ALL(:skip)" if skip else ""
            candidate = self.session.execute(text(f"{_next_queued(limits, exclude)} FOR UPDATE OF s SKIP LOCKED"),
                                             {"skip": skip, "lane": lane, "now": now,
                                              **_limit_params(limits)}).first()
            if candidate is None:
                return None
            sim_id, account_id, tier = str(candidate[0]), str(candidate[1]), str(candidate[2])
            if not limits:  # nothing to count: the row lock is enough
                return self._mark_running(sim_id, worker, now, lease)
            # Never wait: while another claimer holds this account, its next job is theirs to take.
            if not self.session.scalar(text("SELECT pg_try_advisory_xact_lock(:ns, :key)"),
                                  {"ns": _CLAIM_LOCK_NS, "key": _lock_key(account_id)}):
                skip.append(account_id)
                continue
            running = self.session.scalar(_COUNT_RUNNING,
                                      {"a": account_id})
            if int(running or 0) < limits.get(tier, 1):  # as _next_queued: an unknown tier runs one at a time
                return self._mark_running(sim_id, worker, now, lease)
            skip.append(account_id)
        return None

    def claim_cases(self, first: Simulation, worker: str, now: datetime, lease: datetime,
                    most: int, spread: int = 1) -> list[Simulation]:
        """Up to `most` more cases of `first`'s sweep for the batch `first` (claimed in this transaction)
        starts: queued, never tried before, in case order; running for `worker` when this returns. The batch
        counts as one run of its account (see _RUNNING_RUNS), as `first` already does. It takes no more than
        its share of the sweep's queued cases over `spread` slots, so that a small sweep runs on them all."""
        if most <= 0 or first.sweep_id is None:
            return []
        queued = int(self.session.scalar(select(func.count()).where(
            Simulation.sweep_id == first.sweep_id, Simulation.status == "queued")) or 0)
        most = min(most, -(-(queued + 1) // max(spread, 1)) - 1)
        if most <= 0:
            return []
        found = select(Simulation.id).where(
            Simulation.sweep_id == first.sweep_id, Simulation.status == "queued", Simulation.lane == first.lane,
            Simulation.attempts == 0, Simulation.not_before.is_(None)).order_by(Simulation.sweep_case).limit(most)
        if self.postgres:
            found = found.with_for_update(skip_locked=True)
        ids = list(self.session.scalars(found))
        if not ids:
            return []
        claim = text(f"UPDATE simulations SET {_SET_RUNNING}, batch_of = :first WHERE id IN :ids "
                     "AND status = 'queued'").bindparams(bindparam("ids", expanding=True))
        self.session.execute(claim, {"worker": worker, "now": now, "lease": lease, "first": first.id, "ids": ids})
        self.session.execute(text("UPDATE simulations SET batch_of = :first WHERE id = :first"), {"first": first.id})
        first.batch_of = first.id
        return list(self.session.scalars(select(Simulation).where(Simulation.id.in_(ids))
                                         .order_by(Simulation.sweep_case)))

    def has_room(self, account_id: str, limit: int) -> bool:
        """May a job of this account start now, under its tier's concurrent-run limit? The same guard as a
        claim: SQLite's BEGIN IMMEDIATE serialises writers; on PostgreSQL the account's advisory lock is tried
        (held to the end of the transaction), never waited for."""
        if self.postgres and not self.session.scalar(text("SELECT pg_try_advisory_xact_lock(:ns, :key)"),
                                           {"ns": _CLAIM_LOCK_NS, "key": _lock_key(account_id)}):
            return False
        running = self.session.connection().execute(_COUNT_RUNNING, {"a": account_id}).scalar()
        return int(running or 0) < limit

    def _mark_running(self, sim_id: str, worker: str, now: datetime, lease: datetime) -> str:
        self.session.execute(text(f"UPDATE simulations SET {_SET_RUNNING} WHERE id = :id AND status = 'queued'"),
                             {"worker": worker, "now": now, "id": sim_id, "lease": lease})
        return sim_id

    def _claim_in_one_statement(self, worker: str, now: datetime, lease: datetime,
                                limits: dict[str, int], lane: str) -> str | None:
        row = self.session.execute(
            text(f"""
                UPDATE simulations SET {_SET_RUNNING}
                WHERE id = (SELECT id FROM ({_next_queued(limits)}) AS oldest) AND status = 'queued'
                RETURNING id
            """),
            {"worker": worker, "now": now, "lease": lease, "lane": lane, **_limit_params(limits)},
        ).first()
        return str(row[0]) if row else None

    def finish(self, sim_id: str, worker: str | None = None, **values: Any) -> Ended | None:
        """End a running job once (held by `worker`, when given); None when it had already ended (cancelled,
        finished elsewhere) or was taken from this worker (its lease expired)."""
        # A plain (Core) UPDATE on the session's connection: nothing in the session mirrors the row, so the
        # ORM's bulk-update path (synchronising loaded objects) would only cost time on every run's end. It
        # says too whether the account has jobs waiting (what `freed` needs to know), in the same statement.
        query = update(_TABLE).where(_TABLE.c.id == sim_id, _TABLE.c.status == "running")
        if worker is not None:
            query = query.where(_TABLE.c.worker == worker)
        row = self.session.connection().execute(
            query.values(**values, lease_expires_at=None).returning(_ACCOUNT_HAS_QUEUED)).first()
        return None if row is None else Ended(queued=row[0] is not None)

    def running_jobs(self) -> list[Simulation]:
        return list(self.session.scalars(select(Simulation).where(Simulation.status == "running")
                                         .options(defer(Simulation.request))))

    def renew(self, worker: str, ids: list[str], until: datetime) -> set[str]:
        """Extend the leases of this worker's running jobs; the ids it still holds."""
        if not ids:
            return set()
        held = self.session.scalars(
            update(Simulation).where(Simulation.id.in_(ids), Simulation.status == "running",
                                     Simulation.worker == worker)
            .values(lease_expires_at=until).returning(Simulation.id))
        return set(held)

    def requeue(self, sim_id: str, worker: str | None = None, *, not_before: datetime | None = None,
                attempt_counts: bool = True) -> bool:
        """Put a running job back in the queue. `attempt_counts=False`: it never started (a runner could
        not start it yet), so it does not use up one of its attempts; `not_before`: no claim before then."""
        query = update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running")
        if worker is not None:
            query = query.where(Simulation.worker == worker)
        values: dict[str, Any] = {"status": "queued", "worker": None, "started_at": None, "lease_expires_at": None,
                                  "progress": None, "not_before": not_before, "batch_of": None}
        if not attempt_counts:
            values["attempts"] = Simulation.attempts - 1
        result = self.session.execute(query.values(**values))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def status_of(self, sim_id: str) -> str | None:
        return self.session.scalar(select(Simulation.status).where(Simulation.id == sim_id))

    def request_cancel(self, sim_id: str, now: datetime) -> str | None:
        """Cancel a queued job outright, or flag a running one for its dispatcher; returns the new status."""
        queued = self.session.execute(
            update(Simulation).where(Simulation.id == sim_id, Simulation.status == "queued")
            .values(status="cancelled", finished_at=now, cancel_requested_at=now,
                    error={"type": "simulation-cancelled", "detail": "cancelled before it started"}))
        if queued.rowcount:  # type: ignore[attr-defined]
            return "cancelled"
        running = self.session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running",
                                                           Simulation.cancel_requested_at.is_(None))
                                  .values(cancel_requested_at=now))
        return "running" if running.rowcount else None  # type: ignore[attr-defined]

    def watch(self, ids: list[str]) -> list[str]:
        """Of these running jobs, the ones whose cancellation was requested."""
        if not ids:
            return []
        return list(self.session.scalars(select(Simulation.id).where(Simulation.id.in_(ids),
                                                               Simulation.cancel_requested_at.is_not(None))))

    def set_progress(self, values: dict[str, float]) -> None:
        for sim_id, progress in values.items():
            self.session.execute(update(Simulation).where(Simulation.id == sim_id, Simulation.status == "running")
                            .values(progress=progress))

    def counts_by_status(self, statuses: tuple[str, ...]) -> dict[str, int]:
        rows = self.session.execute(select(Simulation.status, func.count()).where(Simulation.status.in_(statuses))
                                    .group_by(Simulation.status)).all()
        return {str(status): int(n) for status, n in rows}

    def has_queued(self, account_id: str) -> bool:
        return self.session.connection().execute(_HAS_QUEUED, {"a": account_id}).first() is not None

    def next_not_before(self) -> datetime | None:
        """The earliest time a queued job put off by its runner may be claimed again."""
        found: datetime | None = self.session.scalar(select(func.min(Simulation.not_before))
                                                     .where(Simulation.status == "queued"))
        return found

    def oldest_queued(self) -> datetime | None:
        found: datetime | None = self.session.scalar(select(func.min(Simulation.created_at))
                                                     .where(Simulation.status == "queued"))
        return found

    def worker_processes(self) -> int:
        """Processes that run jobs on this database (PostgreSQL: their bus connections, by name)."""
        return int(self.session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name IN ('fmu-gateway-worker', 'fmu-gateway-all')")) or 0)
