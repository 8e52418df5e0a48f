"""The Redis cache backend keeps one client per pool and still behaves as Django's."""
import os

import pytest

from wotum.cache import RedisCache

REDIS = os.environ.get("WOTUM_TEST_REDIS", "redis://127.0.0.1:6379/13")


@pytest.fixture
def cache():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CACHE_URL", "").startswith("redis"):
            raise
        pytest.skip(f"no Redis at {REDIS}")
    backend = RedisCache(REDIS, {"KEY_PREFIX": "wotum-test-cache"})
    backend.clear()
    yield backend
    backend.clear()


def test_counters_work_as_the_rate_limiter_uses_them(cache):
    assert cache.add("hits", 1, 60) is True
    assert cache.add("hits", 1, 60) is False
    assert cache.incr("hits") == 2
    assert cache.get("hits") == 2


def test_one_client_serves_every_call(cache):
    client = cache._cache
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b", write=True)
