"""The page cache: what it keeps, for whom, and what makes a page stale."""

import re
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts.models import Topic
from portal import pagecache
from portal.metrics.models import DailyTraffic, PageView
from portal.pagecache import ACCOUNTS, CONTENT, TRAFFIC, scopes_written


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.mark.parametrize(
    ("sql", "scopes"),
    [
        ('SELECT "forum_question"."id" FROM "forum_question"', ()),
        ("  select 1", ()),
        ('SAVEPOINT "s1"', ()),
        ('INSERT INTO "forum_question" ("title") VALUES (%s)', (CONTENT,)),
        ('UPDATE "experts_topic" SET "name_it" = %s', (CONTENT,)),
        ('DELETE FROM "forum_answer" WHERE "id" = %s', (CONTENT,)),
        ('INSERT INTO "metrics_pageview" ("day") VALUES (%s)', ()),
        ('DELETE FROM "metrics_visitorsalt" WHERE "day" < %s', ()),
        ('UPDATE "django_session" SET "expire_date" = %s', ()),
        ('INSERT INTO "metrics_dailytraffic" ("day") VALUES (%s) ON CONFLICT DO UPDATE', (TRAFFIC,)),
        ('UPDATE "accounts_user" SET "is_active" = %s', (CONTENT, ACCOUNTS)),
        ('DELETE FROM "accounts_user_groups" WHERE "user_id" = %s', (CONTENT, ACCOUNTS)),
        ('TRUNCATE "forum_question"', (CONTENT, ACCOUNTS)),
        ("WITH moved AS (DELETE FROM forum_answer RETURNING id) SELECT 1", (CONTENT, ACCOUNTS)),
    ],
)
def test_each_statement_changes_the_scopes_its_table_belongs_to(sql, scopes):
    assert scopes_written(sql) == scopes


def _home(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    return page, [query["sql"] for query in queries]


def test_a_second_visit_is_served_from_the_cache_without_reading_the_content(page_cache, db):
    browser = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    first, _ = _home(Client(headers=browser))
    second, queries = _home(Client(headers=browser))

    without_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_token.sub("", second) == without_token.sub("", first)
    assert not any("experts_topic" in sql for sql in queries)
    assert PageView.objects.count() == 2  # both visits are still counted


def test_any_committed_write_makes_the_page_stale_even_a_bulk_update(
    page_cache, anonymous_client, django_capture_on_commit_callbacks
):
    topic = Topic.objects.active().first()
    assert topic.name_it in _home(anonymous_client)[0]

    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.filter(pk=topic.pk).update(name_it="Indagini cliniche pediatriche")

    assert "Indagini cliniche pediatriche" in _home(Client())[0]


def test_a_rolled_back_write_does_not_stop_the_next_one_from_counting(
    page_cache, anonymous_client, django_capture_on_commit_callbacks
):
    topic = Topic.objects.active().first()
    _home(anonymous_client)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            Topic.objects.filter(pk=topic.pk).update(name_it="Mai salvato")
            raise RuntimeError
        Topic.objects.filter(pk=topic.pk).update(name_it="Salvato dopo")

    page = _home(Client())[0]
    assert "Salvato dopo" in page
    assert "Mai salvato" not in page


def test_page_views_alone_keep_the_page_cached(page_cache, anonymous_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _home(anonymous_client)
    _, queries = _home(Client())

    assert all("metrics_" in sql for sql in queries)  # the visit counted, nothing read for the page


def test_each_reader_gets_a_csrf_token_for_their_own_cookie(page_cache, anonymous_client):
    _home(anonymous_client)
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get(reverse("home")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = visitor.post(reverse("switch_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})

    assert response.status_code == 302


def test_a_signed_in_page_is_never_served_to_someone_else(page_cache, member_client, other_member_client, member):
    mine = member_client.get(reverse("home")).content.decode()
    theirs = other_member_client.get(reverse("home")).content.decode()

    assert member.get_short_name() in mine
    assert member.get_short_name() not in theirs


def test_languages_are_cached_apart(page_cache, anonymous_client):
    italian = _home(anonymous_client)[0]
    english_reader = Client()
    english_reader.cookies["django_language"] = "en"

    assert '<html lang="en">' in _home(english_reader)[0]
    assert '<html lang="it">' in italian


def test_a_page_with_a_flash_message_is_neither_served_from_nor_stored_in_the_cache(page_cache, db, rf):
    _home(Client())  # cached without a message
    storage = CookieStorage(rf.get("/"))
    storage.add(constants.SUCCESS, "Domanda pubblicata")
    carrier = HttpResponse()
    storage.update(carrier)
    reader = Client()
    reader.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value

    assert "Domanda pubblicata" in _home(reader)[0]
    assert "Domanda pubblicata" not in _home(Client())[0]


def test_off_when_the_setting_is_zero(anonymous_client, django_capture_on_commit_callbacks):
    _home(anonymous_client)
    Topic.objects.filter(pk=Topic.objects.active().first().pk).update(name_it="Subito visibile")

    assert "Subito visibile" in _home(Client())[0]


@pytest.mark.django_db(transaction=True)  # every write commits, as in production
def test_the_visits_roll_up_refreshes_the_metrics_dashboard_and_nothing_else(page_cache, admin_client):
    yesterday = timezone.localdate() - timedelta(days=1)
    admin_client.get(reverse("metrics:dashboard"))
    home_before = _home(admin_client)[1]

    DailyTraffic.objects.create(day=yesterday, views=4321, visitors=1234)

    assert "4.321" in admin_client.get(reverse("metrics:dashboard")).content.decode()
    assert home_before  # the first visit read the page's rows...
    assert not any("experts_topic" in sql for sql in _home(admin_client)[1])  # ...the second did not


# One render at a time.


def _counting_view():
    """A cached view that says how many times it rendered."""
    renders = []

    @pagecache.cached_page
    def view(request):
        renders.append(request.path)
        return HttpResponse(f"<p>render {len(renders)}</p>", content_type="text/html; charset=utf-8")

    return view, renders


def _request(rf):
    request = rf.get(f"/pages/{uuid.uuid4().hex}/")
    request.user = AnonymousUser()
    return request, pagecache._page_key(request, (CONTENT,))


def test_an_expired_page_is_served_while_another_request_renders_it_again(page_cache, db, rf, monkeypatch):
    view, renders = _counting_view()
    request, key = _request(rf)
    assert view(request).content == b"<p>render 1</p>"
    later = time.time() + 61
    monkeypatch.setattr(pagecache.time, "time", lambda: later)

    cache.add(f"{key}:rendering", 1, 10)  # another reader is rendering it
    assert view(request).content == b"<p>render 1</p>"
    cache.delete(f"{key}:rendering")
    assert view(request).content == b"<p>render 2</p>"
    assert view(request).content == b"<p>render 2</p>"
    assert len(renders) == 2


def test_a_missing_page_being_rendered_is_awaited_not_rendered_twice(page_cache, db, rf):
    view, renders = _counting_view()
    request, key = _request(rf)
    cache.add(f"{key}:rendering", 1, 10)
    other = threading.Timer(0.1, lambda: cache.set(key, (time.time() + 60, b"<p>rendered by the other</p>"), 120))
    other.start()

    response = view(request)

    other.join()
    assert response.content == b"<p>rendered by the other</p>"
    assert renders == []


def test_a_page_the_other_request_did_not_keep_is_rendered_without_waiting_longer(page_cache, db, rf):
    view, renders = _counting_view()
    request, key = _request(rf)
    cache.add(f"{key}:rendering", 1, 10)
    other = threading.Timer(0.1, lambda: cache.delete(f"{key}:rendering"))
    other.start()

    started = time.monotonic()
    response = view(request)

    other.join()
    assert response.content == b"<p>render 1</p>" and len(renders) == 1
    assert time.monotonic() - started < pagecache.WAIT_SECONDS / 2


def test_a_render_that_never_finishes_is_waited_for_only_so_long(page_cache, db, rf, monkeypatch):
    monkeypatch.setattr(pagecache, "WAIT_SECONDS", 0.2)
    view, renders = _counting_view()
    request, key = _request(rf)
    cache.add(f"{key}:rendering", 1, 10)  # its renderer died

    assert view(request).content == b"<p>render 1</p>" and len(renders) == 1
    assert cache.get(f"{key}:rendering") == 1  # not ours to release


def test_a_connection_opened_again_is_watched_once(db):
    # Django sends connection_created each time a connection object connects
    # again (after CONN_MAX_AGE, after every Celery task): the watchers must not pile up.
    def watchers() -> int:
        return sum(getattr(wrapper, "watches_writes", False) for wrapper in connection.execute_wrappers)

    connection.ensure_connection()
    before = len(connection.execute_wrappers)
    for _ in range(3):
        pagecache._on_connection_created(None, connection)

    assert len(connection.execute_wrappers) == before
    assert watchers() == 1
