"""Request-rate limits per key and tier: a fixed one-minute window, shared through Redis when
REDIS_URL is set (several replicas), else in this process."""

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
    def hit(self, bucket: str, limit: int) -> Decision: ...


def _decide(count: int, limit: int, now: float) -> Decision:
    reset = WINDOW_S - int(now) % WINDOW_S
    return Decision(allowed=count <= limit, limit=limit, remaining=max(0, limit - count), reset_s=reset)


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._window = 0
        self._lock = threading.Lock()

    def hit(self, bucket: str, limit: int) -> Decision:
        now = time.time()
        window = int(now) // WINDOW_S
        with self._lock:
            if window != self._window:  # a new window: the counts of the old ones are over
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
                self._window = window
            count = self._counts.get((bucket, window), 0) + 1
            self._counts[(bucket, window)] = count
        return _decide(count, limit, now)


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def hit(self, bucket: str, limit: int) -> Decision:
        now = time.time()
        key = f"fmu-gateway:rl:{bucket}:{int(now) // WINDOW_S}"
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW_S + 5)
        count, _ = pipe.execute()
        return _decide(int(count), limit, now)


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
