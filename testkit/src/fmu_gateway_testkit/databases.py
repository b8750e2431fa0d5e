"""PostgreSQL for tests: the server named by TEST_DATABASE_URL (or DATABASE_URL), and a brand-new database
on it for each user, dropped afterwards, so no test sees another's rows (or another gateway's queue)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_SKIP = "needs PostgreSQL: set TEST_DATABASE_URL (or DATABASE_URL) to a server this test may use"


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or None


def _sqlalchemy(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A brand-new PostgreSQL database on the server of `url`, dropped afterwards."""
    base = make_url(_sqlalchemy(url))
    name = f"fmu_gateway_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def own_database(database_url: str | None) -> Iterator[str | None]:
    """A database of its own on PostgreSQL; None (the gateway's own SQLite file) without a server."""
    if database_url is None:
        yield None
        return
    with fresh_postgres(database_url) as url:
        yield url
