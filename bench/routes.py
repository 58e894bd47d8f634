"""Cold render cost and query count of the hot routes, in process.

For each hot route (home, question list plain and filtered, a question with
many answers, FAQ, clinic directory with filters, a guideline version and a
comparison, the expert dashboard, the metrics dashboard) and each persona who
reads it (anonymous, member, expert, staff; the expert for the expert
dashboard, the administrator for the metrics), the script sends GET requests
through Django's test client with production-like settings (DEBUG off: the
cached template loader; plain static storage, so no manifest is needed) and the
page cache off, so every request is a cache miss (the "cold" render that
follows every write). It prints the median milliseconds of ``--runs`` requests
after one warm-up, and the number of SQL queries of one request.

    .venv/bin/python bench/routes.py [--runs 15] [--only question] [--profile question]
    DATABASE_URL=postgres://ctcc:ctcc@127.0.0.1:5432/ctcc_bench .venv/bin/python bench/routes.py

Without DATABASE_URL, the script builds a throwaway SQLite demo database
(``migrate`` and ``seed_demo``) and deletes it at the end. With DATABASE_URL it
reads that database as it is (``--seed`` runs migrate and seed_demo on it
first): the demo accounts (``member@demo.example.org``...) or those of
bench/dataset.py (``bench-member@bench.example.org``...) are the personas.
Privileged personas without TOTP get one activated (the portal asks experts,
staff and administrators for MFA), the only write the script makes.

``hot_routes(database)`` is importable without side effects: bench/http.py uses
it to know which URLs to request.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The accounts that play each persona: those of bench/dataset.py first, then the demo's.
PERSONA_EMAILS = {
    "member": ("bench-member@bench.example.org", "member@demo.example.org"),
    "expert": ("bench-expert@bench.example.org", "expert@demo.example.org"),
    "staff": ("bench-staff@bench.example.org", "staff@demo.example.org"),
    "administrator": ("bench-admin@bench.example.org", "admin@demo.example.org"),
}
PUBLIC_READERS = (None, "member", "expert", "staff")

# Issue 8's budgets for a page's queries.
ANONYMOUS_QUERY_BUDGET = 10
SIGNED_IN_QUERY_BUDGET = 15


@dataclass(frozen=True)
class Route:
    """One URL to request and who requests it (an email; None: anonymous)."""

    name: str
    path: str
    persona: str | None

    @property
    def query_budget(self) -> int:
        return SIGNED_IN_QUERY_BUDGET if self.persona else ANONYMOUS_QUERY_BUDGET


def _configure(database: str | None) -> None:
    """Set Django up on ``database`` (a DATABASE_URL) unless it already is."""
    from django.conf import settings

    if settings.configured:
        return
    if database:
        os.environ["DATABASE_URL"] = database
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def _persona_emails() -> dict[str, str]:
    from portal.accounts.models import User

    present = set(
        User.objects.filter(email__in=[email for emails in PERSONA_EMAILS.values() for email in emails]).values_list(
            "email", flat=True
        )
    )
    found = {}
    for persona, emails in PERSONA_EMAILS.items():
        email = next((email for email in emails if email in present), None)
        if email is not None:
            found[persona] = email
    return found


def hot_routes(database: str | None = None) -> list[Route]:
    """The hot routes with concrete URLs picked from the data, each with the
    persona who requests it (an email, None for anonymous).

    ``database`` is a DATABASE_URL, used only when Django is not set up yet
    (otherwise the default connection is read)."""
    _configure(database)
    from django.db.models import Count, Q
    from django.urls import reverse

    from experts.models import Clinic, Topic
    from forum.models import Question
    from guidelines.models import Version

    emails = _persona_emails()
    public = [
        emails[persona] if persona else None for persona in PUBLIC_READERS if persona is None or persona in emails
    ]

    pages: list[tuple[str, str]] = [("home", reverse("home")), ("question list", reverse("forum:list"))]
    # The topic with the most answered public questions, and the public question with most answers.
    topic = (
        Topic.objects.active()
        .annotate(answered=Count("questions", filter=Q(questions__status=Question.Status.ANSWERED)))
        .order_by("-answered", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    if topic:
        pages.append(("question list filtered", f"{reverse('forum:list')}?topic={topic}&status=answered"))
    question = (
        Question.objects.filter(visibility=Question.Visibility.PUBLIC, is_hidden=False)
        .order_by("-answer_count", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if question:
        pages.append(("question detail", reverse("forum:question", args=[question])))
    pages.append(("faq", reverse("forum:faq")))
    pages.append(("clinic directory", reverse("experts:clinics")))
    clinic = Clinic.objects.order_by("pk").values_list("province", "clinic_type").first()
    if clinic:
        province, clinic_type = clinic
        pages.append(
            (
                "clinic directory filtered",
                f"{reverse('experts:clinics')}?province={province}&clinic_type={clinic_type}&experience=pivotal",
            )
        )
    numbers = ["{}.{}".format(*pair) for pair in Version.objects.published().values_list("major", "minor")]
    if numbers:
        pages.append(("guideline version", reverse("guidelines:version", kwargs={"number": numbers[0]})))
    if len(numbers) >= 2:
        pages.append(("guideline comparison", f"{reverse('guidelines:compare')}?from={numbers[-1]}&to={numbers[0]}"))

    routes = [Route(name, path, persona) for name, path in pages for persona in public]
    if "expert" in emails:
        routes.append(Route("expert dashboard", reverse("forum:expert_dashboard"), emails["expert"]))
    if "administrator" in emails:
        routes.append(Route("metrics dashboard", reverse("metrics:dashboard"), emails["administrator"]))
    return routes


# --- the benchmark itself --------------------------------------------------


def _prepare_environment(work_dir: Path) -> bool:
    """Production-like settings before django.setup(); True when the demo database is throwaway."""
    (work_dir / "static").mkdir()
    throwaway = not os.environ.get("DATABASE_URL", "").strip()
    if throwaway:
        os.environ["DATABASE_URL"] = f"sqlite:///{work_dir / 'demo.sqlite3'}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "VAR_DIR": str(work_dir),
            "STATIC_ROOT": str(work_dir / "static"),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "PAGE_CACHE_SECONDS": "0",
        }
    )
    return throwaway


def client_for(email: str | None):
    """A test client signed in as ``email`` (with MFA set up where the role needs it); anonymous for None."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from portal.accounts.models import User

    client = Client()
    if email is None:
        return client
    user = User.objects.get(email=email)
    if user.requires_mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return client


def _measure(client, path: str, runs: int) -> tuple[float, int, int]:
    """Median ms of ``runs`` requests after a warm-up, the queries of one, the status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1_000)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries, response.status_code


def _profile(client, path: str, runs: int) -> None:
    import cProfile
    import pstats

    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per route and persona (default 15)")
    parser.add_argument("--only", default="", help="only routes whose name contains this")
    parser.add_argument("--seed", action="store_true", help="run migrate and seed_demo on DATABASE_URL first")
    parser.add_argument("--profile", default="", help="cProfile the first route whose name contains this")
    parser.add_argument(
        "--show-queries", nargs="?", const="short", default="", help="print the SQL of each request (=full: whole)"
    )
    args = parser.parse_args()

    work_dir = Path(tempfile.mkdtemp(prefix="ctcc-bench-routes-"))
    try:
        throwaway = _prepare_environment(work_dir)
        _configure(None)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings.PAGE_CACHE_SECONDS = 0  # every request renders: the cost of a cache miss
        setup_test_environment(debug=False)
        settings.ALLOWED_HOSTS = ["testserver"]
        if throwaway or args.seed:
            call_command("migrate", verbosity=0)
            # A throwaway or bench database: the demo accounts' public password harms no one.
            call_command("seed_demo", allow_production=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

        from forum.models import Question

        print(
            f"Database: {connection.vendor} {connection.settings_dict['NAME']} "
            f"({Question.objects.count():,} questions); DEBUG={settings.DEBUG}; median of {args.runs} requests"
        )
        routes = [route for route in hot_routes() if args.only in route.name]
        if args.profile:
            route = next(route for route in routes if args.profile in route.name)
            print(f"Profile of {route.name} {route.path} as {route.persona or 'anonymous'}")
            _profile(client_for(route.persona), route.path, args.runs)
            return

        clients = {}
        print(f"{'route':<27} {'persona':<34} {'ms':>7} {'queries':>8}  path")
        over = []
        for route in routes:
            client = clients.get(route.persona) or clients.setdefault(route.persona, client_for(route.persona))
            ms, queries, status = _measure(client, route.path, args.runs)
            budget = route.query_budget
            flag = "" if status == 200 else f"  HTTP {status}"
            if queries > budget:
                flag += f"  over budget ({budget})"
                over.append(route)
            print(f"{route.name:<27} {route.persona or 'anonymous':<34} {ms:>7.1f} {queries:>8}  {route.path}{flag}")
            if args.show_queries:
                with CaptureQueriesContext(connection) as captured:
                    client.get(route.path)
                for query in captured.captured_queries:
                    print(
                        f"    {query['time']:>7}s", query["sql"] if args.show_queries == "full" else query["sql"][:300]
                    )
        print(
            f"\n{len(over)} route(s) over the query budget (anonymous {ANONYMOUS_QUERY_BUDGET}, signed in "
            f"{SIGNED_IN_QUERY_BUDGET})."
        )
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
