"""The job queue in the database: every queued job is claimed exactly once, however many claim."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.orm import Session

from fmu_gateway_api.db import make_engine, make_session_factory
from fmu_gateway_api.kit.uow import unit_of_work
from fmu_gateway_api.migrate import upgrade
from fmu_gateway_api.settings import Settings
from fmu_gateway_api.simulations.repository import SimulationRepository
from fmu_gateway_api.tables import Account, Simulation, utcnow
from tests.conftest import POSTGRES_SKIP


def _queue(session: Session, n: int) -> list[str]:
    session.add(Account(id="acc_queue", tier="free", created_at=utcnow()))
    session.flush()
    ids = [f"sim_{i:032x}" for i in range(n)]
    for sim_id in ids:
        session.add(Simulation(id=sim_id, account_id="acc_queue", fmu_id="lib:X", fmu_sha256="0" * 64,
                               request={}, request_hash="h", status="queued", cached=False, timeout_s=1.0,
                               attempts=0, created_at=utcnow()))
    return ids


def test_concurrent_claimers_take_each_job_once(isolated_db: Settings) -> None:
    engine = make_engine(isolated_db)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        ids = _queue(session, 60)

    def drain(worker: int) -> list[str]:
        taken = []
        while True:
            with unit_of_work(sessions) as session:
                sim_id = SimulationRepository(session).claim_next(f"w{worker}", utcnow(), utcnow())
            if sim_id is None:
                return taken
            taken.append(sim_id)

    with ThreadPoolExecutor(6) as pool:
        claimed = [s for batch in pool.map(drain, range(6)) for s in batch]
    assert sorted(claimed) == sorted(ids)
    with unit_of_work(sessions) as session:
        assert all(SimulationRepository(session).get(i).attempts == 1 for i in ids)  # type: ignore[union-attr]
    engine.dispose()


def test_postgres_claimers_skip_locked_rows_instead_of_waiting(isolated_db: Settings) -> None:
    if isolated_db.is_sqlite:
        pytest.skip(POSTGRES_SKIP)
    engine = make_engine(isolated_db)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        ids = _queue(session, 2)
    holder = sessions()
    first = SimulationRepository(holder).claim_next("holder", utcnow(), utcnow())  # transaction left open: row locked
    result: list[str | None] = []
    t = threading.Thread(target=lambda: result.append(_claim_once(sessions)))
    t.start()
    t.join(timeout=5)
    assert not t.is_alive(), "the second claimer waited for the first one's lock"
    assert result[0] is not None and {first, result[0]} == set(ids)
    holder.rollback()
    holder.close()
    engine.dispose()


def _claim_once(sessions: object) -> str | None:
    with unit_of_work(sessions) as session:  # type: ignore[arg-type]
        return SimulationRepository(session).claim_next("other", utcnow(), utcnow())


def test_concurrent_claimers_keep_to_the_accounts_concurrency(isolated_db: Settings) -> None:
    engine = make_engine(isolated_db)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        _queue(session, 12)
    start = threading.Barrier(6)

    def claim_all(worker: int) -> list[str]:
        start.wait()
        taken = []
        while True:
            with unit_of_work(sessions) as session:
                claimer = SimulationRepository(session)
                sim_id = claimer.claim_next(f"w{worker}", utcnow(), utcnow(), {"free": 2, "pro": 8})
            if sim_id is None:
                return taken
            taken.append(sim_id)

    for _ in range(3):  # none of the claimed runs ends: the account's limit stops every claimer
        with ThreadPoolExecutor(6) as pool:
            claimed = [s for batch in pool.map(claim_all, range(6)) for s in batch]
        with unit_of_work(sessions) as session:
            running = [s for s in SimulationRepository(session).running_jobs() if s.account_id == "acc_queue"]
        assert len(running) == 2, (claimed, [s.id for s in running])
    engine.dispose()
