"""Content negotiation for routes that answer in more than one format (the Accept header, q-values)."""

from __future__ import annotations

from fmu_gateway_api.errors import NotAcceptable


def qualities(accept: str | None) -> dict[str, float]:
    """Each media type or range the Accept header names, with its quality (the highest, if named twice)."""
    found: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media:
            found[media] = max(q, found.get(media, 0.0))
    return found


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
