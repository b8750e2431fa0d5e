"""A test client that checks every response it receives against shared-specs/openapi.yaml."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from fmu_gateway_api.contract import contract_json


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass
class _Response:
    status_code: int
    data: bytes | None
    content_type: str
    headers: Headers


_openapi: OpenAPI | None = None


def openapi() -> OpenAPI:
    global _openapi
    if _openapi is None:
        config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
        _openapi = OpenAPI.from_dict(contract_json(), config=config)
    return _openapi


def check_response(response: httpx.Response) -> None:
    """Raise when the response breaks the contract (status, media type, headers or body schema)."""
    req = response.request
    url = urlsplit(str(req.url))
    request = _Request(
        host_url="http://127.0.0.1:8000", path=url.path, method=req.method.lower(), body=None,
        content_type=req.headers.get("content-type", ""),
        parameters=RequestParameters(query=ImmutableMultiDict(parse_qsl(url.query)),
                                     header=Headers(dict(req.headers))),
    )
    resp = _Response(
        status_code=response.status_code, data=response.content,
        content_type=response.headers.get("content-type", "").split(";")[0].strip(),
        headers=Headers(dict(response.headers)),
    )
    openapi().validate_response(request, resp)  # type: ignore[arg-type]


class ContractClient:
    """Wraps an httpx-compatible client; every response is validated before the test sees it."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.checked = 0

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self._client.request(method, url, **kwargs)
        check_response(response)
        self.checked += 1
        return response

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)

    def delete(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", url, **kw)
