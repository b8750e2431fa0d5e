"""The migrations and the models say the same thing: a database built by Alembic alone has exactly the
tables, columns, types, nullability, indexes and foreign keys that tables.py declares (on SQLite, and on
PostgreSQL in that lane), and every migration goes down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from fmu_gateway_api.db import make_engine
from fmu_gateway_api.migrate import pending, upgrade
from fmu_gateway_api.settings import Settings
from fmu_gateway_api.tables import Base


def _differences(settings: Settings) -> list[object]:
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "compare_server_default": False})
            return [d for d in compare_metadata(context, Base.metadata)
                    if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_models_schema(isolated_db: Settings) -> None:
    engine = make_engine(isolated_db)
    try:
        upgrade(engine)
        assert pending(engine) is None
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    finally:
        engine.dispose()
    assert _differences(isolated_db) == []


def test_every_migration_goes_down_and_up_again(isolated_db: Settings) -> None:
    from alembic import command

    from fmu_gateway_api.migrate import alembic_config

    engine = make_engine(isolated_db)
    try:
        upgrade(engine)
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert pending(engine) is None
    finally:
        engine.dispose()
    assert _differences(isolated_db) == []
