"""The base of every domain's repository: built from a session, it knows its database's dialect, so the
differences between PostgreSQL and SQLite stay inside repositories (never a flag threaded through callers)."""

from __future__ import annotations

from sqlalchemy.orm import Session


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"
