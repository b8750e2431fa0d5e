"""The one request function: retries with backoff, then every failure becomes a typed exception."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from fmu_gateway_sdk._errors import APIConnectionError, error_from_response

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# A 409 is retried only while the same Idempotency-Key is still being processed; the other conflicts
# (a simulation that has ended, a result not yet there...) are answers, and stay so on a retry.
RETRYABLE_CONFLICTS = frozenset({"idempotency-key-in-progress"})
MAX_RETRY_AFTER_S = 60.0
INITIAL_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
_sleep = time.sleep  # tests replace it


def request(http: httpx.Client, kwargs: Mapping[str, Any], *, max_retries: int,
            sleep: Callable[[float], None] | None = None) -> httpx.Response:
    """Send `kwargs` (as for `httpx.Client.request`) and return a 1xx-3xx response.

    Retries on connection errors, timeouts, 408/429/5xx and the 409 of an Idempotency-Key still in
    progress, up to `max_retries` times, waiting as the gateway's Retry-After says or with exponential
    backoff and jitter. The request is rebuilt from the same `kwargs` each time, so headers such as
    Idempotency-Key are the same on every attempt (a retried simulation is charged once). Raises an
    `FmuGatewayError` subclass for any error answer.
    """
    sleep = sleep or _sleep
    attempt = 0
    while True:
        try:
            response = http.request(**kwargs)
        except httpx.TransportError as exc:
            if attempt >= max_retries:
                raise APIConnectionError(
                    f"cannot reach the gateway at {http.base_url}: {exc or type(exc).__name__}") from exc
            sleep(_backoff(attempt, None))
            attempt += 1
            continue
        if _retryable(response) and attempt < max_retries:
            wait = _backoff(attempt, response.headers.get("retry-after"))
            response.close()
            sleep(wait)
            attempt += 1
            continue
        if response.status_code >= 400:
            raise error_from_response(response.status_code, response.headers, response.content)
        return response


def _retryable(response: httpx.Response) -> bool:
    if response.status_code not in RETRY_STATUSES:
        return False
    if response.status_code != 409:
        return True
    try:
        problem = response.json()
    except ValueError:
        return False
    slug = str(problem.get("type") or "").rsplit("/", 1)[-1] if isinstance(problem, dict) else ""
    return slug in RETRYABLE_CONFLICTS


def _backoff(attempt: int, retry_after: str | None) -> float:
    if retry_after:
        seconds = _parse_retry_after(retry_after)
        if seconds is not None:
            return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
    base = min(INITIAL_BACKOFF_S * 2**attempt, MAX_BACKOFF_S)
    jitter: float = 0.75 + random.random() * 0.25
    return float(base * jitter)


def _parse_retry_after(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()
