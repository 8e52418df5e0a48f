"""Django's Redis cache, with one client object per connection pool.

Django's ``RedisCacheClient.get_client`` wraps the pooled connections in a new
``redis.Redis`` on every cache call, and building one copies redis-py's table of response
callbacks: about a quarter of a millisecond, twice per rate-limited request (the link
request's limiter adds and increments a counter). A ``redis.Redis`` is safe to share
between threads and checks its pool's process id after a fork, so one per pool will do.
"""
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(pool)
        if client is None:
            client = clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClients
