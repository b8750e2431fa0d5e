"""Request-rate limits per key and tier: a sliding one-minute window, shared through Redis when
REDIS_URL is set (several replicas), else in this process.

The window is the usual two-counter approximation: this minute's count plus last minute's weighted by
how much of it the window still covers. Unlike fixed windows it allows no double burst around the turn of
a minute, and it needs two counters per key, not a log of requests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

WINDOW_S = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_s: int

    def headers(self) -> dict[str, str]:
        """The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers)."""
        return {
            "RateLimit-Policy": f'"minute";q={self.limit};w={WINDOW_S}',
            "RateLimit": f'"minute";r={self.remaining};t={self.reset_s}',
        }


class RateLimiter(Protocol):
    def hit(self, bucket: str, limit: int, now: float | None = None) -> Decision: ...


def _decide(current: int, previous: int, limit: int, now: float) -> Decision:
    into = now % WINDOW_S
    count = current + previous * (WINDOW_S - into) / WINDOW_S
    reset = max(1, WINDOW_S - int(into))
    return Decision(allowed=count <= limit, limit=limit, remaining=max(0, int(limit - count)), reset_s=reset)


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._window = 0
        self._lock = threading.Lock()

    def hit(self, bucket: str, limit: int, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        window = int(now // WINDOW_S)
        with self._lock:
            if window != self._window:  # a new window: only the last one still counts
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window - 1}
                self._window = window
            current = self._counts.get((bucket, window), 0) + 1
            self._counts[(bucket, window)] = current
            previous = self._counts.get((bucket, window - 1), 0)
        return _decide(current, previous, limit, now)


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def hit(self, bucket: str, limit: int, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        window = int(now // WINDOW_S)
        key = f"fmu-gateway:rl:{bucket}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 2 * WINDOW_S + 5)
        pipe.get(f"fmu-gateway:rl:{bucket}:{window - 1}")
        current, _, previous = pipe.execute()
        return _decide(int(current), int(previous or 0), limit, now)


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
