"""Response bodies for the model library."""

from __future__ import annotations

from pydantic import BaseModel


class LibraryModelOut(BaseModel):
    id: str
    name: str
    fmi_version: str
    interfaces: list[str]
    description: str
    tags: list[str]
    sha256: str


class LibraryList(BaseModel):
    items: list[LibraryModelOut]
