"""Content negotiation for routes that answer in more than one format (the Accept header, q-values)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders

from fmu_gateway_api.errors import NotAcceptable

_VARIES = "varies_on_accept"  # in the request's state: the answer's form depends on Accept


def _split(text: str, sep: str) -> Iterator[str]:
    """`text` cut at `sep` outside quoted strings (RFC 9110: `codecs="zstd, lz4"` is one parameter)."""
    start, quoted, escaped = 0, False, False
    for i, c in enumerate(text):
        if escaped:
            escaped = False
        elif quoted and c == "\\":
            escaped = True
        elif c == '"':
            quoted = not quoted
        elif c == sep and not quoted:
            yield text[start:i]
            start = i + 1
    yield text[start:]


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
        out, escaped = [], False
        for c in value:
            if c == "\\" and not escaped:
                escaped = True
                continue
            out.append(c)
            escaped = False
        return "".join(out)
    return value


def media_ranges(accept: str | None) -> list[tuple[str, float, dict[str, str]]]:
    """Each media range the Accept header names, in order: (media, quality, its other parameters), the
    media and parameter names lower-cased, quoted values unquoted."""
    ranges = []
    for part in _split(accept or "", ","):
        media, *params = _split(part, ";")
        media = media.strip().lower()
        if not media:
            continue
        q, extra = 1.0, {}
        for p in params:
            key, _, value = p.partition("=")
            key = key.strip().lower()
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            elif key:
                extra[key] = _unquote(value)
        ranges.append((media, q, extra))
    return ranges


def qualities(accept: str | None) -> dict[str, float]:
    """Each media type or range the Accept header names, with its quality (the highest, if named twice)."""
    found: dict[str, float] = {}
    for media, q, _params in media_ranges(accept):
        found[media] = max(q, found.get(media, 0.0))
    return found


def parameters(accept: str | None, media: str) -> dict[str, str]:
    """The parameters (q aside) the Accept header gives `media` where it accepts it with the highest
    quality; empty when it does not name it."""
    best: dict[str, str] = {}
    best_q = 0.0
    for name, q, params in media_ranges(accept):
        if name == media and q > best_q:
            best, best_q = params, q
    return best


def _accept(request: Request) -> str | None:
    request.scope.setdefault("state", {})[_VARIES] = True
    return request.headers.get("accept")


# The Accept header, for a route whose answer it chooses: read this way, whatever the route answers (406
# included) says that it varies with Accept (RFC 9110 12.5.5), so a shared cache keeps one answer per form.
AcceptHeader = Annotated[str | None, Depends(_accept)]


def vary(scope: dict[str, Any], message: dict[str, Any]) -> None:
    """On the start of an answer (`http.response.start`): `Vary: Accept` when its route read AcceptHeader.
    Called by the one send wrapper every request already has (observability.RequestContext)."""
    if scope.get("state", {}).get(_VARIES):
        MutableHeaders(scope=message).add_vary_header("Accept")


def negotiate(accept: str | None, kinds: dict[str, str]) -> str:
    """The kind the client prefers among `kinds` (media type or range -> kind; "*/*" is the default);
    406 when it accepts none of them."""
    if not accept:
        return kinds["*/*"]
    best, best_q = None, -1.0
    for media, q in qualities(accept).items():
        kind = kinds.get(media)
        if kind and q > 0 and q > best_q:
            best, best_q = kind, q
    if best is None:
        offered = " or ".join(media for media in kinds if "*" not in media)
        raise NotAcceptable(f"this is available as {offered}")
    return best
