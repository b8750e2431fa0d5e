"""The plumbing under `Gateway`: where the key comes from, and the one path every request takes.

The generated modules (`_generated/api/...`) build each request and parse its answer; `_call` sends the
request through `_http.request`, so authentication, retries and error translation happen in one place
for every operation, generated or not yet in the contract. `send` adds what only the client knows to an
error: where a refused key came from, and how this gateway takes payment.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, Self

import httpx

from fmu_gateway_sdk import _config, _hints, _http
from fmu_gateway_sdk._errors import AuthenticationError, FmuGatewayError, PaymentRequired
from fmu_gateway_sdk._generated.api.billing import get_account
from fmu_gateway_sdk._generated.api.keys import create_key
from fmu_gateway_sdk._generated.client import Client
from fmu_gateway_sdk._generated.models import KeyCreate, KeyCreated

__version__ = "0.1.0"


class GatewayBase:
    """Connection, key and request plumbing; `Gateway` adds the operations."""

    def __init__(self, api_key: str | None = None, base_url: str | None = None, *, timeout: float = 120.0,
                 max_retries: int = 2, local_fallback: bool = False, progress: bool | None = None,
                 auto_key: bool | None = None, transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = _config.resolve_base_url(base_url)
        self.max_retries = max_retries
        self.local_fallback = local_fallback
        self.progress = progress
        self.auto_key = _config.is_local(self.base_url) if auto_key is None else auto_key
        self._api_key: str | None = None
        self._key_origin: _config.KeyOrigin | None = None
        if api_key:
            self._api_key, self._key_origin = api_key, _config.KeyOrigin("argument")
        elif os.environ.get(_config.KEY_ENV):
            self._api_key, self._key_origin = os.environ[_config.KEY_ENV], _config.KeyOrigin("environment")
        elif stored := _config.read_stored_key(self.base_url):
            self._api_key, self._key_origin = stored[0], _config.KeyOrigin("file", stored[1])
        self._key_lock = threading.Lock()
        self._names: dict[str, str] = {}
        self._paths: dict[str, Path] = {}
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport,
                                  headers={"User-Agent": f"fmu-gateway-sdk/{__version__}"})
        self._generated = Client(base_url=self.base_url).set_httpx_client(self._http)

    # -- plumbing -----------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def api_key(self) -> str:
        """The key in use; created (and stored) when none is configured and `auto_key` allows it."""
        with self._key_lock:
            if self._api_key is None:
                self._api_key = self._new_stored_key()
            return self._api_key

    @property
    def key_origin(self) -> _config.KeyOrigin | None:
        """Where the key came from (argument, environment, file, created) and its file; None before one
        is needed when none is configured."""
        return self._key_origin

    def _new_stored_key(self) -> str:
        if not self.auto_key:
            raise AuthenticationError(f"no API key for {self.base_url}", hint=_hints.no_key(self.base_url))
        response = self._call(create_key, auth=False, body=KeyCreate(name="fmu-gateway-sdk"))
        created: KeyCreated = response.parsed
        path, _ = _config.store_key(self.base_url, created.api_key)
        self._key_origin = _config.KeyOrigin("created", path)
        _config.announce(f"created an API key for a new account ({created.account_id}) on {self.base_url}; "
                         f"stored in {path} (readable only by you). It is the way into this account's FMUs "
                         "and credits: keep it.")
        return created.api_key

    def _call(self, op: ModuleType, *, auth: bool = True, headers: Mapping[str, str] | None = None,
              **params: Any) -> Any:
        """Run a generated operation; returns its typed `Response` (2xx only, else an exception)."""
        kwargs: dict[str, Any] = op._get_kwargs(**params)
        response = self.send(kwargs, auth=auth, headers=headers)
        return op._build_response(client=self._generated, response=response)

    def send(self, kwargs: Mapping[str, Any], *, auth: bool = True,
             headers: Mapping[str, str] | None = None) -> httpx.Response:
        """Send one request (`httpx.Client.request` arguments) with auth, retries and typed errors."""
        merged = {**(kwargs.get("headers") or {}), **(headers or {})}
        if auth:
            merged["Authorization"] = f"Bearer {self.api_key}"
        try:
            return _http.request(self._http, {**kwargs, "headers": merged}, max_retries=self.max_retries)
        except AuthenticationError as exc:
            if auth:
                exc.hint = _hints.key_refused(self._key_origin, self.base_url)
            raise
        except FmuGatewayError as exc:
            # 402 payment-required, or 404 payments-disabled (a checkout on a gateway without payments)
            if exc.slug in ("payment-required", "payments-disabled"):
                exc.hint = self._payment_hint(exc)
            raise

    def _payment_hint(self, exc: FmuGatewayError) -> str:
        if isinstance(exc, PaymentRequired) and exc.checkout_url:
            return _hints.pay_online(exc.checkout_url, exc.session_id)
        try:
            account: str | None = self._call(get_account).parsed.account_id
        except FmuGatewayError:
            account = None
        return _hints.grant_credits(self.base_url, account)

    def _json(self, method: str, url: str, *, body: Any = None, params: Mapping[str, Any] | None = None,
              headers: Mapping[str, str] | None = None) -> Any:
        """A plain JSON call, for operations the generated client does not have (yet)."""
        kwargs: dict[str, Any] = {"method": method, "url": url}
        if body is not None:
            kwargs["json"] = body
        if params:
            kwargs["params"] = dict(params)
        response = self.send(kwargs, headers=headers)
        return response.json() if response.content else None

