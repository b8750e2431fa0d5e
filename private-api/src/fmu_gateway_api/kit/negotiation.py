"""Content negotiation for routes that answer in more than one format (the Accept header, q-values)."""

from __future__ import annotations

from fmu_gateway_api.errors import NotAcceptable


def negotiate(accept: str | None, kinds: dict[str, str]) -> str:
    """The kind the client prefers among `kinds` (media type or range -> kind; "*/*" is the default);
    406 when it accepts none of them."""
    if not accept:
        return kinds["*/*"]
    best, best_q = None, -1.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        kind = kinds.get(media.strip().lower())
        if kind and q > 0 and q > best_q:
            best, best_q = kind, q
    if best is None:
        offered = " or ".join(media for media in kinds if "*" not in media)
        raise NotAcceptable(f"this is available as {offered}")
    return best
