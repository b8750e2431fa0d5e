"""Named dependencies: the request's unit of work, and the edge that turns a key into a caller.

The edge is the only code that reads a raw API key. It verifies the key, mints a short-lived internal
JWT, and everything behind it (services, the dispatcher, runners) sees only what that token says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from fmu_gateway_api.accounts.service import EDGE_CACHE, Caller, authenticate, hash_key
from fmu_gateway_api.auth.tokens import AUDIENCE_API, InvalidToken, looks_like_jwt
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import ProblemError, Unauthorized
from fmu_gateway_api.kit.uow import unit_of_work


async def get_context(request: Request) -> Context:
    # async: nothing to wait for, so no trip through the thread pool
    ctx: Context = request.app.state.ctx
    return ctx


ContextDep = Annotated[Context, Depends(get_context)]


def get_session(ctx: ContextDep) -> Iterator[Session]:
    """The request's unit of work: committed when the endpoint returns, rolled back when it raises."""
    with unit_of_work(ctx.sessions) as session:
        yield session


# scope="function": commit before the response leaves, so a client never reads its own write too early.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


class RateLimited(ProblemError):
    status, slug, title = 429, "rate-limited", "Too many requests"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("The Authorization header must be 'Bearer <api key or token>'.")
    return token.strip()


def _edge(request: Request, response: Response, ctx: Context, session: Session, token: str) -> Caller:
    if looks_like_jwt(token):  # a partner's token from POST /v1/auth/token
        internal = token
        try:
            claims = ctx.tokens.verify(internal, AUDIENCE_API)
        except InvalidToken as exc:
            raise Unauthorized(f"The token is not valid: {exc}") from None
        caller = Caller.from_claims(claims)
    else:
        internal, caller = _from_key(ctx, session, token)
    request.state.internal_token = internal
    if ctx.settings.rate_limit_enabled:
        limit = ctx.pricing.tier(caller.tier).requests_per_minute
        decision = ctx.rate_limiter.hit(f"key:{caller.key_id or caller.account_id}", limit)
        if not decision.allowed:
            # Checked before anything is admitted: a 429 never debits.
            raise RateLimited(f"more than {limit} requests a minute for this key ({caller.tier} tier); "
                              f"retry in {decision.reset_s} s",
                              headers={**decision.headers(), "Retry-After": str(decision.reset_s)})
        response.headers.update(decision.headers())
    return caller


def _from_key(ctx: Context, session: Session, raw: str) -> tuple[str, Caller]:
    """A key's internal token and caller, minted once and reused for as long as the key itself is cached
    (at most 5 s: revoking a key drops both at once here, and within 5 s everywhere else)."""
    digest = hash_key(raw)
    now = time.monotonic()
    cached = ctx.key_cache.get(EDGE_CACHE + digest)
    if cached is not None and cached[0] > now:
        internal, caller = cached[1]
        return internal, caller
    identity = authenticate(session, ctx, raw)
    internal = ctx.tokens.mint(subject=identity.account_id, key_id=identity.key_id, tier=identity.tier,
                               scopes=["api"])
    try:
        caller = Caller.from_claims(ctx.tokens.verify(internal, AUDIENCE_API))
    except InvalidToken as exc:  # our own token: a key rotation race at most
        raise Unauthorized(f"The token is not valid: {exc}") from None
    if ctx.settings.key_cache_ttl_s > 0:
        ctx.key_cache[EDGE_CACHE + digest] = (now + ctx.settings.key_cache_ttl_s, (internal, caller))
    return internal, caller


def get_caller(request: Request, response: Response, ctx: ContextDep, session: SessionDep) -> Caller:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("This operation needs an API key: send 'Authorization: Bearer <api key>'. "
                           "Create one with POST /v1/keys.")
    return _edge(request, response, ctx, session, token)


def get_optional_caller(request: Request, response: Response, ctx: ContextDep,
                        session: SessionDep) -> Caller | None:
    token = bearer_token(request)
    return _edge(request, response, ctx, session, token) if token else None


def get_edge_token(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> str:
    token: str = request.state.internal_token
    return token


CurrentAccount = Annotated[Caller, Depends(get_caller)]
OptionalAccount = Annotated[Caller | None, Depends(get_optional_caller)]
EdgeToken = Annotated[str, Depends(get_edge_token)]
