"""The Redis cache (portal/cache.py): pages keep answering when Redis does not,
and the process stops asking a Redis that is down for a few seconds."""

import logging
import socket
import time

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from portal import cache as portal_cache
from portal.cache import PortalRedisCache


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dead_redis_url() -> str:
    return f"redis://127.0.0.1:{_closed_port()}/0"


TIMEOUTS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


@pytest.fixture
def dead_cache():
    return PortalRedisCache(_dead_redis_url(), {"OPTIONS": TIMEOUTS})


def test_a_dead_redis_reads_as_misses_and_takes_writes_silently(dead_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert dead_cache.get("page", "default") == "default"
    assert dead_cache.get_many(["a", "b"]) == {}
    assert dead_cache.set("page", b"<html>", 60) is None
    assert dead_cache.set_many({"a": 1}) == []
    assert dead_cache.delete("page") is False
    assert dead_cache.has_key("page") is False
    assert caplog.messages == [f"Redis did not answer: the cache is off for {portal_cache.RETRY_SECONDS} s."]


def test_a_dead_redis_grants_every_lock(dead_cache):
    # The rate limiter waits until add() succeeds; the page cache renders when it does.
    assert dead_cache.add("lock", 1, 10) is True
    assert dead_cache.add("lock", 1, 10) is True


def test_after_a_failure_redis_is_left_alone_for_a_while(dead_cache, monkeypatch):
    calls = []
    original = portal_cache.ReusedClientRedisCacheClient.get

    def counting_get(self, *args, **kwargs):
        calls.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(portal_cache.ReusedClientRedisCacheClient, "get", counting_get)
    dead_cache.get("a")
    started = time.monotonic()
    for _ in range(100):
        dead_cache.get("a")
    assert len(calls) == 1
    assert time.monotonic() - started < 0.1

    later = time.monotonic() + portal_cache.RETRY_SECONDS + 1
    monkeypatch.setattr(portal_cache.time, "monotonic", lambda: later)
    dead_cache.get("a")
    assert len(calls) == 2  # tried again


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_a_live_redis_keeps_values_with_one_client_per_pool():
    live = PortalRedisCache(django_settings.REDIS_URL, {"OPTIONS": TIMEOUTS, "KEY_PREFIX": "test-portal-cache"})
    live.set("answer", {"value": 42}, 30)
    assert live.get("answer") == {"value": 42}
    assert live.add("answer", 0, 30) is False
    assert live._cache.get_client() is live._cache.get_client(write=True)
    live.delete("answer")


@pytest.mark.django_db
def test_pages_answer_while_redis_is_down(settings, member_client, anonymous_client):
    settings.CACHES = {
        "default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": _dead_redis_url(), "OPTIONS": TIMEOUTS}
    }
    settings.PAGE_CACHE_SECONDS = 60

    started = time.monotonic()
    for client, url in [
        (anonymous_client, reverse("home")),
        (anonymous_client, reverse("forum:list")),
        (anonymous_client, reverse("home")),
        (member_client, reverse("dashboard")),
        (member_client, reverse("forum:list")),
    ]:
        assert client.get(url).status_code == 200
    response = anonymous_client.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"})

    assert response.status_code == 200  # the form again, with its error: the rate limiter let it through
    assert time.monotonic() - started < 2
