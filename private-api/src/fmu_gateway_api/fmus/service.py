"""FMUs: accept an upload (validated before it is kept), resolve an id for a simulation, describe a model.

An FMU id is its sha256 (uploads) or `lib:<Name>[@fmi2]` (the model library)."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fmu_gateway_api.auth.edge import Caller
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import NotFound, ProblemError
from fmu_gateway_api.fmus import ingests
from fmu_gateway_api.fmus.models import Model
from fmu_gateway_api.fmus.repository import FmuRepository
from fmu_gateway_api.kit.uow import after_commit
from fmu_gateway_api.kit.upload import ReceivedFile
from fmu_gateway_api.library.service import LibraryModel
from fmu_gateway_api.tables import Fmu, utcnow

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ResolvedFmu:
    fmu_id: str
    sha256: str
    model: Model
    source: str
    filename: str
    size: int
    created_at: Any = None
    built_from_sources: bool = False

    @property
    def description(self) -> dict[str, Any]:
        return self.model.description


class LibraryReadOnly(ProblemError):
    status, slug, title = 403, "library-read-only", "Library models are read-only"


def fmu_archive(ctx: Context, fmu_id: str, sha256: str) -> AbstractContextManager[Path]:
    """The FMU archive as a local file while the context lasts: the library's own file, or the uploaded
    bytes from the blob store (a checked download when the store is remote)."""
    if fmu_id.startswith("lib:"):
        model = ctx.library.get(fmu_id)
        if model is None:
            raise NotFound(f"no library model '{fmu_id}'")
        return nullcontext(model.path)
    return ctx.blobs.local_copy(sha256, kind="fmus")


def resolve(session: Session, ctx: Context, caller: Caller, fmu_id: str) -> ResolvedFmu:
    """The FMU this caller may use under `fmu_id`; another account's upload is as good as absent."""
    if fmu_id.startswith("lib:"):
        model = ctx.library.get(fmu_id)
        if model is None:
            raise NotFound(f"no library model '{fmu_id}'; list them with GET /v1/library", slug="fmu-not-found")
        return ResolvedFmu(fmu_id=model.id, sha256=model.sha256, model=library_model(ctx, model), source="library",
                           filename=model.path.name, size=model.path.stat().st_size)
    row = FmuRepository(session).get(caller.account_id, fmu_id) if SHA256.match(fmu_id) else None
    if row is None:
        raise NotFound(f"no FMU '{fmu_id}' in this account; upload it with POST /v1/fmus", slug="fmu-not-found")
    return _resolved(session, ctx, row)


def library_model(ctx: Context, model: LibraryModel) -> Model:
    found = ctx.models.get(model.sha256, lambda: ctx.library.description(model))
    assert found is not None
    return found


def uploaded_model(session: Session, ctx: Context, sha256: str) -> Model | None:
    """An uploaded FMU's model, loaded from the database once per process."""
    return ctx.models.get(sha256, lambda: FmuRepository(session).description_of(sha256))


def _resolved(session: Session, ctx: Context, row: Fmu) -> ResolvedFmu:
    model = uploaded_model(session, ctx, row.sha256)
    if model is None:  # deleted between the two reads
        raise NotFound(f"no FMU '{row.sha256}' in this account", slug="fmu-not-found")
    return ResolvedFmu(fmu_id=row.sha256, sha256=row.sha256, model=model, source="upload", filename=row.filename,
                       size=row.size, created_at=row.created_at, built_from_sources=row.built_from_sources)


def register_upload(session: Session, ctx: Context, caller: Caller, received: ReceivedFile) -> tuple[ResolvedFmu, bool]:
    """Keep a validated upload; returns (fmu, created). The temporary file is always consumed, and a
    refused upload leaves nothing behind."""
    try:
        existing = FmuRepository(session).get(caller.account_id, received.sha256)
        if existing is not None:
            return _resolved(session, ctx, existing), False
        known = FmuRepository(session).any_with_sha(received.sha256)
        if known is not None and ctx.blobs.exists(received.sha256, kind="fmus"):
            # Same bytes, already validated for another account: free and instant.
            description, built = known.description, known.built_from_sources
        elif ctx.sandbox is not None:  # described here, from the upload itself, before it is kept
            description, built = ingests.describe(ctx, received.sha256, "upload", archive=received.path)
            ctx.blobs.put_file(received.path, received.sha256, kind="fmus")
        else:  # a worker describes it, from the blob store
            ctx.blobs.put_file(received.path, received.sha256, kind="fmus")
            try:
                description, built = ingests.describe(ctx, received.sha256, "upload")
            except Exception:
                if FmuRepository(session).any_with_sha(received.sha256) is None:
                    ctx.blobs.delete(received.sha256, kind="fmus")
                raise
        row = Fmu(account_id=caller.account_id, sha256=received.sha256, filename=received.filename,
                  size=received.size, description=description, built_from_sources=built, created_at=utcnow())
        try:
            with session.begin_nested():
                FmuRepository(session).add(row)
        except IntegrityError:  # the same account uploaded the same bytes concurrently
            existing = FmuRepository(session).get(caller.account_id, received.sha256)
            assert existing is not None
            return _resolved(session, ctx, existing), False
        return _resolved(session, ctx, row), True
    finally:
        received.path.unlink(missing_ok=True)


def list_uploads(session: Session, ctx: Context, caller: Caller) -> list[ResolvedFmu]:
    return [_resolved(session, ctx, row) for row in FmuRepository(session).list_for_account(caller.account_id)]


def delete(session: Session, ctx: Context, caller: Caller, fmu_id: str) -> None:
    if fmu_id.startswith("lib:"):
        raise LibraryReadOnly(f"'{fmu_id}' is a library model and cannot be deleted")
    fmu = resolve(session, ctx, caller, fmu_id)
    FmuRepository(session).remove(caller.account_id, fmu.sha256)
    if FmuRepository(session).count_with_sha(fmu.sha256) == 0:
        # Last reference gone: the bytes go too, once the delete is durable. Results stay (other blobs).
        sha = fmu.sha256
        after_commit(session, lambda: ctx.blobs.delete(sha, kind="fmus"))
