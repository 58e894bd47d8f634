"""Benchmark of the metrics dashboard with a year of counted visits.

Fills a throwaway database with a million raw page views over 300 days (a
weekday/weekend shape, a slow growth, every kind of page), folds them with the
roll-up task's body (``portal.metrics.visits.roll_up_visits``), then times the
dashboard for the last 30 days, six months and a year: the selector
(``portal.metrics.selectors.overview``) and the whole page through Django's test
client signed in as an administrator with MFA. Median of ``--runs`` runs and
the number of queries.

    DEBUG=1 .venv/bin/python bench/metrics_dashboard.py [--views 1000000] [--days 300] [--runs 5]

With DATABASE_URL naming PostgreSQL, the benchmark creates a database beside it
(``<name>_bench_metrics_<pid>``; the role needs CREATEDB), fills it with COPY
and drops it at the end. Without it, a SQLite file in a temporary folder
(bulk_create in batches), deleted at the end. Target: the dashboard answers in
well under a second with a year of visits.
"""

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_work_dir = Path(tempfile.mkdtemp(prefix="ctcc-bench-metrics-"))
(_work_dir / "static").mkdir()  # WhiteNoise wants STATIC_ROOT to exist
_server_url = os.environ.get("DATABASE_URL", "").strip()
_bench_database = ""
if _server_url.startswith(("postgres://", "postgresql://")):
    import psycopg

    parts = urlsplit(_server_url)
    _bench_database = f"{parts.path.lstrip('/') or 'postgres'}_bench_metrics_{os.getpid()}"
    with psycopg.connect(_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{_bench_database}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{_bench_database}"))
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{_work_dir / 'bench.sqlite3'}"
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "VAR_DIR": str(_work_dir),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.accounts.roles import Role  # noqa: E402
from portal.metrics import visits  # noqa: E402
from portal.metrics.models import DailyPageViews, DailyTraffic, PageView  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from dataset import day_shape, page_views  # noqa: E402  (one place for the generated visits)

TARGET_SECONDS = 1.0


def fill(days: list[date], counts: list[int], rng: random.Random) -> float:
    """Insert the raw rows; seconds taken."""
    started = time.perf_counter()
    created = timezone.now()
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY metrics_pageview (day, kind, visitor, created_at) FROM STDIN") as copy,
        ):
            for day, kind, visitor in page_views(days, counts, rng):
                copy.write_row((day, kind, visitor, created))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE metrics_pageview")
    else:
        batch = []
        for day, kind, visitor in page_views(days, counts, rng):
            batch.append(PageView(day=day, kind=kind, visitor=visitor, created_at=created))
            if len(batch) == 20_000:
                PageView.objects.bulk_create(batch)
                batch = []
        PageView.objects.bulk_create(batch)
    return time.perf_counter() - started


def timed(action, runs: int) -> tuple[float, int]:
    """Median milliseconds of ``runs`` calls after a warm-up, and the queries of one call."""
    action()
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            timings.append((time.perf_counter() - started) * 1_000)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def signed_in_administrator() -> Client:
    from tests.factories import UserFactory

    administrator = UserFactory(role=Role.ADMINISTRATOR, with_mfa=True, full_name="Sara Galli (bench)")
    client = Client()
    client.force_login(administrator)
    return client


def periods(today: date) -> list[tuple[str, object, dict]]:
    """(label, Period, the dashboard's query) for 30 days, six months, a year."""
    from portal.metrics.periods import Period

    year = Period.last_days(365, today=today)
    try:
        from portal.metrics.forms import six_months_back

        six_months = Period(start=six_months_back(today), end=today)
    except ImportError:
        six_months = Period.last_days(182, today=today)
    return [
        ("last 30 days", Period.last_days(30, today=today), {"range": "30d"}),
        ("six months", six_months, {"range": "6m"}),
        ("a year", year, {"range": "custom", "start": year.start.isoformat(), "end": year.end.isoformat()}),
    ]


def overview_runner():
    """The metrics person's selector, or, when it cannot be imported, the daily totals' aggregates."""
    try:
        from portal.metrics.selectors import overview

        return "selectors.overview(period)", overview
    except ImportError:
        from django.db.models import Sum

        def aggregates(period):
            days = {"day__gte": period.start, "day__lte": period.end}
            list(DailyTraffic.objects.filter(**days).values_list("day", "views", "visitors"))
            list(DailyPageViews.objects.filter(**days).values("kind").annotate(views=Sum("views")))

        return "DailyTraffic/DailyPageViews aggregates (selectors not importable)", aggregates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--views", type=int, default=1_000_000, help="raw page views to insert (default 1,000,000)")
    parser.add_argument("--days", type=int, default=300, help="days they span, ending yesterday (default 300)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each measure (default 5)")
    args = parser.parse_args()

    setup_test_environment(debug=False)
    settings.SECURE_SSL_REDIRECT = False
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']}, throwaway)")

    rng = random.Random(20_260_101)  # noqa: S311 (reproducible test data)
    today = timezone.localdate()
    days = [today - timedelta(days=offset) for offset in range(args.days, 0, -1)]
    counts = day_shape(days, args.views, rng)
    seconds = fill(days, counts, rng)
    print(
        f"\nInserted {args.views:,} raw page views over {args.days} days in {seconds:.1f} s "
        f"({args.views / seconds:,.0f} rows/s)"
    )

    busiest = days[max(range(len(days)), key=counts.__getitem__)]
    started = time.perf_counter()
    visits._roll_up_day(busiest)  # the per-day step of the task, alone (idempotent)
    busy_ms = (time.perf_counter() - started) * 1_000
    started = time.perf_counter()
    visits.roll_up_visits()
    rollup_s = time.perf_counter() - started
    if PageView.objects.exists() or sum(DailyTraffic.objects.values_list("views", flat=True)) != args.views:
        sys.exit("The roll-up lost views or kept raw rows of past days.")
    print(f"Roll-up of the busiest day ({busiest}, {max(counts):,} views): {busy_ms:.0f} ms")
    print(
        f"Roll-up of all {args.days} days: {rollup_s:.1f} s ({args.views / rollup_s:,.0f} rows/s), "
        f"raw rows deleted, {DailyPageViews.objects.count():,} daily rows per kind"
    )

    label, run_overview = overview_runner()
    client = signed_in_administrator()
    print(f"\nMedian of {args.runs} runs. Selector: {label}; page: GET /metrics/ as an administrator with MFA.")
    print(f"{'period':<14} {'days':>5} {'selector ms':>12} {'queries':>8} {'page ms':>9} {'queries':>8}")
    slowest = 0.0
    for name, period, query in periods(today):
        selector_ms, selector_queries = timed(lambda period=period: run_overview(period), args.runs)

        def page(query=query):
            response = client.get("/metrics/", query)
            if response.status_code != 200:
                sys.exit(f"The dashboard answered {response.status_code}.")

        page_ms, page_queries = timed(page, args.runs)
        slowest = max(slowest, page_ms)
        print(
            f"{name:<14} {period.days:>5} {selector_ms:>12.1f} {selector_queries:>8} {page_ms:>9.1f} {page_queries:>8}"
        )
    verdict = "met" if slowest < TARGET_SECONDS * 1_000 else "NOT met"
    print(f"\nSlowest page {slowest:.0f} ms: target (well under {TARGET_SECONDS:.0f} s) {verdict}.")
    print("Only visits are filled: the questions, network and surveys sections are empty here.")


def cleanup() -> None:
    connections.close_all()
    if _bench_database:
        with psycopg.connect(_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{_bench_database}"')
    shutil.rmtree(_work_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
