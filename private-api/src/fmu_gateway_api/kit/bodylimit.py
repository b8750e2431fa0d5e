"""Request bodies are capped before anything parses them: by Content-Length at once (the body is never
read), and while streaming for chunked bodies (the read fails the moment the cap is passed). Either way
the answer is 413 `request-too-large`, and nothing of the request was kept.

Bodies held in memory (everything but FMU uploads, which stream to disk) also share one budget per
process: when the bodies being received at once would pass it, the newest is answered 503 `server-busy`
(with Retry-After), so many concurrent large bodies cannot add up to more memory than the budget."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fmu_gateway_api.errors import PayloadTooLarge, ServiceUnavailable, problem_body

Limit = Callable[[str, str], tuple[int, bool]]  # (method, path) -> (largest body, held in memory?)


class RequestTooLarge(PayloadTooLarge):
    slug = "request-too-large"


class ServerBusy(ServiceUnavailable):
    slug, title = "server-busy", "Server busy"


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: Limit, budget: int) -> None:
        self.app = app
        self.limit = limit
        self.budget = budget
        self.in_flight = 0  # bytes of in-memory bodies received by requests still running (one event loop)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap, in_memory = self.limit(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await _refuse(scope, send, cap)
            return
        seen = 0
        held = 0

        async def capped() -> Message:
            nonlocal seen, held
            message = await receive()
            if message["type"] == "http.request":
                size = len(message.get("body", b""))
                seen += size
                if seen > cap:
                    raise RequestTooLarge(_detail(cap), limit_bytes=cap)
                if in_memory and size:
                    if self.in_flight + size > self.budget:
                        raise ServerBusy("the gateway is receiving as many large request bodies as it holds "
                                         "at once; retry in a second", headers={"Retry-After": "1"})
                    self.in_flight += size
                    held += size
            return message

        try:
            await self.app(scope, capped, send)
        finally:
            self.in_flight -= held


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _detail(cap: int) -> str:
    return f"the request body is larger than the limit of {cap} bytes for this operation"


async def _refuse(scope: Scope, send: Send, cap: int) -> None:
    problem = RequestTooLarge(_detail(cap), limit_bytes=cap)
    body = problem_body(problem, scope["path"])
    await send({"type": "http.response.start", "status": problem.status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
