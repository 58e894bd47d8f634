"""The portal's Redis cache: Django's own, keeping one Redis client per
connection pool instead of building one for every cache call.

A ``redis.Redis`` client copies its table of some 170 response callbacks when
it is built, about 0.15 ms in redis-py 8: a sixth of the cost of a page served
from the page cache, which reads the cache twice. A client is safe to share
between threads (each command borrows a connection from the pool) and, like
the pool, reconnects in a forked process.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
