"""The portal's Redis cache: Django's own, with two changes.

It keeps one Redis client per connection pool instead of building one for
every cache call. A ``redis.Redis`` client copies its table of some 170
response callbacks when it is built, about 0.15 ms in redis-py 8: a sixth of
the cost of a page served from the page cache, which reads the cache twice. A
client is safe to share between threads (each command borrows a connection
from the pool) and, like the pool, reconnects in a forked process.

It fails open. The cache only ever holds what can be computed again (pages,
users, sessions written through to the database, rate-limit counters), so when
Redis does not answer a read misses, a write is dropped and ``add`` says yes
(whoever asks for a lock gets it: the page cache renders, the rate limiter
lets the request through). After a failure the process leaves Redis alone for
``RETRY_SECONDS``, so pages do not wait for a timeout on every cache call, and
the client does not retry (``no_retry``).
"""

import logging
import time
from functools import wraps

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


def no_retry() -> Retry:
    """For the portal's Redis clients: redis-py 8 retries a refused connection
    three times with a backoff, about five seconds on every command, and the
    portal would rather fail open at once."""
    return Retry(NoBackoff(), 0)


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


class RedisBreaker:
    """Whether to leave Redis alone: for ``RETRY_SECONDS`` after it failed."""

    def __init__(self):
        self._down_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._down_until

    def trip(self) -> None:
        self._down_until = time.monotonic() + RETRY_SECONDS


def _failing_open(method, fallback):
    """``method`` of the cache, answering ``fallback(*args, **kwargs)`` while Redis is down."""

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        if self._breaker.is_open:
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError:
            logger.warning("Redis did not answer: the cache is off for %s s.", RETRY_SECONDS, exc_info=True)
            self._breaker.trip()
            return fallback(*args, **kwargs)

    return wrapper


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._options = {"retry": no_retry(), **self._options}
        self._breaker = RedisBreaker()

    get = _failing_open(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _failing_open(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _failing_open(RedisCache.has_key, lambda *args, **kwargs: False)
    add = _failing_open(RedisCache.add, lambda *args, **kwargs: True)
    set = _failing_open(RedisCache.set, lambda *args, **kwargs: None)
    set_many = _failing_open(RedisCache.set_many, lambda *args, **kwargs: [])
    touch = _failing_open(RedisCache.touch, lambda *args, **kwargs: False)
    incr = _failing_open(RedisCache.incr, lambda key, delta=1, version=None: delta)
    delete = _failing_open(RedisCache.delete, lambda *args, **kwargs: False)
    delete_many = _failing_open(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _failing_open(RedisCache.clear, lambda *args, **kwargs: None)
