"""A local HTTP server that speaks the few Stripe endpoints FMU Gateway calls, for the real `stripe`
library to talk to: customers, Checkout Sessions and Billing Meter events. It keeps Stripe's
Idempotency-Key semantics (same key and parameters: the first response again; same key, other
parameters: an idempotency error), enforces meter-event identifier uniqueness, fails on demand, and
builds signed webhook events the way Stripe signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Failure:
    path_prefix: str
    status: int
    remaining: int | None  # None: until cleared


@dataclass
class FakeStripe:
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    meter_events: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    _idempotency: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    _identifiers: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    # -- control --------------------------------------------------------------------------------------
    def fail(self, path_prefix: str, status: int = 500, times: int | None = None) -> None:
        with self._lock:
            self.failures.append(Failure(path_prefix, status, times))

    def heal(self) -> None:
        with self._lock:
            self.failures.clear()

    def identifiers(self) -> list[str]:
        with self._lock:
            return [e["identifier"] for e in self.meter_events]

    # -- webhooks -------------------------------------------------------------------------------------
    def complete_session(self, session_id: str, payment_status: str = "paid") -> dict[str, Any]:
        with self._lock:
            session = self.sessions[session_id]
            session.update(status="complete", payment_status=payment_status)
            return dict(session)

    def event(self, event_type: str, obj: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        return {"id": event_id or f"evt_{uuid.uuid4().hex[:24]}", "object": "event", "type": event_type,
                "api_version": "2026-10-28.endive", "created": int(time.time()), "livemode": False,
                "data": {"object": obj}}

    @staticmethod
    def sign(event: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
        payload = json.dumps(event).encode()
        t = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
        return payload, f"t={t},v1={mac}"

    # -- serving --------------------------------------------------------------------------------------
    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                status, body = fake._handle("GET", self.path, {}, None)
                self._reply(status, body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                params = dict(parse_qsl(raw, keep_blank_values=True))
                status, body = fake._handle("POST", self.path, params, self.headers.get("Idempotency-Key"))
                self._reply(status, body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _handle(self, method: str, path: str, params: dict[str, str], key: str | None) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append((method, path))
            for failure in self.failures:
                if path.startswith(failure.path_prefix) and failure.remaining != 0:
                    if failure.remaining is not None:
                        failure.remaining -= 1
                    kind = "rate_limit_error" if failure.status == 429 else "api_error"
                    return failure.status, {"error": {"type": kind, "message": "injected failure"}}
            if method == "POST" and key:
                fingerprint = json.dumps([path, params], sort_keys=True)
                seen = self._idempotency.get(key)
                if seen is not None:
                    if seen[0] != fingerprint:
                        return 400, {"error": {"type": "idempotency_error", "message":
                                               "Keys for idempotent requests can only be used with the same "
                                               "parameters they were first used with."}}
                    return seen[1], seen[2]
            status, body = self._route(method, path, params)
            if method == "POST" and key and status < 500:
                self._idempotency[key] = (json.dumps([path, params], sort_keys=True), status, body)
            return status, body

    def _route(self, method: str, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        path = path.split("?")[0]
        if method == "POST" and path == "/v1/customers":
            cid = f"cus_{uuid.uuid4().hex[:14]}"
            self.customers[cid] = {"id": cid, "object": "customer", "metadata": _nested(params, "metadata")}
            return 200, self.customers[cid]
        if method == "POST" and path == "/v1/checkout/sessions":
            sid = f"cs_test_{uuid.uuid4().hex}"
            self.sessions[sid] = {
                "id": sid, "object": "checkout.session", "mode": params.get("mode"), "status": "open",
                "payment_status": "unpaid", "client_reference_id": params.get("client_reference_id"),
                "amount_total": int(params.get("line_items[0][price_data][unit_amount]", "0")),
                "currency": params.get("line_items[0][price_data][currency]"),
                "metadata": _nested(params, "metadata"), "url": f"https://checkout.stripe.test/pay/{sid}",
            }
            return 200, self.sessions[sid]
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                       "message": "No such checkout.session"}}
            return 200, session
        if method == "POST" and path == "/v1/billing/meter_events":
            identifier = params.get("identifier") or uuid.uuid4().hex
            if identifier in self._identifiers:
                return 400, {"error": {"type": "invalid_request_error", "code": "resource_already_exists",
                                       "message": f"An event with identifier {identifier} already exists."}}
            self._identifiers.add(identifier)
            event = {"object": "billing.meter_event", "event_name": params.get("event_name"),
                     "identifier": identifier, "payload": _nested(params, "payload"),
                     "timestamp": int(params.get("timestamp", time.time())), "created": int(time.time()),
                     "livemode": False}
            self.meter_events.append(event)
            return 200, event
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({path})"}}


def _nested(params: dict[str, str], name: str) -> dict[str, str]:
    prefix = f"{name}["
    return {k[len(prefix):-1]: v for k, v in params.items() if k.startswith(prefix) and k.endswith("]")}
