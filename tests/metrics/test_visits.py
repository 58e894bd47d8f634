"""Counting visits: what is counted and as what, the visitor of a day, the
roll-up into daily totals, and what counting costs a request."""

import logging
import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from guidelines.models import Rendition
from portal.metrics import visits
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind, PageView, VisitorSalt
from portal.metrics.tasks import roll_up_visits
from tests.factories import QuestionFactory
from tests.factories.guidelines import published_version

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
OTHER_BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15"
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def _fresh_salt(settings):
    settings.BEHIND_TRUSTED_PROXY = False
    visits.forget_cached_salt()
    yield
    visits.forget_cached_salt()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def at(monkeypatch, moment: datetime) -> None:
    """Set the clock (the only thing mocked: the edge the code reads the day from)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def browse(client, url: str, *, user_agent: str = BROWSER, **extra):
    return client.get(url, HTTP_USER_AGENT=user_agent, **extra)


def kinds() -> list[str]:
    return list(PageView.objects.order_by("id").values_list("kind", flat=True))


# What is counted.


def test_page_view_counted_with_day_kind_and_hash_only(anonymous_client):
    response = browse(anonymous_client, "/")

    assert response.status_code == 200
    view = PageView.objects.get()
    assert (view.day, view.kind) == (timezone.localdate(), PageKind.HOME)
    assert re.fullmatch(r"[0-9a-f]{32}", view.visitor)
    # Nothing of the request is stored: no address, no user agent.
    stored = " ".join(str(value) for value in PageView.objects.values().get().values())
    assert "127.0.0.1" not in stored
    assert "Mozilla" not in stored


def test_signed_in_page_view_counted_like_anyone_else(member_client, anonymous_client):
    browse(member_client, reverse("forum:list"))
    browse(anonymous_client, reverse("forum:list"))

    assert kinds() == [PageKind.QUESTION_LIST, PageKind.QUESTION_LIST]
    # The user is not part of the visitor: same address and browser, same visitor.
    assert PageView.objects.values("visitor").distinct().count() == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
        "UptimeRobot/2.0",
    ],
)
def test_bots_and_empty_user_agents_not_counted(anonymous_client, user_agent):
    assert browse(anonymous_client, "/", user_agent=user_agent).status_code == 200
    assert PageView.objects.count() == 0


def test_static_files_not_counted(anonymous_client):
    response = browse(anonymous_client, "/static/css/portal.css")

    assert response.status_code == 200
    assert PageView.objects.count() == 0


def test_admin_not_counted(admin_client):
    response = browse(admin_client, "/admin/")

    assert response.status_code == 200
    assert PageView.objects.count() == 0


def test_health_check_not_counted(anonymous_client):
    response = browse(anonymous_client, "/healthz")

    assert response.status_code == 200
    assert PageView.objects.count() == 0


def test_not_found_not_counted(anonymous_client):
    response = browse(anonymous_client, reverse("forum:question", args=[999_999]))

    assert response.status_code == 404
    assert PageView.objects.count() == 0


def test_redirects_not_counted(expert, client_for):
    # A privileged user without MFA is sent to set it up: a 302, not a view of the page.
    expert.authenticator_set.all().delete()
    response = browse(client_for(expert), reverse("forum:expert_dashboard"))

    assert response.status_code == 302
    assert PageView.objects.count() == 0


def test_post_and_head_not_counted(anonymous_client):
    # A form posted back with its errors is a 200 page, but not a view of it.
    assert anonymous_client.post(reverse("account_login"), {}, HTTP_USER_AGENT=BROWSER).status_code == 200
    assert anonymous_client.head("/", HTTP_USER_AGENT=BROWSER).status_code == 200

    assert PageView.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_SEC_FETCH_DEST": "empty"},
    ],
)
def test_prefetches_and_scripts_requests_not_counted(anonymous_client, headers):
    assert browse(anonymous_client, "/", **headers).status_code == 200
    assert PageView.objects.count() == 0


def test_navigation_with_fetch_metadata_counted(anonymous_client):
    browse(anonymous_client, "/", HTTP_SEC_FETCH_DEST="document", HTTP_SEC_FETCH_MODE="navigate")

    assert kinds() == [PageKind.HOME]


def test_json_polling_not_counted_but_status_page_is(anonymous_client):
    rendition = Rendition.objects.create(version=published_version(), language="it", revision=1)
    url = reverse("guidelines:pdf", args=[rendition.pk])

    assert browse(anonymous_client, f"{url}?format=json").status_code == 200
    assert PageView.objects.count() == 0
    assert browse(anonymous_client, url).status_code == 200
    assert kinds() == [PageKind.OTHER]


def test_feeds_and_fragments_not_counted(anonymous_client):
    assert browse(anonymous_client, reverse("forum:feed")).status_code == 200
    assert browse(anonymous_client, reverse("forum:similar"), data={"title": "marcatura CE"}).status_code == 200

    assert PageView.objects.count() == 0


def test_metrics_api_not_counted():
    request = SimpleNamespace(
        method="GET",
        META={"HTTP_USER_AGENT": BROWSER},
        GET={},
        path_info="/metrics/api/v1/figures",
        resolver_match=SimpleNamespace(namespace="metrics", url_name="api"),
    )
    assert not visits.should_count(request, SimpleNamespace(status_code=200))
    request.resolver_match = SimpleNamespace(namespace="metrics", url_name="dashboard")
    assert visits.should_count(request, SimpleNamespace(status_code=200))


# What each page showed.

KIND_OF_URL = [
    ("home", [], PageKind.HOME),
    ("forum:list", [], PageKind.QUESTION_LIST),
    ("forum:question", [1], PageKind.QUESTION),
    ("forum:faq", [], PageKind.FAQ),
    ("experts:board", [], PageKind.BOARD),
    ("experts:profile", [1], PageKind.BOARD),
    ("experts:clinics", [], PageKind.DIRECTORY),
    ("experts:clinic", [1], PageKind.DIRECTORY),
    ("experts:introductions", [], PageKind.DIRECTORY),
    ("guidelines:current", [], PageKind.GUIDELINE),
    ("guidelines:version", ["1.0"], PageKind.GUIDELINE),
    ("guidelines:versions", [], PageKind.GUIDELINE),
    ("guidelines:compare", [], PageKind.GUIDELINE),
    ("guidelines:pdf_download", [1], PageKind.GUIDELINE_PDF),
    ("dashboard", [], PageKind.ACCOUNT),
    ("accounts:profile", [], PageKind.ACCOUNT),
    ("accounts:notifications", [], PageKind.ACCOUNT),
    ("account_login", [], PageKind.ACCOUNT),
    ("account_email", [], PageKind.ACCOUNT),
    ("mfa_index", [], PageKind.ACCOUNT),
    ("forum:triage", [], PageKind.BOARD_WORK),
    ("forum:expert_dashboard", [], PageKind.BOARD_WORK),
    ("forum:moderation", [], PageKind.BOARD_WORK),
    ("guidelines:draft", [], PageKind.BOARD_WORK),
    ("experts:clinic_edit", [1], PageKind.BOARD_WORK),
    ("metrics:tokens", [], PageKind.BOARD_WORK),
    ("privacy", [], PageKind.OTHER),
    ("accessibility", [], PageKind.OTHER),
    ("guidelines:pdf", [1], PageKind.OTHER),
]


@pytest.mark.parametrize(("name", "args", "kind"), KIND_OF_URL)
def test_page_kind_of_each_page(name, args, kind):
    assert visits.page_kind(resolve(reverse(name, args=args))) == kind


@pytest.mark.parametrize(
    ("namespace", "name", "kind"),
    [
        ("surveys", "respond", PageKind.SURVEY),
        ("surveys", "list", PageKind.BOARD_WORK),
        ("metrics", "dashboard", PageKind.BOARD_WORK),
        ("metrics", "reports", PageKind.BOARD_WORK),
    ],
)
def test_page_kind_of_surveys_and_metrics(namespace, name, kind):
    # Their URLs are being written alongside: the names of the interface.
    assert visits.page_kind(SimpleNamespace(namespace=namespace, url_name=name)) == kind


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                ":".join(part for part in (namespace, pattern.namespace) if part) if pattern.namespace else namespace
            )
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_page_kinds_table_names_existing_pages():
    existing = _url_names(get_resolver())
    listed = set(visits.PAGE_KINDS) | visits.NOT_PAGES
    # The surveys' and metrics' pages are named by the interface and written alongside.
    missing = {name for name in listed - existing if not name.startswith(("surveys:", "metrics:"))}
    assert missing == set()


def test_question_and_pdf_download_counted_as_their_kinds(anonymous_client, media_root):
    question = QuestionFactory()
    rendition = Rendition.objects.create(
        version=published_version(), language="it", revision=1, status=Rendition.Status.READY
    )
    rendition.file.save("linee-guida-1.0-it.pdf", ContentFile(b"%PDF-1.4\n"))

    assert browse(anonymous_client, question.get_absolute_url()).status_code == 200
    assert browse(anonymous_client, reverse("guidelines:pdf_download", args=[rendition.pk])).status_code == 200

    assert kinds() == [PageKind.QUESTION, PageKind.GUIDELINE_PDF]


# The visitor of a day.


def test_same_visitor_same_day_is_one_visitor(anonymous_client, client):
    browse(anonymous_client, "/")
    browse(client, reverse("forum:list"))
    browse(anonymous_client, "/", user_agent=OTHER_BROWSER)
    browse(anonymous_client, "/", REMOTE_ADDR="192.0.2.7")

    first, second, other_browser, other_address = PageView.objects.order_by("id").values_list("visitor", flat=True)
    assert first == second
    assert len({first, other_browser, other_address}) == 3


def test_next_day_same_visitor_has_another_hash(anonymous_client, monkeypatch):
    at(monkeypatch, datetime(2026, 11, 20, 23, 59, tzinfo=ROME))
    browse(anonymous_client, "/")
    at(monkeypatch, datetime(2026, 11, 21, 0, 1, tzinfo=ROME))
    browse(anonymous_client, "/")

    yesterday, today = PageView.objects.order_by("id")
    assert (yesterday.day, today.day) == (date(2026, 11, 20), date(2026, 11, 21))
    assert yesterday.visitor != today.visitor
    salts = dict(VisitorSalt.objects.values_list("day", "salt"))
    assert set(salts) == {date(2026, 11, 20), date(2026, 11, 21)}
    assert salts[date(2026, 11, 20)] != salts[date(2026, 11, 21)]


def test_salt_random_and_shared_by_processes():
    salt = visits.salt_for(date(2026, 11, 21))
    visits.forget_cached_salt()  # another process

    assert len(salt) == 64
    assert visits.salt_for(date(2026, 11, 21)) == salt
    assert VisitorSalt.objects.get().salt == salt
    VisitorSalt.objects.all().delete()
    visits.forget_cached_salt()
    assert visits.salt_for(date(2026, 11, 21)) != salt


def test_forwarded_address_only_behind_trusted_proxy(anonymous_client, settings):
    for forwarded in ("198.51.100.1", "198.51.100.2"):
        browse(anonymous_client, "/", HTTP_X_FORWARDED_FOR=forwarded)
    settings.BEHIND_TRUSTED_PROXY = True
    # The proxy appends the real address last; what the client sent before it is ignored.
    browse(anonymous_client, "/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")
    browse(anonymous_client, "/", HTTP_X_FORWARDED_FOR="198.51.100.2")
    browse(anonymous_client, "/", HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.2")

    untrusted_1, untrusted_2, proxied_1, proxied_2, proxied_2_again = PageView.objects.order_by("id").values_list(
        "visitor", flat=True
    )
    assert untrusted_1 == untrusted_2
    assert proxied_1 != proxied_2
    assert proxied_2 == proxied_2_again


# Failures and cost.


def test_database_failure_while_counting_still_gives_the_page(anonymous_client, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(PageView, "save", fail)
    with caplog.at_level(logging.WARNING, logger="portal.metrics.middleware"):
        response = browse(anonymous_client, "/")

    assert response.status_code == 200
    assert b"<h1" in response.content
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert warnings == ["A page view could not be counted."]


def _metrics_queries(client, url: str, user_agent: str = BROWSER) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        assert browse(client, url, user_agent=user_agent).status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    return len(statements), [sql for sql in statements if "metrics_" in sql]


def test_counting_adds_one_insert_and_the_salt_once_a_day(anonymous_client):
    url = reverse("forum:faq")
    not_counted, none = _metrics_queries(anonymous_client, url, user_agent="Googlebot/2.1")
    first, first_metrics = _metrics_queries(anonymous_client, url)
    second, second_metrics = _metrics_queries(anonymous_client, url)

    assert none == []
    # First view of the day in this process: the salt (read, or made), then the row.
    page_view_statements = [sql for sql in first_metrics if "metrics_pageview" in sql]
    assert len(page_view_statements) == 1
    assert page_view_statements[0].startswith("INSERT")
    assert first - not_counted <= 5
    # Later views: one INSERT, nothing else.
    assert len(second_metrics) == 1
    assert second_metrics[0].startswith("INSERT INTO")
    assert "metrics_pageview" in second_metrics[0]
    assert second - not_counted == 1


# The roll-up into daily totals.


def _views(day: date, kind: PageKind, *visitors: str) -> None:
    PageView.objects.bulk_create(PageView(day=day, kind=kind, visitor=visitor) for visitor in visitors)


def _totals() -> tuple[dict, dict]:
    traffic = {row.day: (row.views, row.visitors) for row in DailyTraffic.objects.all()}
    pages = {(row.day, row.kind): (row.views, row.visitors) for row in DailyPageViews.objects.all()}
    return traffic, pages


def test_roll_up_counts_views_and_distinct_visitors(monkeypatch):
    at(monkeypatch, datetime(2026, 11, 21, 15, 0, tzinfo=ROME))
    yesterday, today = date(2026, 11, 20), date(2026, 11, 21)
    # Yesterday: a reads two questions and the home page, b one question.
    _views(yesterday, PageKind.QUESTION, "a", "a", "b")
    _views(yesterday, PageKind.HOME, "a")
    # Today so far: a and c on the home page, c once on the FAQ.
    _views(today, PageKind.HOME, "a", "c")
    _views(today, PageKind.FAQ, "c")
    VisitorSalt.objects.create(day=yesterday, salt="x" * 64)
    VisitorSalt.objects.create(day=today, salt="y" * 64)
    expected_traffic = {yesterday: (4, 2), today: (3, 2)}
    expected_pages = {
        (yesterday, PageKind.QUESTION): (3, 2),
        (yesterday, PageKind.HOME): (1, 1),
        (today, PageKind.HOME): (2, 2),
        (today, PageKind.FAQ): (1, 1),
    }

    roll_up_visits.delay()
    assert _totals() == (expected_traffic, expected_pages)
    # Yesterday is over: its raw rows and its salt are gone; today's stay.
    assert set(PageView.objects.values_list("day", flat=True)) == {today}
    assert list(VisitorSalt.objects.values_list("day", flat=True)) == [today]

    roll_up_visits.delay()
    assert _totals() == (expected_traffic, expected_pages)


def test_roll_up_recounts_late_rows_of_the_same_day(monkeypatch):
    at(monkeypatch, datetime(2026, 11, 21, 15, 0, tzinfo=ROME))
    today = date(2026, 11, 21)
    _views(today, PageKind.HOME, "a", "b")
    visits.roll_up_visits()
    assert _totals() == ({today: (2, 2)}, {(today, PageKind.HOME): (2, 2)})

    _views(today, PageKind.HOME, "a")
    _views(today, PageKind.GUIDELINE, "d")
    visits.roll_up_visits()

    assert _totals() == (
        {today: (4, 3)},
        {(today, PageKind.HOME): (3, 2), (today, PageKind.GUIDELINE): (1, 1)},
    )
    assert PageView.objects.count() == 4


def test_roll_up_keeps_yesterdays_rows_for_late_writes_just_after_midnight(monkeypatch):
    yesterday = date(2026, 11, 20)
    _views(yesterday, PageKind.HOME, "a", "b")
    at(monkeypatch, datetime(2026, 11, 21, 0, 5, tzinfo=ROME))
    visits.roll_up_visits()
    assert PageView.objects.count() == 2

    _views(yesterday, PageKind.HOME, "c")  # a request begun at 23:59:59
    at(monkeypatch, datetime(2026, 11, 21, 0, 15, tzinfo=ROME))
    visits.roll_up_visits()

    assert _totals() == ({yesterday: (3, 3)}, {(yesterday, PageKind.HOME): (3, 3)})
    assert PageView.objects.count() == 0


def test_roll_up_old_days_deleted_and_totals_kept(monkeypatch):
    at(monkeypatch, datetime(2026, 11, 21, 15, 0, tzinfo=ROME))
    old = date(2026, 10, 1)
    DailyTraffic.objects.create(day=date(2026, 9, 30), views=10, visitors=4)
    _views(old, PageKind.BOARD, "a")
    VisitorSalt.objects.create(day=old, salt="z" * 64)

    visits.roll_up_visits()

    traffic, _ = _totals()
    assert traffic == {date(2026, 9, 30): (10, 4), old: (1, 1)}
    assert PageView.objects.count() == 0
    assert VisitorSalt.objects.count() == 0


@pytest.mark.parametrize("rows_per_day", [1, 40])
def test_roll_up_runs_a_constant_number_of_queries_per_day(monkeypatch, django_assert_num_queries, rows_per_day):
    at(monkeypatch, datetime(2026, 11, 21, 15, 0, tzinfo=ROME))
    for offset in range(3):
        day = date(2026, 11, 21) - timedelta(days=offset)
        _views(day, PageKind.QUESTION, *[f"v{n % 7}" for n in range(rows_per_day)])
        _views(day, PageKind.HOME, "a")

    # The days, then per day (savepoint, per kind, total, two upserts, release; and the
    # delete for days over); then the salts.
    with django_assert_num_queries(1 + 3 * 6 + 2 + 1):
        visits.roll_up_visits()
