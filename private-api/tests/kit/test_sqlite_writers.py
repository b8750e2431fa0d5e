"""The embedded database: this process's transactions take SQLite's write lock one at a time, through a lock of
their own that every way a transaction ends gives back. A transaction that kept it would stop every later one
(each would wait its 30 s and fail): each test below ends with a write that must go through at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from fmu_gateway_api.db import make_engine, make_session_factory
from fmu_gateway_api.kit.uow import unit_of_work
from tests.conftest import make_settings

# SQLite itself, whatever the lane's database
pytestmark = pytest.mark.database_independent


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(make_settings(tmp_path, None))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    yield engine
    engine.dispose()


def _add_one(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE counter SET n = n + 1"))


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT n FROM counter")).scalar_one())


def _fail_in_a_unit_of_work(engine: Engine) -> None:
    with unit_of_work(make_session_factory(engine)) as session:
        session.execute(text("UPDATE counter SET n = n + 100"))
        raise RuntimeError("the request failed")


def test_a_rolled_back_transaction_lets_the_next_one_write(engine: Engine) -> None:
    with pytest.raises(RuntimeError):
        _fail_in_a_unit_of_work(engine)
    _add_one(engine)
    assert _count(engine) == 1


def test_a_connection_closed_in_its_transaction_lets_the_next_one_write(engine: Engine) -> None:
    conn = engine.connect()
    conn.execute(text("UPDATE counter SET n = n + 100"))
    conn.close()  # back to the pool without a commit: the pool rolls it back
    _add_one(engine)
    assert _count(engine) == 1


def test_a_failed_statement_lets_the_next_one_write(engine: Engine) -> None:
    with pytest.raises(Exception, match="no such table"):
        _update_a_missing_table(engine)
    _add_one(engine)
    assert _count(engine) == 1


def _update_a_missing_table(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE missing_table SET n = 1"))


def test_concurrent_writers_of_one_process_each_get_their_turn(engine: Engine) -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(50):
                _add_one(engine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _count(engine) == 400
