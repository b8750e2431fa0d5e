"""HTTP routes for the model library."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from fmu_gateway_api.deps import ContextDep
from fmu_gateway_api.library.schemas import LibraryList, LibraryModelOut

router = APIRouter(tags=["library"])


@router.get("/v1/library", operation_id="listLibraryModels")
def list_library(ctx: ContextDep,
                 query: Annotated[str | None, Query(max_length=200)] = None) -> LibraryList:
    return LibraryList(items=[
        LibraryModelOut(id=m.id, name=m.name, fmi_version=m.fmi_version, interfaces=list(m.interfaces),
                        description=m.description, tags=list(m.tags), sha256=m.sha256)
        for m in ctx.library.search(query)
    ])
