"""Engine and session factory. Transactions: kit/uow.py."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from fmu_gateway_api.settings import Settings

_BUSY_TIMEOUT_S = 30.0


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
            cur.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)}")
            cur.close()

        _one_writer_at_a_time(engine)
        _patch_sqlite_transactions(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _one_writer_at_a_time(engine: Engine) -> None:
    """Every SQLite transaction starts with BEGIN IMMEDIATE: it takes the write lock up front, so two
    writers never deadlock on upgrade. The threads of this process queue for that lock on a lock of their
    own first, handed over the moment a transaction ends; waiting inside SQLite instead means its busy
    handler's sleeps (1, 2, 5, 10 ... 100 ms), during which nobody holds the lock: under load a commit
    then cost one request tens of milliseconds of idling (seen: p90 3.9 ms, max 249 ms for BEGIN alone).
    Other processes (the CLI, a second server on the same file) still meet SQLite's own lock and its busy
    timeout; this one waits as long for its own threads, then fails as SQLite would."""
    gate = threading.Lock()
    holders: set[int] = set()  # the DBAPI connections that hold the gate (a transaction is open on them)
    dialect = engine.dialect

    def release(conn: Any) -> None:
        key = id(getattr(conn, "dbapi_connection", conn))  # the pool's proxy, or the DBAPI connection
        if key in holders:
            holders.discard(key)
            gate.release()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        if not gate.acquire(timeout=_BUSY_TIMEOUT_S):
            raise sqlite3.OperationalError("database is locked (this process's writers waited "
                                           f"{_BUSY_TIMEOUT_S:g} s)")
        dbapi_conn = conn.connection.dbapi_connection
        holders.add(id(dbapi_conn))
        try:  # the DBAPI connection's own execute: the statement needs none of SQLAlchemy's machinery
            dbapi_conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            release(dbapi_conn)
            raise

    # The gate opens once the DBAPI commit or rollback returned (the engine's "commit" event comes before
    # it); a connection the pool takes back mid-transaction is rolled back through the same call.
    do_commit, do_rollback = dialect.do_commit, dialect.do_rollback

    def _commit(conn: Any) -> None:
        try:
            do_commit(conn)
        finally:
            release(conn)

    def _rollback(conn: Any) -> None:
        try:
            do_rollback(conn)
        finally:
            release(conn)

    dialect.do_commit = _commit  # type: ignore[method-assign,assignment]
    dialect.do_rollback = _rollback  # type: ignore[method-assign,assignment]

    @event.listens_for(engine, "close")
    def _closed(dbapi_conn: Any, _record: Any) -> None:  # closed mid-transaction: SQLite rolled it back
        release(dbapi_conn)


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
