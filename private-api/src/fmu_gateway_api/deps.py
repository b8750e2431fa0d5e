"""Named dependencies: the request's unit of work and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fmu_gateway_api.accounts.service import Caller, authenticate
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import Unauthorized


def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


ContextDep = Annotated[Context, Depends(get_context)]


def get_session(ctx: ContextDep) -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint returns, rolled back when it raises."""
    session = ctx.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response leaves, so a client never reads its own write too early.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("The Authorization header must be 'Bearer <api key>'.")
    return token.strip()


def get_caller(request: Request, session: SessionDep) -> Caller:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("This operation needs an API key: send 'Authorization: Bearer <api key>'. "
                           "Create one with POST /v1/keys.")
    return authenticate(session, token)


def get_optional_caller(request: Request, session: SessionDep) -> Caller | None:
    token = bearer_token(request)
    return authenticate(session, token) if token else None


CurrentAccount = Annotated[Caller, Depends(get_caller)]
OptionalAccount = Annotated[Caller | None, Depends(get_optional_caller)]
