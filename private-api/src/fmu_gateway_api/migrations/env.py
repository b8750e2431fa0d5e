"""Alembic environment: runs against the engine handed in by fmu_gateway_api.migrate."""

from __future__ import annotations

from alembic import context

from fmu_gateway_api.tables import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the alembic CLI: build the engine from the service settings
    from fmu_gateway_api.db import make_engine
    from fmu_gateway_api.settings import get_settings

    engine = make_engine(get_settings())

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
