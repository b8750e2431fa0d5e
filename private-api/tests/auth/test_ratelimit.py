"""Rate limits: a sliding minute, shared through Redis across replicas, per process otherwise."""

from __future__ import annotations

import uuid

import pytest

from fmu_gateway_api.auth.ratelimit import MemoryRateLimiter, RedisRateLimiter

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("needs Redis: none answers at 127.0.0.1:6379")


def test_two_replicas_share_one_budget_through_redis() -> None:
    _redis_or_skip()
    bucket = f"test:{uuid.uuid4().hex}"
    a, b = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)
    decisions = [(a if i % 2 else b).hit(bucket, 10) for i in range(12)]
    assert [d.allowed for d in decisions] == [True] * 10 + [False] * 2
    assert decisions[9].remaining == 0 and 0 < decisions[-1].reset_s <= 60
    assert decisions[0].headers()["RateLimit-Policy"] == '"minute";q=10;w=60'


def test_in_process_limits_are_per_bucket() -> None:
    limiter = MemoryRateLimiter()
    assert all(limiter.hit("k1", 3).allowed for _ in range(3))
    assert not limiter.hit("k1", 3).allowed
    assert limiter.hit("k2", 3).allowed


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_the_turn_of_a_minute_allows_no_second_burst(backend: str) -> None:
    if backend == "redis":
        _redis_or_skip()
    limiter = MemoryRateLimiter() if backend == "memory" else RedisRateLimiter(REDIS_URL)
    bucket, t0 = f"test:{uuid.uuid4().hex}", 600_000 * 60.0  # a minute's start
    # 8 requests at the end of one minute and 8 at the start of the next: a fixed window would take all 16.
    late = [limiter.hit(bucket, 10, now=t0 - 0.5) for _ in range(8)]
    early = [limiter.hit(bucket, 10, now=t0 + 0.5) for _ in range(8)]
    assert [d.allowed for d in late + early] == [True] * 10 + [False] * 6
    assert early[-1].remaining == 0 and early[-1].reset_s == 60
    # Refused requests count too; the budget comes back as they slide out of the window.
    assert not limiter.hit(bucket, 10, now=t0 + 45).allowed  # 9 this minute + 8 * 15/60 of the last one
    assert limiter.hit(bucket, 10, now=t0 + 90).allowed  # 1 this minute + 9 * 30/60 of the last one
