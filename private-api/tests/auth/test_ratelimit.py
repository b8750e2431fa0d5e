"""Rate limits: shared through Redis across replicas, per process otherwise."""

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
