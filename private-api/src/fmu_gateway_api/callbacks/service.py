"""Completion callbacks: refuse URLs that would reach inside (SSRF), queue the final status in the outbox
in the transaction that ends the run or the sweep, sign and deliver it from the outbox after commit.

The receiver verifies `FMU-Gateway-Signature: t=<unix time>,v1=<hex>`: v1 is HMAC-SHA256 with the
account's callback secret over `<t>.<raw body>` (see the README); `FMU-Gateway-Delivery` is the same on
every attempt (de-duplicate on it), `FMU-Gateway-Attempt` is `<delivery id>.<n>`, new for each attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from fmu_gateway_api.callbacks.repository import CallbackRepository
from fmu_gateway_api.callbacks.schemas import CallbackAttemptOut, CallbackDelivery
from fmu_gateway_api.context import Context
from fmu_gateway_api.errors import InvalidRequest
from fmu_gateway_api.settings import Settings
from fmu_gateway_api.tables import OutboxEvent, Simulation, utcnow

SIGNATURE_HEADER = "FMU-Gateway-Signature"


class CallbackUrlNotAllowed(InvalidRequest):
    slug, title = "callback-url-not-allowed", "Callback URL not allowed"


def check_url(url: str, settings: Settings) -> str:
    """An http(s) URL with a host; in production, one whose every address is public (no loopback, private,
    link-local, multicast or reserved address: the gateway must not be a way into its own network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CallbackUrlNotAllowed(f"callback_url must be an http or https URL with a host, not '{url[:200]}'")
    if parts.username or parts.password:
        raise CallbackUrlNotAllowed("callback_url must not carry credentials")
    if settings.environment == "production":
        for address in _addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)):
            if not address.is_global or address.is_multicast:
                raise CallbackUrlNotAllowed(f"callback_url '{parts.hostname}' resolves to {address}, a private, "
                                            "loopback or reserved address: callbacks go to public hosts only")
    return url


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        raise CallbackUrlNotAllowed(f"callback_url host '{host}' does not resolve") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def secret_of(session: Session, account_id: str) -> str:
    """The account's signing secret, made on first use."""
    repo = CallbackRepository(session)
    secret = repo.secret(account_id)
    if secret is None:
        repo.set_secret_if_none(account_id, "whsec_" + secrets.token_hex(24))
        secret = repo.secret(account_id)
    assert secret is not None
    return secret


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _enqueue(session: Session, ctx: Context, *, account_id: str, event: str, reference: str, url: str,
             data: dict[str, Any]) -> None:
    delivery = f"dlv_{uuid.uuid4().hex}"
    now = utcnow()
    body = {"id": delivery, "type": event, "created": int(now.timestamp()), "data": data}
    row = OutboxEvent(kind="callback", reference=reference, attempts=0, next_attempt_at=now, created_at=now,
                      payload={"delivery_id": delivery, "account_id": account_id, "url": url, "event": event,
                               "body": body})
    if CallbackRepository(session).add(row):
        ctx.bus.publish(session, "outbox")


def simulation_ended(session: Session, ctx: Context, sim: Simulation) -> None:
    """In the transaction that ended `sim`: its callback, and its sweep's when it was the sweep's last case."""
    simulation_callback(session, ctx, sim)
    if sim.sweep_id:
        sweep_progressed(session, ctx, sim.sweep_id)


def simulation_callback(session: Session, ctx: Context, sim: Simulation) -> None:
    """In the transaction that ended `sim`: its own callback, when it asked for one."""
    if sim.callback_url:
        data = {"id": sim.id, "object": "simulation", "status": sim.status, "fmu_id": sim.fmu_id,
                "cached": sim.cached, "kpis": sim.kpis,
                "error": {"type": sim.error.get("type"), "detail": sim.error.get("detail")} if sim.error else None,
                "finished_at": sim.finished_at.isoformat() if sim.finished_at else None,
                "url": f"/v1/simulations/{sim.id}",
                "result_url": f"/v1/simulations/{sim.id}/result" if sim.status == "succeeded" else None}
        _enqueue(session, ctx, account_id=sim.account_id, event="simulation.ended", reference=sim.id,
                 url=sim.callback_url, data=data)


def sweep_progressed(session: Session, ctx: Context, sweep_id: str) -> None:
    """A case of the sweep ended: the sweep's callback once none is left queued or running."""
    repo = CallbackRepository(session)
    if not repo.sweep_callback_url(sweep_id):
        return
    sweep = repo.lock_sweep(sweep_id)
    if sweep is None or not sweep.callback_url or repo.open_cases(sweep_id):
        return
    from fmu_gateway_api.sweeps.repository import SweepRepository

    counts, last = SweepRepository(session).counts(sweep_id)
    data = {"id": sweep.id, "object": "sweep",
            "status": "cancelled" if sweep.cancel_requested_at is not None else "completed",
            "fmu_id": sweep.fmu_id, "case_count": sweep.case_count,
            "counts": {s: counts.get(s, 0) for s in ("queued", "running", "succeeded", "failed", "cancelled")},
            "finished_at": last.isoformat() if last else None, "url": f"/v1/sweeps/{sweep.id}",
            "results_url": f"/v1/sweeps/{sweep.id}/results"}
    _enqueue(session, ctx, account_id=sweep.account_id, event="sweep.ended", reference=sweep.id,
             url=sweep.callback_url, data=data)


def deliveries(session: Session, reference: str) -> list[CallbackDelivery]:
    repo = CallbackRepository(session)
    events = repo.deliveries(reference)
    attempts: dict[int, list[CallbackAttemptOut]] = {}
    for a in repo.attempts([e.id for e in events]):
        delivery = next(e.payload["delivery_id"] for e in events if e.id == a.outbox_event_id)
        attempts.setdefault(a.outbox_event_id, []).append(CallbackAttemptOut(
            attempt=a.attempt, attempt_id=f"{delivery}.{a.attempt}", at=a.created_at, status_code=a.status_code,
            error=a.error))
    out = []
    for e in events:
        state = "delivered" if e.sent_at else "failed" if e.abandoned_at else "pending"
        out.append(CallbackDelivery(id=e.payload["delivery_id"], event=e.payload["event"], url=e.payload["url"],
                                    state=state, attempts=attempts.get(e.id, []),  # type: ignore[arg-type]
                                    next_attempt_at=e.next_attempt_at if state == "pending" else None,
                                    delivered_at=e.sent_at))
    return out


@dataclass
class Sent:
    ok: bool
    status_code: int | None
    error: str | None


def deliver(ctx: Context, payload: dict[str, Any], attempt: int, secret: str) -> Sent:
    """POST one attempt (outside any transaction); never follows a redirect."""
    url = str(payload["url"])
    try:
        check_url(url, ctx.settings)  # again: the name may resolve elsewhere now
    except CallbackUrlNotAllowed as exc:
        return Sent(False, None, exc.detail)
    body = json.dumps(payload["body"], separators=(",", ":"), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "fmu-gateway-callbacks/1",
               SIGNATURE_HEADER: signature(secret, int(time.time()), body),
               "FMU-Gateway-Delivery": payload["delivery_id"],
               "FMU-Gateway-Attempt": f"{payload['delivery_id']}.{attempt}"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=ctx.settings.callback_timeout_s) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:  # a 3xx (never followed), 4xx or 5xx answer
        status = int(exc.code)
    except (OSError, ValueError) as exc:  # unreachable, refused, timed out, TLS
        return Sent(False, None, f"{type(exc).__name__}: {exc}"[:500])
    ok = 200 <= status < 300
    return Sent(ok, status, None if ok else f"the receiver answered {status}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (not 2xx), never followed: it could point inside."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# No proxies from the environment either: a callback goes straight to the host that was checked.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def next_attempt_delay(settings: Settings, attempt: int) -> timedelta:
    seconds = min(settings.callback_max_backoff_s, settings.callback_first_backoff_s * 2.0 ** min(attempt - 1, 30))
    return timedelta(seconds=seconds)
