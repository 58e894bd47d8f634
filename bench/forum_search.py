"""Benchmark of the forum's question search at a million questions.

Runs against the database named by DATABASE_URL as built by bench/dataset.py
(it fills nothing itself):

    .venv/bin/python bench/dataset.py --database-url postgres://ctcc:ctcc@127.0.0.1:5432/ctcc_bench_search \\
        --questions 1000000 --scale 0.1
    DATABASE_URL=postgres://ctcc:ctcc@127.0.0.1:5432/ctcc_bench_search \\
        .venv/bin/python bench/forum_search.py [--runs 20] [--rare WORD] [--common WORD] [--phrase '"a b c"']

It picks its words from the data: a rare word (1 to 20 matching questions,
from the words of a sample of titles), a common word (in 20-40% of the
questions, from a small sample) and a selective quoted phrase (about 0.1% of
the questions, from bench/dataset_text.py's fixed phrases). Each search runs
as the question list (forum/views/questions.py:question_list) runs it: the
visible questions, QuestionFilter, the paginator of 20 with its count, the page
with its headline snippets and the topics prefetch; for an anonymous visitor
(confidential questions excluded) and a staff user (sees all). Times are the
database work of one page, median and 95th percentile of ``--runs`` runs after
two warm-up runs. Then it requests each search once through Django's test
client to count the view's queries, and prints EXPLAIN (ANALYZE, BUFFERS) of
the slowest query of the slowest search.

Budgets (issue 8): rare word newest first and selective phrase at most 50 ms,
common word ranked at most 200 ms.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_work_dir = Path(tempfile.mkdtemp(prefix="ctcc-bench-search-"))
(_work_dir / "static").mkdir()  # WhiteNoise wants STATIC_ROOT to exist
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "VAR_DIR": str(_work_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "DEBUG": os.environ.get("DEBUG", "1"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "ALLOWED_HOSTS": "testserver",  # the test client's host, for the view's query count
    }
)

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from forum.filters import QuestionFilter, SearchPaginator  # noqa: E402
from forum.models import Question  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from portal.accounts.roles import Role  # noqa: E402

PAGE_SIZE = 20  # as forum/views/questions.py
BENCH_STAFF_EMAIL = "bench-staff@bench.example.org"
FALLBACK_PHRASES = [
    "telemetria neonatale senza fili",
    "neonatal wireless telemetry",
    "comitato etico territoriale",
    "registro regionale degli impianti protesici",
]


def list_page(user, params: dict, *, filter_class=QuestionFilter, paginator_class=None):
    """The database work of the question list for ``params``, as the view does it."""
    questions = Question.objects.visible_to(user).select_related("author", "organisation")
    filterset = filter_class(params, queryset=questions, user=user)
    results = filterset.qs if filterset.is_valid() else questions.none()
    if paginator_class is None:
        paginator_class = SearchPaginator if filterset.searching else Paginator
    page = paginator_class(results.prefetch_related("topics"), PAGE_SIZE).get_page(params.get("page"))
    rows = list(page.object_list)  # the page with its snippets, then the topics prefetch
    return page.paginator.count, getattr(page.paginator, "capped", False), rows


def search_count(text: str) -> int:
    """Every question matching ``text`` (uncapped, all visibilities): to pick the words."""
    filterset = QuestionFilter({"q": text}, queryset=Question.objects.all(), user=AnonymousUser())
    filterset.is_valid()
    return filterset.search(Question.objects.all(), "q", text).count()


def sample_fraction(text: str, percent: float = 1.0) -> float:
    """The share of a sample of questions matching ``text`` (the filter's query, on the sample's rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE search_vector @@ (websearch_to_tsquery('italian', %s)"
            " || websearch_to_tsquery('english', %s))), count(*)"
            " FROM forum_question TABLESAMPLE SYSTEM (%s) REPEATABLE (7)",
            [text, text, percent],
        )
        hits, total = cursor.fetchone()
    return hits / total if total else 0.0


def words_of_sample(column_sql: str, percent: float, *, max_docs: int | None = None, min_docs: int = 1):
    """(word, documents) of a sample of questions, with the 'simple' configuration (no stemming)."""
    # ts_stat takes the text of a query: built here from this script's own constants.
    inner = f"SELECT to_tsvector('simple', {column_sql}) FROM forum_question TABLESAMPLE SYSTEM ({float(percent)}) REPEATABLE (7)"  # noqa: E501, S608
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat(%s) WHERE length(word) >= 6 AND word ~ '^[[:alpha:]][[:alnum:]]+$'"
            " AND ndoc >= %s AND ndoc <= %s ORDER BY ndoc DESC, word",
            [inner, min_docs, max_docs or 2**31 - 1],
        )
        return cursor.fetchall()


def pick_common_word() -> str:
    candidates = words_of_sample("title || ' ' || body", 0.5)[:60]
    best, best_distance = "", 1.0
    for word, _ in candidates:
        fraction = sample_fraction(word)
        if 0.2 <= fraction <= 0.4 and abs(fraction - 0.3) < best_distance:
            best, best_distance = word, abs(fraction - 0.3)
    if not best:
        sys.exit("No word matches 20-40% of the questions; pass --common.")
    return best


def pick_rare_word() -> str:
    for word, _ in words_of_sample("title", 10, max_docs=2)[-400:]:
        if 1 <= search_count(word) <= 20:
            return word
    sys.exit("No word with 1 to 20 matching questions; pass --rare.")


def pick_phrase() -> str:
    try:
        from bench.dataset_text import RARE_PHRASES as phrases
    except ImportError:
        phrases = FALLBACK_PHRASES
    total = Question.objects.count()
    scored = [(abs(search_count(f'"{phrase}"') / total - 0.001), phrase) for phrase in phrases]
    return f'"{min(scored)[1]}"'


def staff_user():
    """The data set's staff account, or an unsaved staff user (capabilities come from the role)."""
    return User.objects.filter(email=BENCH_STAFF_EMAIL).first() or User(
        email="bench-search@example.org", role=Role.STAFF, is_active=True
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_case(user, params: dict, runs: int, **kwargs) -> dict:
    for _ in range(2):  # warm the cache
        list_page(user, params, **kwargs)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        count, capped, rows = list_page(user, params, **kwargs)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        list_page(user, params, **kwargs)
    return {
        "hits": f"{'>' if capped else ''}{count:,}",
        "rows": len(rows),
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": [query["sql"] for query in captured.captured_queries],
    }


def view_queries(user, params: dict) -> str:
    """Queries of the real view (the whole request), as a check of the mirror above."""
    client = Client()
    if user.is_authenticated:
        if not user.pk:
            return "-"
        client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("forum:list"), params)
    return f"{len(captured)}" if response.status_code == 200 else f"HTTP {response.status_code}"


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def slowest_query(queries: list[str]) -> tuple[float, str]:
    timed = []
    for sql in queries:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
        timed.append(((time.perf_counter() - started) * 1000, sql))
    return max(timed)


def main(argv=None, **kwargs) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rare", help="a word with 1 to 20 matching questions (default: picked from the data)")
    parser.add_argument("--common", help="a word in 20-40%% of the questions (default: picked from the data)")
    parser.add_argument("--phrase", help="a quoted phrase in about 0.1%% of the questions, e.g. '\"a b c\"'")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database built by bench/dataset.py.")

    total = Question.objects.count()
    confidential = Question.objects.filter(visibility=Question.Visibility.CONFIDENTIAL).count()
    print(f"{total:,} questions ({confidential:,} confidential) in {connection.settings_dict['NAME']}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget, (SELECT coalesce(last_analyze, last_autoanalyze) FROM pg_stat_user_tables"
            " WHERE relname = 'forum_question') FROM pg_attribute"
            " WHERE attrelid = 'forum_question'::regclass AND attname = 'search_vector'"
        )
        target, analyzed = cursor.fetchone()
    print(f"search_vector statistics target {target} (forum migration 0006 sets 1000), analysed {analyzed}")
    if analyzed is None:
        print("Warning: forum_question was never analysed; plans will be guesses. Run ANALYZE forum_question.")
    started = time.perf_counter()
    rare = args.rare or pick_rare_word()
    common = args.common or pick_common_word()
    phrase = args.phrase or pick_phrase()
    print(f"Words picked in {time.perf_counter() - started:.1f} s: rare {rare!r}, common {common!r}, phrase {phrase}")

    cases = [
        ("rare word, newest", {"q": rare, "sort": "newest"}, 50),
        ("phrase, best match", {"q": phrase}, 50),
        ("common word, best match", {"q": common}, 200),
        ("common word, newest", {"q": common, "sort": "newest"}, None),
        ("no search (list)", {}, None),
    ]
    personas = [("anonymous", AnonymousUser()), ("staff", staff_user())]
    print(f"\n{'search':<24} {'persona':<10} {'hits':>9} {'median ms':>10} {'p95 ms':>8} {'budget':>7} {'queries':>8}")
    results = []
    for label, params, budget in cases:
        for persona, user in personas:
            result = time_case(user, params, args.runs, **kwargs)
            queries = view_queries(user, params) if not kwargs else "-"
            verdict = "" if budget is None else ("ok" if result["p95"] <= budget else "OVER")
            print(
                f"{label:<24} {persona:<10} {result['hits']:>9} {result['median']:>10.1f} {result['p95']:>8.1f} "
                f"{(budget or '-'):>7} {queries:>8} {verdict}"
            )
            results.append((result["median"], label, persona, result))
    if not args.no_explain:
        median, label, persona, result = max(item for item in results if item[1] != "no search (list)")
        spent, sql = slowest_query(result["queries"])
        print(f"\nSlowest search: {label}, {persona} ({median:.1f} ms); its slowest query ({spent:.1f} ms):\n{sql}\n")
        print(explain(sql))
    return {(label, persona): result for _, label, persona, result in results}


if __name__ == "__main__":
    main()
