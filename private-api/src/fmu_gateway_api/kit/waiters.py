"""Requests waiting for something to end (a simulation, an ingest), woken without polling: by the bus
(another process finished it) or in process (the dispatcher hands the finished run over directly).

An async request waits on a future of its own event loop, holding no thread; a thread can wait too."""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import Any

from fmu_gateway_api.kit.bus import RESYNC, Bus

Key = tuple[str, str]  # ("simulation", id) or ("ingest", sha256)


class Waiter:
    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.event = threading.Event()
        self.value: Any = None  # what was handed over in process (None: look it up)
        if loop is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
        self._loop = loop
        self._future: asyncio.Future[None] | None = None
        if loop is not None:  # created on the loop's thread or not: the future is made there
            self._future = asyncio.Future(loop=loop)

    def resolve(self, value: Any = None) -> None:
        if self.event.is_set():
            return
        self.value = value
        self.event.set()
        if self._loop is not None and self._future is not None:
            future = self._future

            def settle() -> None:
                if not future.done():
                    future.set_result(None)

            self._loop.call_soon_threadsafe(settle)

    async def wait_async(self, timeout: float) -> bool:
        """True when woken, False when `timeout` passed first."""
        if self.event.is_set():
            return True
        assert self._future is not None, "created outside an event loop: use wait()"
        try:
            await asyncio.wait_for(asyncio.shield(self._future), timeout)
        except TimeoutError:
            return self.event.is_set()
        return True

    def wait(self, timeout: float) -> bool:
        return self.event.wait(timeout)


class Waiters:
    def __init__(self, bus: Bus) -> None:
        self._waiting: dict[Key, list[Waiter]] = defaultdict(list)
        self._lock = threading.Lock()
        bus.subscribe("done", lambda payload: self._signal("simulation", payload))
        bus.subscribe("ingested", lambda payload: self._signal("ingest", payload))

    def expect(self, key: Key, loop: asyncio.AbstractEventLoop | None = None) -> Waiter:
        """Register before the thing can end (before committing the job, before reading its status); an
        async waiter registered from another thread names its event loop."""
        waiter = Waiter(loop)
        with self._lock:
            self._waiting[key].append(waiter)
        return waiter

    def forget(self, key: Key, waiter: Waiter) -> None:
        with self._lock:
            waiters = self._waiting.get(key)
            if waiters and waiter in waiters:
                waiters.remove(waiter)
                if not waiters:
                    del self._waiting[key]

    def resolve(self, key: Key, value: Any = None) -> None:
        with self._lock:
            waiters = self._waiting.pop(key, [])
        for waiter in waiters:
            waiter.resolve(value)

    def _signal(self, kind: str, payload: str) -> None:
        if payload == RESYNC:  # signals may have been lost: everyone looks again
            with self._lock:
                keys = [k for k in self._waiting if k[0] == kind]
            for key in keys:
                self.resolve(key)
            return
        self.resolve((kind, payload))
