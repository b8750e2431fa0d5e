"""Signals between processes, so that nobody polls the database: a new job to claim, a simulation that
ended, a cancellation, an ingest that is done, an ECS task's report, a usage event to send.

A signal is published inside the transaction that makes it true, and delivered only if that commits:
on PostgreSQL by NOTIFY (one LISTEN connection per process, in a thread that blocks without querying);
on SQLite (one process) in process, after the commit. Subscribers' callbacks run on the bus's thread and
must only hand over (set an event, wake a condition).

A PostgreSQL listener that loses its connection reconnects and then delivers `RESYNC` on every channel
(signals sent meanwhile are lost): subscribers re-read what they wait for."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Literal, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

from fmu_gateway_api.kit.uow import after_commit

log = logging.getLogger(__name__)

Channel = Literal["jobs", "started", "done", "cancel", "ingested", "report", "outbox"]
CHANNELS: tuple[Channel, ...] = ("jobs", "started", "done", "cancel", "ingested", "report", "outbox")
RESYNC = "*"  # the payload that means: something may have been missed, look again
Callback = Callable[[str], None]


class Bus(Protocol):
    def publish(self, session: Session, channel: Channel, payload: str = "") -> None: ...

    def subscribe(self, channel: Channel, callback: Callback) -> None: ...

    def start(self) -> None: ...

    def close(self) -> None: ...


class _Subscribers:
    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callback]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, channel: str, callback: Callback) -> None:
        with self._lock:
            self._callbacks[channel].append(callback)

    def deliver(self, channel: str, payload: str) -> None:
        with self._lock:
            callbacks = list(self._callbacks.get(channel, ()))
        for callback in callbacks:
            try:
                callback(payload)
            except Exception:
                log.exception("a subscriber of %s failed", channel)


class LocalBus:
    """One process (SQLite): delivered in process once the transaction has committed."""

    def __init__(self) -> None:
        self._subscribers = _Subscribers()

    def publish(self, session: Session, channel: Channel, payload: str = "") -> None:
        after_commit(session, lambda: self._subscribers.deliver(channel, payload))

    def subscribe(self, channel: Channel, callback: Callback) -> None:
        self._subscribers.add(channel, callback)

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresBus:
    """NOTIFY on the request's own connection (part of its transaction); LISTEN on a connection of its own."""

    def __init__(self, url: str, application_name: str) -> None:
        self._url = url
        self._application_name = application_name
        self._subscribers = _Subscribers()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: object | None = None
        self.connected = threading.Event()

    @staticmethod
    def channel_name(channel: str) -> str:
        return f"fmu_gateway_{channel}"

    def publish(self, session: Session, channel: Channel, payload: str = "") -> None:
        session.execute(text("SELECT pg_notify(:c, :p)"), {"c": self.channel_name(channel), "p": payload})

    def subscribe(self, channel: Channel, callback: Callback) -> None:
        self._subscribers.add(channel, callback)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="bus-listen", daemon=True)
        self._thread.start()
        if not self.connected.wait(30):
            log.warning("the bus has no LISTEN connection yet; it keeps trying")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        by_name = {self.channel_name(c): c for c in CHANNELS}
        backoff = 0.5
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True,
                                     application_name=self._application_name) as conn:
                    for name in by_name:
                        conn.execute(f"LISTEN {name}")
                    self.connected.set()
                    backoff = 0.5
                    if not first:  # what was sent while we were away is lost: everyone looks again
                        for channel in CHANNELS:
                            self._subscribers.deliver(channel, RESYNC)
                    first = False
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            found = by_name.get(note.channel)
                            if found is not None:
                                self._subscribers.deliver(found, note.payload)
            except Exception as exc:  # the database went away: listen again when it is back
                self.connected.clear()
                if self._stop.is_set():
                    return
                log.warning("the bus lost its LISTEN connection (%s); reconnecting in %.1f s", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)


def make_bus(settings: object, role: str) -> Bus:
    url: str = settings.sqlalchemy_url  # type: ignore[attr-defined]
    if url.startswith("sqlite"):
        return LocalBus()
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return PostgresBus(plain, f"fmu-gateway-{role}")
