"""Named dependencies: the request's unit of work, the caller (from the edge), the client's address and
JSON bodies read after the caller is known and parsed off the event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fmu_gateway_api.auth.edge import Caller, client_address
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import Forbidden, ProblemError, Unauthorized
from fmu_gateway_api.kit.uow import unit_of_work

M = TypeVar("M", bound=BaseModel)
_PARSE_INLINE_BYTES = 64 * 1024  # larger bodies are parsed in a worker thread
_LARGE_PARSES = anyio.Semaphore(2)  # and at most two at a time: their memory is bounded, not their number


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


async def _edge(request: Request, response: Response, ctx: Context, credential: str) -> Caller:
    """The caller, on the event loop when nothing on the way waits (an API key whose record is in this
    process's cache, a rate limiter of this process's own); else in a worker thread (the database, a token's
    signature check, Redis), with a short unit of work of its own (the request's transaction, if it has one,
    is its own business)."""
    known = ctx.edge.known(credential)
    if known is None or (ctx.settings.rate_limit_enabled and ctx.rate_limiter.waits):
        return await run_in_threadpool(_edge_waiting, request, response, ctx, credential, known)
    return _let_in(request, response, ctx, *known)


def _edge_waiting(request: Request, response: Response, ctx: Context, credential: str,
                  known: tuple[Caller, str] | None) -> Caller:
    if known is None:
        with unit_of_work(ctx.sessions) as session:
            known = ctx.edge.authenticate(session, credential)
    return _let_in(request, response, ctx, *known)


def _let_in(request: Request, response: Response, ctx: Context, caller: Caller, internal: str) -> Caller:
    request.state.internal_token = internal
    if ctx.settings.rate_limit_enabled:
        # Per account: an account's keys and tokens share one budget.
        limit = ctx.pricing.tier(caller.tier).requests_per_minute
        decision = ctx.rate_limiter.hit(f"account:{caller.account_id}", limit)
        if not decision.allowed:
            # Checked before anything is admitted: a 429 never debits.
            raise RateLimited(f"more than {limit} requests a minute for this account ({caller.tier} tier); "
                              f"retry in {decision.reset_s} s",
                              headers={**decision.headers(), "Retry-After": str(decision.reset_s)})
        response.headers.update(decision.headers())
    return caller


# The dependencies below are coroutines: FastAPI runs a plain function in a worker thread, a hop that cost
# an authenticated request more than all the work it does with a cached key.
async def get_caller(request: Request, response: Response, ctx: ContextDep) -> Caller:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("This operation needs an API key: send 'Authorization: Bearer <api key>'. "
                           "Create one with POST /v1/keys.")
    return await _edge(request, response, ctx, token)


async def get_optional_caller(request: Request, response: Response, ctx: ContextDep) -> Caller | None:
    token = bearer_token(request)
    return await _edge(request, response, ctx, token) if token else None


def _require_key(caller: Caller | None) -> None:
    if caller is not None and caller.via != "key":
        raise Forbidden("Managing keys and tokens needs the API key itself, not a token minted for it.",
                        slug="key-required")


async def get_key_holder(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    _require_key(caller)
    return caller


async def get_optional_key_holder(caller: Annotated[Caller | None, Depends(get_optional_caller)]) -> Caller | None:
    _require_key(caller)
    return caller


async def get_edge_token(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> str:
    token: str = request.state.internal_token
    return token


async def get_client_address(request: Request, ctx: ContextDep) -> str:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.getlist("x-forwarded-for"), ctx.settings.trusted_proxy_networks)


CurrentAccount = Annotated[Caller, Depends(get_caller)]
OptionalAccount = Annotated[Caller | None, Depends(get_optional_caller)]
KeyHolder = Annotated[Caller, Depends(get_key_holder)]
OptionalKeyHolder = Annotated[Caller | None, Depends(get_optional_key_holder)]
EdgeToken = Annotated[str, Depends(get_edge_token)]
ClientAddress = Annotated[str, Depends(get_client_address)]


_JSON_WHITESPACE = b" \t\r\n"


def json_body(model: type[M], *, optional: bool = False,
              after: Callable[..., Any] | None = None) -> Any:
    """A JSON request body as `model`, read only once the caller is known (`after`: the caller
    dependency, by default a required one), so a bad key is refused before a large body is read; its size
    is capped while it streams (kit.bodylimit), and a large one is parsed and validated in a worker thread.

    Use as `body: Annotated[Model, json_body(Model)]`."""
    if after is None:
        after = get_optional_caller if optional else get_caller

    async def read(request: Request, _caller: Any = Depends(after)) -> M | None:  # noqa: B008
        raw = await request.body()
        if not raw.strip(_JSON_WHITESPACE):  # JSON's own whitespace only (bytes.strip() would take \x0b too)
            if optional:
                return None
            raise RequestValidationError([{"loc": ("body",), "msg": "Field required", "type": "missing"}])
        mime = request.headers.get("content-type", "application/json").split(";", 1)[0].strip().lower()
        if mime != "application/json" and not mime.endswith("+json"):
            raise RequestValidationError([{"loc": ("body",), "type": "model_attributes_type",
                                           "msg": f"the body must be application/json, not {mime}"}])
        if len(raw) <= _PARSE_INLINE_BYTES:
            return _validate(model, raw)
        async with _LARGE_PARSES:
            return await anyio.to_thread.run_sync(_validate, model, raw)

    return Depends(read)


def _validate(model: type[M], raw: bytes) -> M:
    try:
        value = model.model_validate_json(raw)
    except ValidationError as exc:
        errors = [{**err, "loc": ("body", *err.get("loc", ()))} for err in exc.errors(include_url=False)]
        raise RequestValidationError(errors) from None
    # No text we keep may hold NUL (PostgreSQL's text cannot; SQLite would keep it): a 422, not a 500.
    # A NUL can only arrive escaped, so the precise look is needed only when the escape is there at all.
    if b"\\u0000" in raw and _holds_nul(value.model_dump(mode="json")):
        raise RequestValidationError([{"loc": ("body",), "type": "string_pattern_mismatch",
                                       "msg": "text may not contain the NUL character (\\u0000)"}])
    return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False
