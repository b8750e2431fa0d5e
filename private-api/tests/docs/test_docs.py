"""/docs works with nothing from elsewhere, and every problem `type` the code can answer with resolves to a
page (HTML for a browser, JSON otherwise) that says what it means and what to do."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from fmu_gateway_api.docs.problems import BY_SLUG, CATALOGUE
from tests.conftest import REPO
from tests.contract_client import ContractClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SOURCES = REPO / "private-api" / "src"
# Where the code names a problem type: a ProblemError's class attributes or `slug=`, the sandbox's rejections,
# a run's failure, the dispatcher's own error type.
EMITTED = [re.compile(p) for p in (
    r'slug(?:, title)? = "([a-z0-9-]+)"', r'status, slug, title = \d+, "([a-z0-9-]+)"', r'slug="([a-z0-9-]+)"',
    r'slug, detail = "([a-z0-9-]+)"',
    r'(?:ArchiveRejected|IngestRejected|RunFailure|ModelDescriptionError)\(\s*"([a-z0-9-]+)"',
    r'"type": "([a-z0-9-]+)", "detail"', r'\("([a-z0-9-]+)", "[A-Z][^"]*"\)')]


def emitted_slugs() -> set[str]:
    found: set[str] = set()
    for path in SOURCES.rglob("*.py"):
        text = path.read_text()
        for pattern in EMITTED:
            found.update(pattern.findall(text))
    return found


def test_every_problem_type_in_the_code_has_a_page() -> None:
    slugs = emitted_slugs()
    assert {"invalid-variable", "fmu-zip-bomb", "model-crashed", "payment-required", "method-not-allowed"} <= slugs
    assert sorted(slugs - set(BY_SLUG)) == []
    assert len(BY_SLUG) == len(CATALOGUE)


def test_docs_loads_every_asset_from_this_gateway(client: ContractClient, raw_client: TestClient) -> None:
    page = client.get("/docs", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert re.findall(r"(?:src|href)=[\"']?(https?:)?//", page.text) == []
    assets = re.findall(r"/docs/assets/[\w.-]+", page.text)
    assert sorted(set(assets)) == ["/docs/assets/favicon.png", "/docs/assets/swagger-ui-bundle.js",
                                   "/docs/assets/swagger-ui.css"]
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png"}
    for asset in set(assets):
        got = raw_client.get(asset)  # static files, not operations of the contract
        assert got.status_code == 200, asset
        assert kinds[asset[asset.rfind("."):]] in got.headers["content-type"], asset
        assert len(got.content) > 1000
    assert "/v1/openapi.json" in page.text
    assert client.get("/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_each_problem_page_is_html_for_a_browser_and_json_otherwise(client: ContractClient, slug: str) -> None:
    problem = BY_SLUG[slug]
    page = client.get(f"/problems/{slug}", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["vary"] == "Accept"  # a cache keeps the page and the JSON apart
    assert problem.title.replace("&", "&amp;") in page.text
    assert "What it means" in page.text and "What to do" in page.text
    for accept in (None, "application/json", "*/*"):
        got = client.get(f"/problems/{slug}", headers={"Accept": accept} if accept else {})
        assert got.status_code == 200
        assert got.headers["vary"] == "Accept"
        assert got.json() == {"type": f"https://fmu-gateway.dev/problems/{slug}", "slug": slug,
                              "status": problem.status, "title": problem.title, "meaning": problem.meaning,
                              "action": problem.action}


def test_a_real_problem_type_resolves(client: ContractClient, auth: dict[str, str]) -> None:
    problem = client.get("/v1/simulations/sim_" + "0" * 32, headers=auth).json()
    path = urlsplit(problem["type"]).path
    assert path == "/problems/not-found"
    assert client.get(path).json()["title"] == "Not found"


def test_the_list_and_an_unknown_type(client: ContractClient) -> None:
    listed = client.get("/problems").json()["items"]
    assert [p["slug"] for p in listed] == [p.slug for p in CATALOGUE]
    html = client.get("/problems", headers={"Accept": BROWSER})
    assert all(f'href="/problems/{p.slug}"' in html.text for p in CATALOGUE)
    missing = client.get("/problems/no-such-type")
    assert missing.status_code == 404
    assert missing.json()["type"] == "https://fmu-gateway.dev/problems/not-found"


def test_the_readme_lists_every_problem_type() -> None:
    readme = (REPO / "README.md").read_text()
    for p in CATALOGUE:
        assert f"| [`{p.slug}`](https://fmu-gateway.dev/problems/{p.slug}) |" in readme, p.slug
