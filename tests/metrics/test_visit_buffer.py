"""Counted page views waiting in Redis for the roll-up (VISITS_BUFFER): what a
counted page costs, that every view reaches the totals exactly once, and that
counting falls back to the database when Redis does not answer."""

import logging
import os
import socket
import time
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.cache import RedisBreaker
from portal.metrics import visits
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind, PageView
from portal.metrics.tasks import roll_up_visits

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
ROME = ZoneInfo("Europe/Rome")


def _database_of_this_worker() -> str:
    """A Redis database of its own for each test process, so parallel runs do not share the buffer."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return urlunsplit(urlsplit(django_settings.REDIS_URL)._replace(path=f"/{10 + int(worker)}"))


@pytest.fixture(autouse=True)
def buffer(settings, monkeypatch):
    settings.VISITS_BUFFER = True
    monkeypatch.setattr(visits, "_breaker", RedisBreaker())  # no failure remembered from another test
    settings.BEHIND_TRUSTED_PROXY = False
    settings.REDIS_URL = _database_of_this_worker()
    visits._redis.cache_clear()
    visits.forget_cached_salt()
    client = visits._redis()
    client.flushdb()
    yield client
    client.flushdb()
    visits._redis.cache_clear()
    visits.forget_cached_salt()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browse(client, url: str = "/"):
    return client.get(url, HTTP_USER_AGENT=BROWSER)


def _totals() -> tuple[dict, dict]:
    traffic = {row.day: (row.views, row.visitors) for row in DailyTraffic.objects.all()}
    pages = {(row.day, row.kind): (row.views, row.visitors) for row in DailyPageViews.objects.all()}
    return traffic, pages


def test_a_counted_page_writes_nothing_to_the_database(anonymous_client, buffer):
    browse(anonymous_client)  # the first view of the day reads (and makes) the salt

    with CaptureQueriesContext(connection) as queries:
        response = browse(anonymous_client, "/forum/faq/")

    assert response.status_code == 200
    assert not [query["sql"] for query in queries if "metrics_pageview" in query["sql"]]
    assert buffer.llen(visits.BUFFER_KEY) == 2
    assert PageView.objects.count() == 0


def test_the_roll_up_moves_buffered_views_into_the_totals_once(anonymous_client, buffer):
    today = timezone.localdate()
    for url in ("/", "/", "/forum/faq/"):
        browse(anonymous_client, url)

    roll_up_visits.delay()

    assert _totals() == ({today: (3, 1)}, {(today, PageKind.HOME): (2, 1), (today, PageKind.FAQ): (1, 1)})
    assert not buffer.exists(visits.BUFFER_KEY) and not buffer.exists(visits.DRAINING_KEY)
    view = PageView.objects.filter(kind=PageKind.HOME).first()
    assert len(view.visitor) == 32 and view.created_at is not None

    browse(anonymous_client, "/forum/faq/")
    roll_up_visits.delay()
    roll_up_visits.delay()

    assert _totals()[0] == {today: (4, 1)}


def test_a_failed_drain_keeps_its_views_for_the_next_one(anonymous_client, buffer, monkeypatch):
    today = timezone.localdate()
    browse(anonymous_client)
    browse(anonymous_client)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(PageView.objects, "bulk_create", fail)
        with pytest.raises(DatabaseError):
            visits.drain_visit_buffer()

    assert buffer.llen(visits.DRAINING_KEY) == 2 and PageView.objects.count() == 0
    browse(anonymous_client, "/forum/faq/")  # counted while the failed list waits

    assert visits.drain_visit_buffer() == 3
    roll_up_visits.delay()

    assert _totals() == ({today: (3, 1)}, {(today, PageKind.HOME): (2, 1), (today, PageKind.FAQ): (1, 1)})


def test_one_drain_at_a_time(anonymous_client, buffer):
    browse(anonymous_client)
    other = buffer.lock(visits.DRAIN_LOCK_KEY, timeout=60)
    assert other.acquire(blocking=False)

    assert visits.drain_visit_buffer() == 0
    assert buffer.llen(visits.BUFFER_KEY) == 1

    other.release()
    assert visits.drain_visit_buffer() == 1


def test_redis_down_the_page_answers_and_its_view_goes_to_the_database(anonymous_client, settings, caplog):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    visits._redis.cache_clear()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="portal.metrics.visits"):
        response = browse(anonymous_client)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 2
    assert PageView.objects.filter(kind=PageKind.HOME).count() == 1
    assert "Redis did not take a page view: written to the database." in caplog.messages


def test_redis_down_the_roll_up_still_totals_but_keeps_the_raw_rows(settings, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(2026, 11, 21, 15, 0, tzinfo=ROME))
    yesterday = date(2026, 11, 20)
    PageView.objects.bulk_create(PageView(day=yesterday, kind=PageKind.HOME, visitor=name) for name in "ab")
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    visits._redis.cache_clear()

    roll_up_visits.delay()

    assert _totals()[0] == {yesterday: (2, 2)}
    # Views of yesterday may still wait in Redis: its raw rows stay until a drain succeeds.
    assert PageView.objects.filter(day=yesterday).count() == 2
