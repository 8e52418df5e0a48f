"""Django's Redis cache, with one client object per connection pool, that fails soft.

Django's ``RedisCacheClient.get_client`` wraps the pooled connections in a new
``redis.Redis`` on every cache call, and building one copies redis-py's table of response
callbacks: about a quarter of a millisecond, twice per rate-limited request (the link
request's limiter adds and increments a counter). A ``redis.Redis`` is safe to share
between threads and checks its pool's process id after a fork, so one per pool will do.

The cache holds only rate-limit counters and copies: with Redis down, a request must still
be answered (X-4). Each call then logs a warning and answers as an empty cache that lets
every rate limit pass: ``add`` succeeds, ``incr`` finds nothing, ``get`` gives the default.
``/healthz`` reports the outage through ``ping``.
"""
import functools
import logging

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class _SharedClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


def _fail_soft(answer):
    """Run the cache call; if Redis fails, log it and return ``answer(*args, **kwargs)``."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("Cache unavailable (%s: %s); rate limits are not enforced "
                               "until it is back", type(error).__name__, error)
                return answer(*args, **kwargs)

        return call

    return wrap


def _missing(*args, **kwargs):
    raise ValueError("cache unavailable")  # what incr says of a missing key


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1,
                                        **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _SharedClients

    def ping(self) -> None:
        """Raise if Redis does not answer (for the health check)."""
        self._cache.get_client(write=True).ping()

    @_fail_soft(lambda key, default=None, *a, **kw: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fail_soft(lambda *a, **kw: True)
    def add(self, key, value, timeout=None, version=None):
        return super().add(key, value, timeout, version)

    @_fail_soft(lambda *a, **kw: None)
    def set(self, key, value, timeout=None, version=None):
        return super().set(key, value, timeout, version)

    @_fail_soft(lambda *a, **kw: False)
    def touch(self, key, timeout=None, version=None):
        return super().touch(key, timeout, version)

    @_fail_soft(lambda *a, **kw: False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_soft(lambda *a, **kw: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_soft(lambda *a, **kw: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_soft(_missing)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fail_soft(lambda keys, *a, **kw: list(keys))
    def set_many(self, data, timeout=None, version=None):
        return super().set_many(data, timeout, version)

    @_fail_soft(lambda *a, **kw: None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)
