"""Route matching where a literal path wins over a templated one, whatever the method."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NoReturn

from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope


def _never(request: Request) -> NoReturn:
    raise AssertionError("a _LiteralPath only ever matches the methods it refuses")


class _LiteralPath(Route):
    """The methods a literal path lacks end here, as Starlette's 405 naming those it has, before a templated
    route can claim the path; the methods it has go on to the route that serves them."""

    def __init__(self, path: str, methods: Iterable[str]) -> None:
        super().__init__(path, _never, methods=list(methods), include_in_schema=False)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        return (Match.FULL, child_scope) if match is Match.PARTIAL else (Match.NONE, {})


def _routes(routes: Iterable[BaseRoute]) -> Iterator[Route]:
    for route in routes:
        if isinstance(route, Route):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI's included router (no prefixes here)
        if included is not None:
            yield from _routes(included.routes)


def literal_paths_win(routes: list[BaseRoute]) -> None:
    """Put a literal path before the templated routes that would match it too: `GET /v1/sweeps/quote`, where
    only POST exists, is then a 405 of that resource, not a lookup of a sweep called "quote". (The router
    takes the first route that matches both path and method, so without this the template wins.)"""
    flat = list(_routes(routes))
    methods: dict[str, set[str]] = {}
    for route in flat:
        if not route.param_convertors:
            methods.setdefault(route.path, set()).update(route.methods or ())
    shadowed = {path for path in methods
                for route in flat if route.param_convertors and route.path_regex.match(path)}
    routes[:0] = [_LiteralPath(path, methods[path]) for path in sorted(shadowed)]
