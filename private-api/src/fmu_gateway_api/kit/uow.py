"""Units of work: the one place a transaction commits.

A request has one (`deps.SessionDep`): it commits when the endpoint returns and rolls back when it raises.
A background job opens its own with `unit_of_work`. An endpoint that must make its writes durable before
it goes on (a job must exist before a sandbox may start it) calls `commit`. Side effects that leave the
transaction (waking a dispatcher, deleting a blob, a metric) are registered with `after_commit` and run
once the commit succeeded, never after a rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction: committed when the block succeeds, rolled back when it raises."""
    session = factory()
    try:
        yield session
        commit(session)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def commit(session: Session) -> None:
    """Commit now (the session goes on with a new transaction); after-commit actions run."""
    session.commit()


def rollback(session: Session) -> None:
    """Give up this transaction's writes now (after-commit actions registered so far never run)."""
    session.rollback()


def after_commit(session: Session, action: Callable[[], object]) -> None:
    """Run `action()` once this session's transaction has committed (never if it rolls back)."""
    event.listen(session, "after_commit", lambda _s: action(), once=True)
