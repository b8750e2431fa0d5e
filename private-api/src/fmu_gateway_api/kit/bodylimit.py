"""Request bodies are capped before anything parses them: by Content-Length at once (the body is never
read), and while streaming for chunked bodies (the read fails the moment the cap is passed). Either way
the answer is 413 `request-too-large`, and nothing of the request was kept."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fmu_gateway_api.errors import PayloadTooLarge, problem_body

Limit = Callable[[str, str], int]  # (method, path) -> the largest body allowed


class RequestTooLarge(PayloadTooLarge):
    slug = "request-too-large"


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: Limit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limit(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await _refuse(scope, send, cap)
            return
        seen = 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise RequestTooLarge(_detail(cap), limit_bytes=cap)
            return message

        await self.app(scope, capped, send)


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
