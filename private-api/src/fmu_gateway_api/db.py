"""Engine and session factory. Transactions: kit/uow.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fmu_gateway_api.settings import Settings


def make_engine(settings: Settings) -> Engine:
    engine = _engine(settings)
    from fmu_gateway_api.observability import DB_QUERIES

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:  # an idle process must send nothing: this counter shows it
        DB_QUERIES.inc()

    return engine


def _engine(settings: Settings) -> Engine:
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _private_file(Path(url.removeprefix("sqlite:///")))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # WAL lets readers proceed while the dispatcher writes; foreign keys are off by default.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a commit is atomic and consistent but not fsync'ed (the last
            # commits may be lost on power failure, never corrupted): the embedded default's trade; use
            # PostgreSQL where every commit must survive the machine.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock on upgrade.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        _patch_sqlite_transactions(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _private_file(path: Path) -> None:
    """The database file exists and is 0600 before SQLite opens it: its WAL and shared-memory files take
    the same mode, so no other user (a sandbox's uid included) can read any of them."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    path.chmod(0o600)


def _patch_sqlite_transactions(engine: Engine) -> None:
    # pysqlite's own implicit BEGIN would run before ours; let SQLAlchemy's "begin" event own it.
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    """One round trip to the database (readiness)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
