"""/docs (Swagger UI on this contract, its assets served from here: no CDN) and /problems/<slug>, the page
every problem `type` names: HTML for a browser, JSON for anything else."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated

import fastapi_offline
from fastapi import APIRouter, Response
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from fmu_gateway_api.docs.problems import BY_SLUG, CATALOGUE, ProblemType
from fmu_gateway_api.errors import NotFound
from fmu_gateway_api.kit.negotiation import AcceptHeader, qualities

router = APIRouter(tags=["meta"])
# Swagger UI's own distribution files, as the fastapi-offline package ships them (MIT).
ASSETS = Path(fastapi_offline.__file__).parent / "static"


def assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS)


@router.get("/docs", operation_id="getDocs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """Interactive documentation of the contract, with nothing loaded from elsewhere."""
    return get_swagger_ui_html(
        openapi_url="/v1/openapi.json", title="FMU Gateway API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js", swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon.png",
        swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True})


def _wants_html(accept: str | None) -> bool:
    """A browser: text/html preferred over JSON in Accept (browsers list it first, with the top quality)."""
    best = qualities(accept)
    page = max(best.get("text/html", 0.0), best.get("application/xhtml+xml", 0.0))
    return page > 0 and page >= best.get("application/json", 0.0)


def _json(p: ProblemType) -> dict[str, object]:
    return {"type": p.type, "slug": p.slug, "status": p.status, "title": p.title, "meaning": p.meaning,
            "action": p.action}


def _page(title: str, body: str) -> HTMLResponse:
    """A browser's form of a page that also answers JSON."""
    return HTMLResponse(
        f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>body{font-family:"
        "system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
        "code{background:#f2f2f2;padding:0 .2em}td,th{text-align:left;padding:.2em .6em;vertical-align:top}"
        "</style></head><body>" + body + "</body></html>")


@router.get("/problems", operation_id="listProblemTypes")
def list_problem_types(accept: AcceptHeader) -> Response:
    """Every problem type, as JSON or (for a browser) one HTML table."""
    if not _wants_html(accept):
        return JSONResponse({"items": [_json(p) for p in CATALOGUE]})
    rows = "".join(f"<tr><td><a href=\"/problems/{p.slug}\"><code>{p.slug}</code></a></td>"
                   f"<td>{p.status or ''}</td><td>{html.escape(p.title)}</td></tr>" for p in CATALOGUE)
    return _page("FMU Gateway problem types", "<h1>Problem types</h1><p>Errors are RFC 9457 problem details "
                 "(<code>application/problem+json</code>) whose <code>type</code> is one of these pages. "
                 "A failed simulation's <code>error.type</code> (no status) is one too.</p>"
                 f"<table><tr><th>type</th><th>status</th><th>title</th></tr>{rows}</table>"
                 "<p><a href=\"/docs\">API documentation</a></p>")


@router.get("/problems/{slug}", operation_id="getProblemType")
def get_problem_type(accept: AcceptHeader,
                     slug: Annotated[str, PathParam(pattern=r"^[a-z0-9-]{1,64}$")]) -> Response:
    """What a problem type means and what to do about it."""
    p = BY_SLUG.get(slug)
    if p is None:
        raise NotFound(f"there is no problem type '{slug}'; GET /problems lists them")
    if not _wants_html(accept):
        return JSONResponse(_json(p))
    status = f"HTTP {p.status}" if p.status else "a failed simulation's <code>error.type</code>"
    return _page(f"{p.title} ({p.slug})",
                 f"<h1>{html.escape(p.title)}</h1><p><code>{html.escape(p.type)}</code> &middot; {status}</p>"
                 f"<h2>What it means</h2><p>{html.escape(p.meaning)}</p>"
                 f"<h2>What to do</h2><p>{html.escape(p.action)}</p>"
                 "<p><a href=\"/problems\">All problem types</a> &middot; <a href=\"/docs\">API documentation</a></p>")
