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
from datetime import timedelta
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
from experts.models import AgeGroup, CareSetting, Clinic, ClinicalPopulation, ClinicType  # noqa: E402

CLINICS = 5_000
POPULATIONS = 20_000
PAGE_SIZE = 20

PREFIXES = [
    ("ASST", ClinicType.PUBLIC_HOSPITAL),
    ("Ospedale", ClinicType.PUBLIC_HOSPITAL),
    ("Presidio Ospedaliero", ClinicType.PUBLIC_HOSPITAL),
    ("Policlinico", ClinicType.UNIVERSITY_HOSPITAL),
    ("Azienda Ospedaliero-Universitaria", ClinicType.UNIVERSITY_HOSPITAL),
    ("Fondazione IRCCS", ClinicType.IRCCS),
    ("IRCCS Istituto Clinico", ClinicType.IRCCS),
    ("Casa di Cura", ClinicType.PRIVATE_HOSPITAL),
    ("Istituto Clinico", ClinicType.PRIVATE_HOSPITAL),
    ("Clinica", ClinicType.PRIVATE_HOSPITAL),
    ("Centro Cardiologico", ClinicType.IRCCS),
    ("Centro di Ricerca Clinica", ClinicType.RESEARCH_CENTRE),
    ("Centro Ortopedico", ClinicType.PRIVATE_HOSPITAL),
]
PATRONS = [
    "San Raffaele",
    "San Gerardo",
    "Niguarda",
    "Luigi Sacco",
    "Papa Giovanni XXIII",
    "Humanitas",
    "San Matteo",
    "Maggiore",
    "Santa Maria delle Stelle",
    "Sant'Anna",
    "Carlo Poma",
    "Valduce",
    "Sacra Famiglia",
    "San Giuseppe",
    "Fatebenefratelli",
    "Villa dei Cedri",
    "Beato Matteo",
    "San Carlo Borromeo",
    "Santi Paolo e Carlo",
    "Bolognini",
    "Manzoni",
    "Sant'Ambrogio",
    "San Pio X",
    "Galeazzi",
    "Monzino",
    "Mondino",
    "Maugeri",
    "Besta",
    "Don Gnocchi",
    "Vittore Buzzi",
]
CITIES = {
    "BG": ["Bergamo", "Seriate", "Treviglio", "Alzano Lombardo", "Ponte San Pietro", "Zingonia"],
    "BS": ["Brescia", "Chiari", "Desenzano del Garda", "Gardone Val Trompia", "Manerbio", "Iseo"],
    "CO": ["Como", "Cantù", "Erba", "Menaggio", "Gravedona"],
    "CR": ["Cremona", "Crema", "Casalmaggiore", "Soresina"],
    "LC": ["Lecco", "Merate", "Bellano", "Calolziocorte"],
    "LO": ["Lodi", "Codogno", "Casalpusterlengo", "Sant'Angelo Lodigiano"],
    "MN": ["Mantova", "Asola", "Pieve di Coriano", "Suzzara", "Castiglione delle Stiviere"],
    "MI": ["Milano", "Rho", "Legnano", "Magenta", "Cinisello Balsamo", "Sesto San Giovanni", "Rozzano", "Melegnano"],
    "MB": ["Monza", "Desio", "Vimercate", "Carate Brianza", "Seregno"],
    "PV": ["Pavia", "Vigevano", "Voghera", "Mortara", "Broni"],
    "SO": ["Sondrio", "Sondalo", "Chiavenna", "Morbegno"],
    "VA": ["Varese", "Busto Arsizio", "Gallarate", "Saronno", "Tradate", "Luino"],
}
COMMITTEES = [f"Comitato Etico Territoriale Lombardia {n}" for n in range(1, 7)]
CONDITIONS = [
    ("Diabete mellito di tipo 2", "E11.9"),
    ("Diabete mellito di tipo 1", "E10.9"),
    ("Ulcera del piede diabetico", "E11.5"),
    ("Obesità grave", "E66.9"),
    ("Fibrosi cistica", "E84.9"),
    ("Scompenso cardiaco cronico", "I50.9"),
    ("Fibrillazione atriale", "I48.9"),
    ("Cardiopatia ischemica cronica", "I25.9"),
    ("Ipertensione arteriosa essenziale", "I10"),
    ("Stenosi della valvola aortica", "I35.0"),
    ("Arteriopatia obliterante periferica", "I73.9"),
    ("Ictus ischemico", "I63.9"),
    ("Broncopneumopatia cronica ostruttiva", "J44.9"),
    ("Asma bronchiale", "J45.9"),
    ("Apnea ostruttiva del sonno", "G47.3"),
    ("Malattia di Parkinson", "G20"),
    ("Sclerosi multipla", "G35"),
    ("Epilessia farmacoresistente", "G40.9"),
    ("Demenza di Alzheimer", "G30.9"),
    ("Paralisi cerebrale infantile", "G80.9"),
    ("Lesione del midollo spinale", "S24.1"),
    ("Artrosi del ginocchio", "M17.9"),
    ("Artrosi dell'anca", "M16.9"),
    ("Frattura del collo del femore", "S72.0"),
    ("Scoliosi idiopatica dell'adolescente", "M41.1"),
    ("Lombalgia cronica", "M54.5"),
    ("Amputazione di arto inferiore", "Z89.6"),
    ("Insufficienza renale cronica", "N18.9"),
    ("Incontinenza urinaria", "N39.4"),
    ("Ipertrofia prostatica benigna", "N40"),
    ("Melanoma cutaneo", "C43.9"),
    ("Tumore maligno della mammella", "C50.9"),
    ("Tumore maligno del polmone", "C34.9"),
    ("Tumore maligno del colon-retto", "C18.9"),
    ("Tumore maligno della prostata", "C61"),
    ("Glaucoma", "H40.9"),
    ("Cataratta senile", "H25.9"),
    ("Degenerazione maculare legata all'età", "H35.3"),
    ("Ipoacusia neurosensoriale", "H90.5"),
    ("Depressione maggiore", "F32.9"),
    ("Nascita pretermine", "P07.3"),
    ("Cardiopatia congenita", "Q24.9"),
    ("Ulcere da pressione", "L89.9"),
    ("Arresto cardiaco extraospedaliero", "I46.9"),
    ("Trauma cranico grave", "S06.9"),
    ("Pre-eclampsia", "O14.9"),
    ("Diabete gestazionale", "O24.4"),
]
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
    """5,000 clinics and 20,000 populations, varied, in bulk."""
    today = timezone.localdate()
    names = set()
    clinics = []
    while len(clinics) < CLINICS:
        prefix, clinic_type = rng.choice(PREFIXES)
        province = rng.choice(list(CITIES))
        city = rng.choice(CITIES[province])
        name = f"{prefix} {rng.choice(PATRONS)} di {city}"
        if name in names:
            name = f"{name} – sede {len(clinics)}"
        names.add(name)
        expired = rng.random() < 0.1
        given = today - timedelta(days=rng.randint(30, 700))
        clinics.append(
            Clinic(
                name=name,
                clinic_type=clinic_type,
                city=city,
                province=province,
                ethics_committee=rng.choice(COMMITTEES),
                experience_first_in_human=rng.random() < 0.15,
                experience_pilot=rng.random() < 0.5,
                experience_pivotal=rng.random() < 0.3,
                experience_post_market=rng.random() < 0.6,
                listing_consent_on=given,
                listing_consent_expires_on=today - timedelta(days=1) if expired else given + timedelta(days=1_095),
            )
        )
    clinics = Clinic.objects.bulk_create(clinics, batch_size=1_000)
    populations = []
    for n in range(POPULATIONS):
        condition, code = rng.choice(CONDITIONS)
        age_group = rng.choice(AgeGroup.values)
        populations.append(
            ClinicalPopulation(
                clinic=clinics[n % CLINICS],
                condition=condition,
                icd10_code=code,
                age_group=age_group,
                care_setting=rng.choice(CareSetting.values),
                patients_per_year=rng.randint(20, 3_000),
                includes_minors=age_group == AgeGroup.PAEDIATRIC,
                includes_incapacitated=code.startswith(("G30", "S06")),
                includes_pregnancy=code.startswith("O"),
                emergency_setting=code.startswith(("I46", "S06", "I63")),
            )
        )
    ClinicalPopulation.objects.bulk_create(populations, batch_size=2_000)


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
