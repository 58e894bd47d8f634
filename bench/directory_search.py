"""Benchmark of the directory's fuzzy search on PostgreSQL.

Migrates the database named by DATABASE_URL, fills it once with 5,000 clinics
and 20,000 clinical populations (kept for later runs), then times searches
through the directory's FilterSet exactly as the list view runs them (count,
page of 20, matching populations) and shows the plan of one of them.

    DATABASE_URL=postgres://ctcc:ctcc@127.0.0.1:5432/ctcc_bench DEBUG=1 \\
        .venv/bin/python bench/directory_search.py [--searches 50] [--rebuild]

Target: median under 50 ms. Figures and how to read them: docs/performance.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from experts.directory.filters import ClinicFilter  # noqa: E402
from experts.directory.selectors import clinic_directory  # noqa: E402
from experts.models import Clinic, ClinicalPopulation  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from dataset import clinic_rows, population_rows  # noqa: E402  (one place for the generated network)

CLINICS = 5_000
POPULATIONS = 20_000
PAGE_SIZE = 20

# Typing errors and partial names, as people type them.
SEARCHES = [
    {"q": "cardiolgia"},
    {"q": "diabete tipo 2"},
    {"q": "Niguarda"},
    {"q": "scompenso cardiaco"},
    {"q": "fibrilazione atriale"},
    {"q": "San Rafaele"},
    {"q": "tumore mammella"},
    {"q": "parkinson"},
    {"q": "diabete tipo 2", "age_group": "adult", "care_setting": "outpatient"},
    {"q": "artrosi ginocchio", "province": "BG"},
]
PLAN_OF = {"q": "cardiolgia"}


def build(rng: random.Random) -> None:
    """5,000 clinics and 20,000 populations, varied, in bulk (``bench/dataset.py`` makes them)."""
    clinics = Clinic.objects.bulk_create(
        (Clinic(**row) for row in clinic_rows(rng, CLINICS, timezone.localdate())), batch_size=1_000
    )
    ClinicalPopulation.objects.bulk_create(
        (
            ClinicalPopulation(clinic=clinics[row.pop("clinic")], **row)
            for row in population_rows(rng, POPULATIONS, CLINICS)
        ),
        batch_size=2_000,
    )


def ensure_data(*, rebuild: bool) -> None:
    if not rebuild and Clinic.objects.count() == CLINICS and ClinicalPopulation.objects.count() == POPULATIONS:
        print(f"Data: {CLINICS:,} clinics and {POPULATIONS:,} populations already there.")
        return
    started = time.perf_counter()
    with transaction.atomic():
        # Only the benchmark's own database: never point this at real data.
        Clinic.objects.all().delete()
        build(random.Random(20_250))  # noqa: S311 (reproducible test data)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE experts_clinic; ANALYZE experts_clinicalpopulation")
    print(
        f"Data: {CLINICS:,} clinics and {POPULATIONS:,} populations created in {time.perf_counter() - started:.1f} s."
    )


def search(data: dict) -> tuple[int, list[Clinic]]:
    """One directory search, as the list view runs it (anonymous visitor)."""
    user = AnonymousUser()
    filterset = ClinicFilter(data, queryset=clinic_directory(user), user=user)
    if not filterset.is_valid():
        raise SystemExit(f"Invalid search {data}: {filterset.errors.as_text()}")
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(1)
    rows = list(page)
    for clinic in rows:
        len(clinic.matching_populations)
    return page.paginator.count, rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=50, help="how many searches to time (default 50)")
    parser.add_argument("--rebuild", action="store_true", help="create the data again")
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("The benchmark measures PostgreSQL's trigram search: set DATABASE_URL to a PostgreSQL database.")
    call_command("migrate", verbosity=0)
    ensure_data(rebuild=args.rebuild)

    for data in SEARCHES:  # warm the caches once
        search(data)
    timings = []
    found = {}
    for n in range(args.searches):
        data = SEARCHES[n % len(SEARCHES)]
        started = time.perf_counter()
        count, rows = search(data)
        timings.append((time.perf_counter() - started) * 1_000)
        found[str(data)] = (count, rows[0].name if rows else "–")

    print(f"\n{'search':<75} {'clinics':>8}  first result")
    for data, (count, first) in found.items():
        print(f"{data:<75} {count:>8}  {first}")
    print(
        f"\n{args.searches} searches: median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms (target: median under 50 ms)"
    )

    user = AnonymousUser()
    page_query = ClinicFilter(PLAN_OF, queryset=clinic_directory(user), user=user).qs[:PAGE_SIZE]
    plan = page_query.explain(analyze=True)
    print(f"\nEXPLAIN ANALYZE of the page query for {PLAN_OF}:\n{plan}")
    for index in ("experts_clinic_name_trgm", "experts_population_condition_trgm"):
        print(f"{index}: {'used' if index in plan else 'NOT USED'}")


if __name__ == "__main__":
    main()
