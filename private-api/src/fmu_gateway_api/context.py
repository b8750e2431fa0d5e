"""What a running service holds: settings, database, blob store, library and the job dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fmu_gateway_api.db import make_engine, make_session_factory
from fmu_gateway_api.kit.blobs import BlobStore
from fmu_gateway_api.settings import Settings

if TYPE_CHECKING:
    from fmu_gateway_api.library.service import Library
    from fmu_gateway_api.simulations.dispatcher import Dispatcher


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore
    library: Library
    dispatcher: Dispatcher | None = field(default=None)

    @classmethod
    def create(cls, settings: Settings) -> Context:
        from fmu_gateway_api.library.service import Library

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Traverse-only: the sandbox user may reach its own scratch directory, never list or read the rest.
        settings.data_dir.chmod(0o711)
        engine = make_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            blobs=BlobStore(settings.data_dir / "blobs"),
            library=Library.load(settings.library_dir),
        )

    @property
    def scratch_root(self) -> str:
        return str(self.settings.data_dir / "scratch")
