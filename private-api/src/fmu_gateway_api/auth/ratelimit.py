"""Rate limits: a sliding window (a minute for requests per account, an hour for new accounts), shared
through Redis when REDIS_URL is set (several replicas), else in this process.

The window is the usual two-counter approximation: this minute's count plus last minute's weighted by
how much of it the window still covers. Unlike fixed windows it allows no double burst around the turn of
a minute, and it needs two counters per key, not a log of requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

WINDOW_S = 60
POLICY_NAMES = {60: "minute", 3600: "hour"}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_s: int
    window_s: int = WINDOW_S

    def headers(self) -> dict[str, str]:
        """The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers)."""
        name = POLICY_NAMES.get(self.window_s, f"w{self.window_s}")
        return {
            "RateLimit-Policy": f'"{name}";q={self.limit};w={self.window_s}',
            "RateLimit": f'"{name}";r={self.remaining};t={self.reset_s}',
        }


class RateLimiter(Protocol):
    waits: bool  # a hit waits on the network (then never on the event loop)

    def hit(self, bucket: str, limit: int, now: float | None = None, window_s: int = WINDOW_S) -> Decision: ...


def _decide(current: int, previous: int, limit: int, now: float, window_s: int) -> Decision:
    into = now % window_s
    count = current + previous * (window_s - into) / window_s
    reset = max(1, window_s - int(into))
    return Decision(allowed=count <= limit, limit=limit, remaining=max(0, int(limit - count)), reset_s=reset,
                    window_s=window_s)


class MemoryRateLimiter:
    waits = False

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, int, int], int] = {}  # (bucket, window length, window number)
        self._minute = 0
        self._lock = threading.Lock()

    def hit(self, bucket: str, limit: int, now: float | None = None, window_s: int = WINDOW_S) -> Decision:
        now = self._clock() if now is None else now
        window = int(now // window_s)
        with self._lock:
            minute = int(now // WINDOW_S)
            if minute != self._minute:  # once a minute: forget windows that no longer count
                self._counts = {k: v for k, v in self._counts.items() if k[2] >= int(now // k[1]) - 1}
                self._minute = minute
            current = self._counts.get((bucket, window_s, window), 0) + 1
            self._counts[(bucket, window_s, window)] = current
            previous = self._counts.get((bucket, window_s, window - 1), 0)
        return _decide(current, previous, limit, now, window_s)


class RedisRateLimiter:
    waits = True

    def __init__(self, url: str) -> None:
        from fmu_gateway_api.kit.extras import require

        require("redis", "redis", "REDIS_URL")
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def hit(self, bucket: str, limit: int, now: float | None = None, window_s: int = WINDOW_S) -> Decision:
        now = time.time() if now is None else now
        window = int(now // window_s)
        prefix = f"fmu-gateway:rl:{bucket}:{window_s}"
        pipe = self._redis.pipeline()
        pipe.incr(f"{prefix}:{window}")
        pipe.expire(f"{prefix}:{window}", 2 * window_s + 5)
        pipe.get(f"{prefix}:{window - 1}")
        current, _, previous = pipe.execute()
        return _decide(int(current), int(previous or 0), limit, now, window_s)


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
