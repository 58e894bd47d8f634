"""A large, realistic data set for the benchmarks, in a PostgreSQL database of
its own, generated in a few minutes and the same for the same seed.

At ``--scale 1``: 100,000 forum questions (10% confidential; answered,
accepted, unanswered, closed; over four years, more of them recent; 70% in
Italian) with 300,000 answers (a few of the board) and 200,000 comments,
helpful votes, follows and the board's assignments; 300 experts, 20,000
members in 3,000 organisations, a few staff and two administrators; 5,000
clinics with 20,000 clinical populations, introductions and facilitated
investigations; three published versions of a guideline of about 100 pages;
a year of page views (one million, rolled up into the daily totals); a survey
with 2,000 responses; and the benchmark's known accounts, all with the
password ``bench-ctcc-2026``:

- bench-member@bench.example.org (a member of an organisation with confidential questions)
- bench-expert@bench.example.org (an expert with open and answered assignments)
- bench-staff@bench.example.org
- bench-admin@bench.example.org (administrator)

    .venv/bin/python bench/dataset.py --database-url postgres://ctcc:ctcc@127.0.0.1:5432/ctcc_bench \\
        [--scale 1] [--questions N] [--seed 2026] [--keep]

The database is created if missing, else dropped and created again, unless
``--keep`` finds it filled already with the same parameters (then it is only
migrated, keeping its data); a new one is migrated (or copied from a migrated
template, ``ctcc_bench_template``, while the migrations are unchanged) and
filled with COPY (denormalised counters computed while generating, so they
match what the services would have written). ``--scale`` multiplies every
count (0.01 takes seconds); ``--questions`` sets only the number of questions
(with five answers and comments each). Other scripts call ``build()``.

Rows are generated in Python in one pass and loaded with COPY, one transaction
per group of tables; the question search vector is filled by its trigger.
"""

import argparse
import atexit
import contextlib
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import dataset_text as text  # noqa: E402

PASSWORD = "bench-ctcc-2026"  # noqa: S105 (the benchmark accounts' published password)
KNOWN_MEMBER = "bench-member@bench.example.org"
KNOWN_EXPERT = "bench-expert@bench.example.org"
KNOWN_STAFF = "bench-staff@bench.example.org"
KNOWN_ADMIN = "bench-admin@bench.example.org"
PARAMETERS_TABLE = "bench_dataset_parameters"

# Counts at scale 1.
BASE = {
    "questions": 100_000,
    "organisations": 3_000,
    "members": 20_000,
    "experts": 300,
    "staff": 5,
    "administrators": 2,
    "clinics": 5_000,
    "populations": 20_000,
    "introductions": 300,
    "investigations": 120,
    "page_views": 1_000_000,
    "survey_responses": 2_000,
    "faq_entries": 60,
}
# Never fewer than these, so that a tiny scale still has one of everything
# (and enough experts to co-sign a board answer).
MINIMUM = {
    "questions": 20,
    "organisations": 2,
    "members": 4,
    "experts": 4,
    "staff": 1,
    "administrators": 2,
    "introductions": 3,
    "investigations": 2,
    "faq_entries": 3,
    "clinics": 2,
    "populations": 4,
}
ANSWERS_PER_QUESTION = 3.0
COMMENTS_PER_QUESTION = 2.0
YEARS_OF_QUESTIONS = 4
DAYS_OF_VISITS = 365
# An empty migrated database, copied (CREATE DATABASE ... TEMPLATE) while the
# migrations have not changed, so that a small build takes seconds.
TEMPLATE_DATABASE = "ctcc_bench_template"

# ----------------------------------------------------------------------------
# The clinical network (also used by bench/directory_search.py)

PREFIXES = [
    ("ASST", "asst"),
    ("Ospedale", "asst"),
    ("Presidio Ospedaliero", "asst"),
    ("Policlinico", "university_hospital"),
    ("Azienda Ospedaliero-Universitaria", "university_hospital"),
    ("Fondazione IRCCS", "irccs"),
    ("IRCCS Istituto Clinico", "irccs"),
    ("Casa di Cura", "private_accredited"),
    ("Istituto Clinico", "private_accredited"),
    ("Clinica", "private_accredited"),
    ("Centro Cardiologico", "irccs"),
    ("Centro di Ricerca Clinica", "research_centre"),
    ("Centro Ortopedico", "private_accredited"),
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
AGE_GROUPS = ["paediatric", "adult", "elderly"]
CARE_SETTINGS = ["inpatient", "outpatient", "home"]


def clinic_rows(rng: random.Random, count: int, today: date) -> list[dict]:
    """Field values of ``count`` varied clinics (10% with an expired listing consent)."""
    names = set()
    rows = []
    while len(rows) < count:
        prefix, clinic_type = rng.choice(PREFIXES)
        province = rng.choice(list(CITIES))
        city = rng.choice(CITIES[province])
        name = f"{prefix} {rng.choice(PATRONS)} di {city}"
        if name in names:
            name = f"{name} – sede {len(rows)}"
        names.add(name)
        expired = rng.random() < 0.1
        given = today - timedelta(days=rng.randint(30, 700))
        rows.append(
            {
                "name": name,
                "clinic_type": clinic_type,
                "city": city,
                "province": province,
                "ethics_committee": rng.choice(COMMITTEES),
                "experience_first_in_human": rng.random() < 0.15,
                "experience_pilot": rng.random() < 0.5,
                "experience_pivotal": rng.random() < 0.3,
                "experience_post_market": rng.random() < 0.6,
                "listing_consent_on": given,
                "listing_consent_expires_on": today - timedelta(days=1) if expired else given + timedelta(days=1_095),
            }
        )
    return rows


def population_rows(rng: random.Random, count: int, clinics: int) -> list[dict]:
    """Field values of ``count`` clinical populations; ``clinic`` is the index of their clinic."""
    rows = []
    for n in range(count):
        condition, code = rng.choice(CONDITIONS)
        age_group = rng.choice(AGE_GROUPS)
        rows.append(
            {
                "clinic": n % clinics,
                "condition": condition,
                "icd10_code": code,
                "age_group": age_group,
                "care_setting": rng.choice(CARE_SETTINGS),
                "patients_per_year": rng.randint(20, 3_000),
                "includes_minors": age_group == "paediatric",
                "includes_incapacitated": code.startswith(("G30", "S06")),
                "includes_pregnancy": code.startswith("O"),
                "emergency_setting": code.startswith(("I46", "S06", "I63")),
            }
        )
    return rows


# ----------------------------------------------------------------------------
# Page views (also used by bench/metrics_dashboard.py)

# How people use the portal: the share of views of each kind of page (PageKind values).
KIND_WEIGHTS = {
    "home": 18,
    "question_list": 14,
    "question": 22,
    "faq": 6,
    "board": 5,
    "directory": 8,
    "guideline": 9,
    "guideline_pdf": 2,
    "survey": 1,
    "account": 7,
    "board_work": 5,
    "other": 3,
}
VIEWS_PER_VISITOR = 3.5


def day_shape(days: list[date], total: int, rng: random.Random) -> list[int]:
    """Views per day: weekends a third of weekdays, August and Christmas quieter,
    a growth of half over the period, some noise; summing to ``total``."""
    weights = []
    for n, day in enumerate(days):
        weight = 1.0 if day.weekday() < 5 else 0.33
        if day.month == 8 or (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 6):
            weight *= 0.5
        weight *= 1 + 0.5 * n / len(days)
        weight *= rng.uniform(0.8, 1.2)
        weights.append(weight)
    scale = total / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    counts[-1] += total - sum(counts)
    return counts


def page_views(days: list[date], counts: list[int], rng: random.Random):
    """(day, kind, visitor) tuples: each day's visitors view a few pages each."""
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for day, count in zip(days, counts, strict=True):
        visitors = max(1, int(count / VIEWS_PER_VISITOR))
        day_tag = f"{day.toordinal():08x}"
        for kind in rng.choices(kinds, weights=weights, k=count):
            yield day, kind, f"{day_tag}{rng.randrange(visitors):024x}"


# ----------------------------------------------------------------------------
# The guidelines' content (also used by bench/guidelines_pdf.py)

CHAPTER_TITLES = [
    ("Ambito e definizioni", "Scope and definitions"),
    ("Pianificazione dell'indagine clinica", "Planning the clinical investigation"),
    ("Valutazione clinica e piano di indagine", "Clinical evaluation and investigation plan"),
    ("Comitato etico e autorità competente", "Ethics committee and competent authority"),
    ("Consenso informato e popolazioni vulnerabili", "Informed consent and vulnerable populations"),
    ("Gestione dei rischi e sicurezza", "Risk management and safety"),
    ("Conduzione, monitoraggio e audit", "Conduct, monitoring and audit"),
    ("Gestione e analisi dei dati", "Data management and analysis"),
    ("Relazione finale e trasparenza", "Final report and transparency"),
    ("Indagini post-commercializzazione", "Post-market investigations"),
]
SECTION_TITLES = [
    ("Obiettivi e responsabilità", "Objectives and responsibilities"),
    ("Requisiti del regolamento", "Requirements of the Regulation"),
    ("Documentazione richiesta", "Documentation required"),
    ("Ruolo del promotore e dello sperimentatore", "Role of the sponsor and of the investigator"),
    ("Tempi e scadenze", "Timelines and deadlines"),
    ("Errori frequenti e raccomandazioni", "Common mistakes and recommendations"),
]
SENTENCES = [
    (
        "Il promotore dimostra che il dispositivo raggiunge le prestazioni previste e che i rischi noti "
        "sono accettabili rispetto ai benefici attesi per il paziente.",
        "The sponsor shows that the device achieves its intended performance and that the known risks "
        "are acceptable when weighed against the benefits expected for the patient.",
    ),
    (
        "Il piano di indagine clinica descrive la motivazione, gli obiettivi, il disegno e l'analisi "
        "statistica proposti, con una giustificazione della dimensione del campione.",
        "The clinical investigation plan sets out the rationale, objectives, design and proposed "
        "statistical analysis, with a justification of the sample size.",
    ),
    (
        "Gli eventi avversi gravi e i difetti del dispositivo che avrebbero potuto causarli sono "
        "registrati e notificati senza ritardo a tutti gli Stati membri interessati.",
        "Serious adverse events and device deficiencies that might have led to them are recorded and "
        "reported without delay to every Member State concerned.",
    ),
    (
        "Lo sperimentatore principale ha una qualifica adeguata e l'esperienza necessaria nel campo "
        "clinico del dispositivo e nella conduzione di indagini cliniche.",
        "The principal investigator holds a suitable qualification and the necessary experience in "
        "the clinical field of the device and in conducting clinical investigations.",
    ),
    (
        "Il consenso informato è ottenuto per iscritto prima di qualsiasi procedura dell'indagine, dopo "
        "un colloquio in cui il soggetto ha potuto fare domande.",
        "Informed consent is obtained in writing before any procedure of the investigation, after an "
        "interview in which the subject could ask questions.",
    ),
    (
        "La valutazione del rischio secondo la norma ISO 14971 è aggiornata durante l'indagine, "
        "tenendo conto dei dati di sicurezza che si accumulano.",
        "The risk assessment under ISO 14971 is updated during the investigation, taking into account "
        "the safety data as they accumulate.",
    ),
    (
        "Il monitoraggio verifica che i diritti, la sicurezza e il benessere dei soggetti siano tutelati "
        "e che i dati riportati siano accurati e completi.",
        "Monitoring verifies that the rights, safety and well-being of subjects are protected and that "
        "the reported data are accurate and complete.",
    ),
    (
        "Le modifiche sostanziali del piano sono notificate prima della loro attuazione e attuate solo "
        "in assenza di obiezioni entro i termini previsti.",
        "Substantial modifications of the plan are notified before they are implemented, and "
        "implemented only if no objection is raised within the set period.",
    ),
    (
        "La relazione finale è trasmessa entro un anno dalla fine dell'indagine, accompagnata da una "
        "sintesi comprensibile per l'utilizzatore previsto.",
        "The final report is submitted within one year of the end of the investigation, together with "
        "a summary that the intended user can understand.",
    ),
    (
        "I dati personali dei soggetti sono trattati in conformità al regolamento generale sulla "
        "protezione dei dati e pseudonimizzati nella documentazione dell'indagine.",
        "The personal data of subjects are processed in accordance with the General Data Protection "
        "Regulation and pseudonymised in the documentation of the investigation.",
    ),
    (
        "L'assicurazione copre i danni che i soggetti potrebbero subire a causa della partecipazione, "
        "secondo le disposizioni nazionali applicabili in Italia.",
        "Insurance covers the damage that subjects might suffer because of their participation, "
        "according to the national provisions that apply in Italy.",
    ),
    (
        "Il dossier dello sperimentatore riassume i dati preclinici e clinici disponibili e le "
        "istruzioni per l'uso del dispositivo in indagine.",
        "The investigator's brochure summarises the preclinical and clinical data available and the "
        "instructions for use of the investigational device.",
    ),
]
LIST_ITEMS = [
    ("il piano di indagine clinica e le sue modifiche", "the clinical investigation plan and its amendments"),
    ("il dossier dello sperimentatore", "the investigator's brochure"),
    ("il modulo di consenso informato", "the informed consent form"),
    (
        "la dichiarazione di conformità ai requisiti generali",
        "the statement of conformity with the general requirements",
    ),
    ("il parere del comitato etico", "the opinion of the ethics committee"),
    ("la polizza assicurativa", "the insurance policy"),
    ("le procedure di monitoraggio", "the monitoring procedures"),
]
# (Reference.Kind value, document, revision, locator, title)
REFERENCES = [
    ("mdr", "Regulation (EU) 2017/745 (MDR)", "", "Art. 62", "General requirements"),
    ("mdr", "Regulation (EU) 2017/745 (MDR)", "", "Art. 70", "Application for clinical investigation"),
    ("mdr", "Regulation (EU) 2017/745 (MDR)", "", "Annex XV", "Clinical investigations"),
    ("iso_14155", "ISO 14155:2020", "", "clause 6.4", "Clinical investigation plan"),
    ("iso_14155", "ISO 14155:2020", "", "clause 5.8", "Informed consent"),
    ("mdcg", "MDCG 2021-6", "Rev. 1", "Q&A 4", "Questions & answers on clinical investigations"),
    ("mdcg", "MDCG 2020-10/1", "Rev. 1", "", "Safety reporting in clinical investigations"),
    ("standard", "ISO 14971:2019", "", "clause 7", "Application of risk management"),
    ("law", "D.Lgs. 137/2022", "", "Art. 16", "Indagini cliniche"),
]
GUIDELINE_TITLE = (
    "Linee guida per le indagini cliniche dei dispositivi medici",
    "Guidelines for clinical investigations of medical devices",
)


def paragraph(rng: random.Random, count: int) -> tuple[str, str]:
    chosen = [rng.choice(SENTENCES) for _ in range(count)]
    return " ".join(it for it, _ in chosen), " ".join(en for _, en in chosen)


def section_body(rng: random.Random, number: int) -> tuple[str, str]:
    """Markdown of a section: paragraphs, a list, a sub-heading, every other one a table."""
    italian, english = [], []
    for _ in range(4):
        it, en = paragraph(rng, rng.randint(4, 5))
        italian.append(it)
        english.append(en)
    items = rng.sample(LIST_ITEMS, 4)
    italian.append("Il fascicolo comprende:\n\n" + "\n".join(f"- {it}" for it, _ in items))
    english.append("The file includes:\n\n" + "\n".join(f"- {en}" for _, en in items))
    italian.append("### Indicazioni pratiche")
    english.append("### Practical advice")
    for _ in range(2):
        it, en = paragraph(rng, rng.randint(4, 6))
        italian.append(it)
        english.append(en)
    if number % 2:
        italian.append(
            "| Documento | Destinatario | Termine |\n|---|---|---|\n"
            "| Domanda di indagine | Autorità competente | Prima dell'avvio |\n"
            "| Modifica sostanziale | Comitato etico | 38 giorni |\n"
            "| Evento avverso grave | Stati membri | Senza ritardo |\n"
            "| Relazione finale | Autorità competente | Entro un anno |"
        )
        english.append(
            "| Document | Addressee | Deadline |\n|---|---|---|\n"
            "| Application | Competent authority | Before the start |\n"
            "| Substantial modification | Ethics committee | 38 days |\n"
            "| Serious adverse event | Member States | Without delay |\n"
            "| Final report | Competent authority | Within one year |"
        )
    it, en = paragraph(rng, rng.randint(3, 5))
    italian.append(it)
    english.append(en)
    return "\n\n".join(italian), "\n\n".join(english)


def guideline_sections(rng: random.Random, chapters: int, sections: int) -> list[dict]:
    """Sections of a guideline in order, each a dict of Section fields (level 1
    for a chapter, 2 for a section) with ``references``: a list of
    (kind, document, revision, locator, title)."""
    rows = []
    for chapter in range(chapters):
        title_it, title_en = CHAPTER_TITLES[chapter % len(CHAPTER_TITLES)]
        intro_it, intro_en = paragraph(rng, 4)
        rows.append(
            {
                "key": f"chapter-{chapter + 1}",
                "level": 1,
                "title_it": title_it,
                "title_en": title_en,
                "body_it": intro_it,
                "body_en": intro_en,
                "references": [],
            }
        )
        for number in range(sections):
            title_it, title_en = SECTION_TITLES[number % len(SECTION_TITLES)]
            body_it, body_en = section_body(rng, number)
            rows.append(
                {
                    "key": f"section-{chapter + 1}-{number + 1}",
                    "level": 2,
                    "title_it": title_it,
                    "title_en": title_en,
                    "body_it": body_it,
                    "body_en": body_en,
                    "references": rng.sample(REFERENCES, 2),
                }
            )
    return rows


def create_guideline_version(sections: list[dict], *, based_on=None, **published):
    """A version with ``sections`` (from ``guideline_sections``), created as the
    draft and then published with ``published`` (major, minor, published_at,
    changelog_it, changelog_en, published_by...) unless that is empty."""
    from guidelines.models import Reference, Section, Version

    draft = Version.objects.create(title_it=GUIDELINE_TITLE[0], title_en=GUIDELINE_TITLE[1], based_on=based_on)
    created = Section.objects.bulk_create(
        Section(
            version=draft,
            position=position,
            **{name: value for name, value in row.items() if name != "references"},
        )
        for position, row in enumerate(sections)
    )
    Reference.objects.bulk_create(
        Reference(
            section=section,
            position=index,
            kind=kind,
            document=document,
            revision=revision,
            locator=locator,
            title=title,
        )
        for section, row in zip(created, sections, strict=True)
        for index, (kind, document, revision, locator, title) in enumerate(row["references"])
    )
    if published:
        draft.status = Version.Status.PUBLISHED
        for name, value in published.items():
            setattr(draft, name, value)
        draft.revision += 1
        draft.save()
    return draft


# ----------------------------------------------------------------------------
# The survey (also used by bench/report_pdf.py)


def fill_survey(rng: random.Random, *, responses: int, opens_at: datetime, closes_at: datetime) -> str:
    """A closed survey with five questions (agreement, one choice, several
    choices, recommendation, free text) and ``responses`` anonymous responses;
    "" if there are no survey models."""
    try:
        from portal.surveys.models import Answer as SurveyAnswer
        from portal.surveys.models import Option, QuestionKind, Response, Survey
        from portal.surveys.models import Question as SurveyQuestion
    except ImportError:
        return ""
    survey = Survey.objects.create(
        title_it="Soddisfazione degli utenti del centro",
        title_en="Satisfaction of the centre's users",
        opens_at=opens_at,
        closes_at=closes_at,
        anonymous=True,
        published_at=opens_at,
    )
    kinds = [QuestionKind.LIKERT, QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.NPS, QuestionKind.TEXT]
    questions = [
        SurveyQuestion.objects.create(
            survey=survey,
            position=n,
            kind=kind,
            text_it=f"Domanda {n + 1} del questionario",
            text_en=f"Question {n + 1}",
        )
        for n, kind in enumerate(kinds)
    ]
    options = {
        question.pk: [
            Option.objects.create(question=question, position=n, text_it=f"Opzione {n + 1}", text_en=f"Option {n + 1}")
            for n in range(5)
        ]
        for question in questions
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
    }
    step = (closes_at - opens_at) / max(responses, 1)
    created = Response.objects.bulk_create(
        (
            Response(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                survey=survey,
                anonymous=True,
                submitted_at=opens_at + step * n,
            )
            for n in range(responses)
        ),
        batch_size=2_000,
    )
    answers = []
    for response in created:
        for question in questions:
            fields = {"id": uuid.UUID(int=rng.getrandbits(128), version=4), "response": response, "question": question}
            if question.kind == QuestionKind.LIKERT:
                answers.append(SurveyAnswer(score=rng.randint(1, 5), **fields))
            elif question.kind == QuestionKind.NPS:
                answers.append(SurveyAnswer(score=rng.randint(0, 10), **fields))
            elif question.kind == QuestionKind.SINGLE:
                answers.append(SurveyAnswer(option=rng.choice(options[question.pk]), **fields))
            elif question.kind == QuestionKind.MULTIPLE:
                for option in rng.sample(options[question.pk], 2):
                    fields["id"] = uuid.UUID(int=rng.getrandbits(128), version=4)
                    answers.append(SurveyAnswer(option=option, **fields))
            elif rng.random() < 0.1:
                answers.append(SurveyAnswer(text="Più incontri con gli esperti.", **fields))
    SurveyAnswer.objects.bulk_create(answers, batch_size=5_000)
    return f"a survey with {responses:,} responses"


# ----------------------------------------------------------------------------
# People

FIRST_NAMES = [
    "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo", "Elena", "Davide",
    "Valentina", "Andrea", "Federica", "Simone", "Martina", "Paolo", "Laura", "Stefano", "Silvia", "Giorgio",
    "Anna", "Roberto", "Elisa", "Fabio", "Marta", "Lorenzo", "Ilaria", "Riccardo", "Paola", "Tommaso",
]  # fmt: skip
LAST_NAMES = [
    "Rossi", "Bianchi", "Colombo", "Ferrari", "Romano", "Galli", "Conti", "Ricci", "Bruno", "Fontana",
    "Moretti", "Marino", "Greco", "Rizzo", "Lombardi", "Barbieri", "Mariani", "Villa", "Cattaneo", "Longhi",
    "Sala", "Brambilla", "Pozzi", "Riva", "Magni", "Vitali", "Fumagalli", "Ghezzi", "Crippa", "Mauri",
]  # fmt: skip
ORGANISATION_KINDS = [
    ("sme", 55),
    ("startup", 15),
    ("research_organisation", 10),
    ("university", 7),
    ("hospital", 5),
    ("large_company", 5),
    ("other", 3),
]
ORGANISATION_WORDS = [
    "Medtech", "Biomedica", "Ortho", "Cardio", "Neuro", "Vision", "Diagnostica", "Robotica", "Sensori",
    "Protesi", "Digital Health", "Bioingegneria", "Telemedicina", "Imaging", "Riabilitazione",
]  # fmt: skip
SECTORS = ["research", "university", "clinical", "industry"]
AFFILIATIONS = [
    "Politecnico di Milano, Dipartimento di Elettronica, Informazione e Bioingegneria",
    "Università degli Studi di Milano, Dipartimento di Scienze Biomediche",
    "Università di Pavia, Dipartimento di Sanità Pubblica",
    "Fondazione IRCCS Ca' Granda Ospedale Maggiore Policlinico",
    "ASST Grande Ospedale Metropolitano Niguarda, Ricerca clinica",
    "IRCCS Istituto Ortopedico Galeazzi",
    "Università degli Studi di Brescia, Dipartimento di Medicina Molecolare",
    "Consulente regolatorio indipendente",
    "Cluster Tecnologie per gli Ambienti di Vita",
]


def scaled(name: str, scale: float) -> int:
    return max(MINIMUM.get(name, 1), round(BASE[name] * scale))


def counts_for(scale: float, questions: int | None) -> dict[str, int]:
    counts = {name: scaled(name, scale) for name in BASE}
    if questions is not None:
        counts["questions"] = max(MINIMUM["questions"], questions)
    counts["faq_entries"] = min(counts["faq_entries"], max(3, counts["questions"] // 20))
    # A year of visits; fewer days at tiny scales, where the roll-up's per-day cost dominates.
    counts["visit_days"] = DAYS_OF_VISITS if scale >= 0.1 else max(14, round(DAYS_OF_VISITS * scale * 10))
    return counts


# ----------------------------------------------------------------------------
# COPY in text format, from temporary files written while generating


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class TableFile:
    """Rows of one table written to a temporary file, then loaded with COPY."""

    def __init__(self, folder: Path, table: str, columns: list[str]) -> None:
        self.table = table
        self.columns = columns
        self.path = folder / f"{table}.copy"
        self.file = self.path.open("w", encoding="utf-8")
        self.rows = 0

    def add(self, *values) -> None:
        self.file.write("\t".join(map(_copy_value, values)) + "\n")
        self.rows += 1

    def load(self, cursor) -> int:
        self.file.close()
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy, self.path.open("rb") as source:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        self.path.unlink()
        return self.rows


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY an iterable of tuples into ``table``; how many."""
    count = 0
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequences(cursor, tables: list[str]) -> None:
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (our own table names)
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
        )


def next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {table}")  # noqa: S608 (our own table names)
    return cursor.fetchone()[0]


class Progress:
    """Prints each step with its time."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.step_started = self.started

    def done(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what:<62} {now - self.step_started:7.1f} s", flush=True)
        self.step_started = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


# ----------------------------------------------------------------------------
# The database and Django


def _server_parts(database_url: str) -> tuple[str, str]:
    """(the URL of the server's maintenance database, the database name)."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in ("postgres", "postgresql"):
        raise ValueError("The data set needs a PostgreSQL URL naming a database: postgres://user:pw@host:port/name")
    return urlunsplit(parts._replace(path="/postgres")), name


def _stored_parameters(database_url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            row = connection.execute(f"SELECT parameters, counts FROM {PARAMETERS_TABLE}").fetchone()  # noqa: S608
    except psycopg.Error:
        return None
    return {"parameters": json.loads(row[0]), "counts": json.loads(row[1])} if row else None


def _migrations_fingerprint() -> str:
    """Changes whenever a migration (the project's or an installed package's) may have."""
    import hashlib
    from importlib import metadata

    digest = hashlib.sha256()
    for package in ("django", "django-allauth"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}={metadata.version(package)}".encode())
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _recreate_database(database_url: str) -> bool:
    """Drop and create the database: a copy of the migrated template when it is
    current (True), else empty (False)."""
    import psycopg

    server, name = _server_parts(database_url)
    fingerprint = _migrations_fingerprint()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [TEMPLATE_DATABASE]
        ).fetchone()
        if row and row[0] == fingerprint and name != TEMPLATE_DATABASE:
            for attempt in range(5):
                try:
                    admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
                    return True
                except psycopg.errors.ObjectInUse:  # another build is copying it
                    time.sleep(1 + attempt)
        admin.execute(f'CREATE DATABASE "{name}"')
    return False


def _save_template(database_url: str) -> None:
    """Keep a copy of the freshly migrated database as the template of later builds."""
    import psycopg
    from django.db import connections

    server, name = _server_parts(database_url)
    if name == TEMPLATE_DATABASE:
        return
    connections.close_all()
    with psycopg.connect(server, autocommit=True) as admin:
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DATABASE}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{TEMPLATE_DATABASE}" TEMPLATE "{name}"')
            admin.execute(f"COMMENT ON DATABASE \"{TEMPLATE_DATABASE}\" IS '{_migrations_fingerprint()}'")
        except psycopg.Error as error:  # another build got there first: no matter
            print(f"  (template database not saved: {error})")


def _setup_django(database_url: str) -> None:
    """Settings as the other benchmarks set them, for ``database_url``; Django
    set up already must be using that database."""
    import django
    from django.apps import apps

    if apps.ready:
        from django.db import connection

        if connection.settings_dict["NAME"] != _server_parts(database_url)[1]:
            raise RuntimeError("Django is set up for another database: call build() before django.setup().")
        return
    work_dir = Path(tempfile.mkdtemp(prefix="ctcc-bench-dataset-"))
    atexit.register(shutil.rmtree, work_dir, ignore_errors=True)
    (work_dir / "static").mkdir()  # WhiteNoise wants STATIC_ROOT to exist
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": database_url,
            "VAR_DIR": str(work_dir),
            "DEBUG": os.environ.get("DEBUG", "1"),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
    )
    django.setup()


# ----------------------------------------------------------------------------
# The fill


class Generator:
    """Generates and loads everything; ``counts`` are the parameters, ``rows`` what was loaded."""

    def __init__(self, counts: dict[str, int], seed: int, progress: Progress) -> None:
        self.counts = counts
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data)
        self.progress = progress
        self.rows: dict[str, int] = {}
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.today = self.now.date()
        self.folder = Path(tempfile.mkdtemp(prefix="ctcc-dataset-copy-"))

    def step(self, what: str) -> None:
        self.progress.done(what)

    def load(self, *files: TableFile) -> None:
        """COPY the files in one transaction. Big tables' secondary indexes
        (whatever the migrations made) are dropped before and built again
        after, each in a transaction of its own (not while the deferred
        foreign-key checks of the load are pending)."""
        from django.db import connection, transaction

        dropped = []
        with transaction.atomic(), connection.cursor() as cursor:
            for table_file in files:
                if table_file.rows >= 50_000:
                    cursor.execute(
                        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                        [table_file.table],
                    )
                    indexes = cursor.fetchall()
                    for name, _definition in indexes:
                        cursor.execute(f'DROP INDEX "{name}"')
                    dropped += [definition for _name, definition in indexes]
        with transaction.atomic(), connection.cursor() as cursor:
            for table_file in files:
                self.rows[table_file.table] = self.rows.get(table_file.table, 0) + table_file.load(cursor)
            reset_sequences(cursor, [table_file.table for table_file in files if table_file.columns[0] == "id"])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in dropped:
                cursor.execute(definition)

    # People ------------------------------------------------------------

    def people(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.db import connection

        from experts.models import ExpertProfile, Topic

        rng, counts = self.rng, self.counts
        password = make_password(PASSWORD)  # hashed once for everybody
        self.topic_ids = list(Topic.objects.active().values_list("pk", flat=True))
        with connection.cursor() as cursor:
            first_org, first_user = next_id(cursor, "accounts_organisation"), next_id(cursor, "accounts_user")
            first_email = next_id(cursor, "account_emailaddress")
        kinds, weights = zip(*ORGANISATION_KINDS, strict=True)
        organisations = TableFile(
            self.folder, "accounts_organisation", ["id", "name", "kind", "city", "website", "created_at"]
        )
        self.organisation_ids = []
        self.confidential_orgs = set()
        for n in range(counts["organisations"]):
            kind = rng.choices(kinds, weights=weights)[0]
            word = rng.choice(ORGANISATION_WORDS)
            if kind in ("sme", "startup", "large_company"):
                name = f"{word} {text.brand_name(n)} S.r.l."
            elif kind == "university":
                name = f"Laboratorio di {word} {n}, Università degli Studi"
            else:
                name = f"Centro di ricerca {word} {text.brand_name(n)}"
            province = rng.choice(list(CITIES))
            created = self.now - timedelta(days=rng.randint(30, 365 * YEARS_OF_QUESTIONS + 200))
            organisations.add(first_org + n, name, kind, rng.choice(CITIES[province]), "", created)
            self.organisation_ids.append(first_org + n)

        users = TableFile(
            self.folder,
            "accounts_user",
            [
                "id", "password", "last_login", "is_superuser", "email", "full_name", "preferred_language",
                "role", "is_active", "date_joined", "organisation_id", "notification_emails",
            ],
        )  # fmt: skip
        emails = TableFile(self.folder, "account_emailaddress", ["id", "email", "verified", "primary", "user_id"])
        next_user = [first_user]

        def add_user(role: str, email: str = "", organisation_id=None, joined=None) -> int:
            pk = next_user[0]
            next_user[0] += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = email or f"{first}.{last}.{pk}@{role}.bench.example.org".lower()
            joined = joined or self.now - timedelta(days=rng.randint(1, 365 * YEARS_OF_QUESTIONS + 100))
            language = "it" if rng.random() < 0.85 else "en"
            frequency = rng.choices(["immediately", "daily", "never"], weights=[6, 3, 1])[0]
            users.add(
                pk, password, None, role == "administrator", email, f"{first} {last}", language, role, True,
                joined, organisation_id, frequency,
            )  # fmt: skip
            emails.add(first_email + pk - first_user, email, True, True, pk)
            return pk

        early = self.now - timedelta(days=365 * YEARS_OF_QUESTIONS + 100)
        self.administrator_ids = [add_user("administrator", KNOWN_ADMIN, joined=early)]
        self.administrator_ids += [add_user("administrator") for _ in range(counts["administrators"] - 1)]
        self.staff_ids = [add_user("staff", KNOWN_STAFF, joined=early)]
        self.staff_ids += [add_user("staff") for _ in range(counts["staff"] - 1)]
        self.expert_ids = [add_user("expert", KNOWN_EXPERT, joined=early)]
        self.expert_ids += [add_user("expert") for _ in range(counts["experts"] - 1)]
        # The known member belongs to the first organisation, which asks confidential questions.
        self.member_ids = [add_user("member", KNOWN_MEMBER, self.organisation_ids[0], joined=early)]
        self.member_org = {self.member_ids[0]: self.organisation_ids[0]}
        for n in range(1, counts["members"]):
            organisation = self.organisation_ids[n % len(self.organisation_ids)]
            pk = add_user("member", organisation_id=organisation)
            self.member_ids.append(pk)
            self.member_org[pk] = organisation
        self.known = {
            "member": self.member_ids[0],
            "expert": self.expert_ids[0],
            "staff": self.staff_ids[0],
            "admin": self.administrator_ids[0],
        }
        self.load(organisations, users, emails)
        self.step(f"{counts['organisations']:,} organisations, {next_user[0] - first_user:,} users (+ email addresses)")

        # Expert profiles: 2 to 5 topics each, and who covers each topic.
        profiles = ExpertProfile.objects.bulk_create(
            ExpertProfile(
                user_id=pk,
                sector=rng.choice(SECTORS),
                affiliation=rng.choice(AFFILIATIONS),
                bio="Esperto di indagini cliniche dei dispositivi medici (MDR 2017/745, ISO 14155).",
                accepts_questions=n == 0 or rng.random() < 0.9,
                declaration_of_interests="Nessun interesse da dichiarare.",
                declaration_updated_at=self.today - timedelta(days=rng.randint(1, 300)),
                is_listed=n == 0 or rng.random() < 0.95,
                speaks_english=rng.random() < 0.8,
            )
            for n, pk in enumerate(self.expert_ids)
        )
        self.experts_by_topic = {topic: [] for topic in self.topic_ids}
        links = []
        for n, profile in enumerate(profiles):
            chosen = (
                self.topic_ids if n == 0 else rng.sample(self.topic_ids, min(len(self.topic_ids), rng.randint(2, 5)))
            )
            for topic in chosen:
                links.append(ExpertProfile.topics.through(expertprofile_id=profile.pk, topic_id=topic))
                self.experts_by_topic[topic].append(profile.user_id)
        ExpertProfile.topics.through.objects.bulk_create(links)
        for experts in self.experts_by_topic.values():
            if not experts:
                experts.append(self.expert_ids[0])
        self.rows["experts_expertprofile"] = len(profiles)
        self.step(f"{len(profiles):,} expert profiles with {len(links):,} topics")

    # The forum ---------------------------------------------------------

    def forum(self) -> None:
        from django.conf import settings
        from django.db import connection

        rng, counts = self.rng, self.counts
        quorum = settings.BOARD_ANSWER_QUORUM
        with connection.cursor() as cursor:
            first = {
                table: next_id(cursor, table)
                for table in (
                    "forum_question", "forum_question_topics", "forum_answer", "forum_comment", "forum_helpfulvote",
                    "forum_follow", "forum_assignment", "forum_boardsignature",
                )
            }  # fmt: skip
        questions = TableFile(
            self.folder,
            "forum_question",
            [
                "id", "title", "body", "body_html", "visibility", "device_class", "implantable", "ce_marked",
                "within_intended_purpose", "software_ai", "status", "close_reason", "closed_at", "is_hidden",
                "answer_count", "helpful_count", "first_answered_at", "accepted_at", "created_at", "updated_at",
                "accepted_answer_id", "author_id", "duplicate_of_id", "organisation_id", "public_copy_of_id",
            ],
        )  # fmt: skip
        question_topics = TableFile(self.folder, "forum_question_topics", ["id", "question_id", "topic_id"])
        answers = TableFile(
            self.folder,
            "forum_answer",
            [
                "id", "kind", "body", "body_html", "board_published_at", "helpful_count", "is_hidden",
                "created_at", "updated_at", "author_id", "question_id",
            ],
        )  # fmt: skip
        comments = TableFile(
            self.folder,
            "forum_comment",
            ["id", "body", "is_hidden", "created_at", "answer_id", "author_id", "question_id"],
        )
        votes = TableFile(self.folder, "forum_helpfulvote", ["id", "created_at", "answer_id", "user_id"])
        follows = TableFile(self.folder, "forum_follow", ["id", "created_at", "user_id", "question_id"])
        assignments = TableFile(
            self.folder,
            "forum_assignment",
            [
                "id", "status", "due_on", "created_at", "closed_at", "decline_reason", "reminded_on",
                "escalated_on", "assigned_by_id", "expert_id", "question_id",
            ],
        )  # fmt: skip
        signatures = TableFile(
            self.folder, "forum_boardsignature", ["id", "invited_at", "signed_at", "answer_id", "expert_id"]
        )
        ids = dict(first)

        def new_id(table: str) -> int:
            ids[table] += 1
            return ids[table] - 1

        total = counts["questions"]
        brands = max(20, total // 8)  # each brand name in about 5 questions (0 to ~15)
        # Askers: a few members ask a lot (weights 1/rank); the known member often.
        member_weights = [1.0 / (1 + (n % 997)) for n in range(len(self.member_ids))]
        member_weights[0] = max(member_weights) * 2
        cumulative_members = list(_accumulate(member_weights))
        known_expert = self.expert_ids[0]
        # Experts by topic with cumulative weights: the known expert works more than most.
        topic_experts_cumulative = {
            topic: (experts, list(_accumulate(3.0 if expert == known_expert else 1.0 for expert in experts)))
            for topic, experts in self.experts_by_topic.items()
        }
        span_days = 365 * YEARS_OF_QUESTIONS
        answer_weights = [0, 22, 28, 22, 13, 8, 4, 3]  # published answers of an answered question
        answered_mean = sum(k * w for k, w in enumerate(answer_weights)) / sum(answer_weights)
        answer_scale = ANSWERS_PER_QUESTION / 0.96 / answered_mean
        sample_html = []
        self.accepted_questions = []
        self.known_open = self.known_answered = 0

        def moment_after(start: datetime, hours_low: float, hours_high: float) -> datetime:
            return min(self.now - timedelta(minutes=1), start + timedelta(hours=rng.uniform(hours_low, hours_high)))

        def pick_expert(topics: list[int], exclude: set[int]) -> int:
            for _ in range(4):
                experts, cumulative = topic_experts_cumulative[rng.choice(topics)]
                expert = rng.choices(experts, cum_weights=cumulative)[0]
                # The known expert joined the board lately: tens of open assignments, hundreds answered.
                if expert == known_expert and age_days > 60 and rng.random() < 0.93:
                    continue
                if expert not in exclude:
                    return expert
            return next((e for e in self.expert_ids if e not in exclude), self.expert_ids[0])

        for n in range(total):
            question_id = new_id("forum_question")
            # More recent, more questions: density growing over the four years.
            age_days = span_days * (1 - rng.random() ** 0.6)
            created = (self.now - timedelta(days=age_days)).replace(microsecond=0)
            author = rng.choices(self.member_ids, cum_weights=cumulative_members)[0]
            organisation = self.member_org[author]
            confidential = rng.random() < 0.1 or (author == self.member_ids[0] and n % 3 == 0)
            italian = rng.random() < 0.7
            brand = text.brand_name(rng.randrange(brands)) if rng.random() < 0.6 else ""
            title, body = text.question_text(rng, italian=italian, brand=brand)
            body_html = text.simple_html(body)
            if len(sample_html) < 50:
                sample_html.append((body, body_html))
            topics = rng.sample(self.topic_ids, min(len(self.topic_ids), rng.choices([1, 2, 3], weights=[5, 3, 2])[0]))
            for topic in topics:
                question_topics.add(new_id("forum_question_topics"), question_id, topic)
            follows.add(new_id("forum_follow"), created, author, question_id)

            # What happened to it.
            if age_days < 2:
                answered = rng.random() < 0.3
            elif age_days < 30:
                answered = rng.random() < 0.85
            else:
                answered = rng.random() < 0.97
            if n == 0:
                answered = False  # the known expert's open assignment, at any scale
            if n == 1:
                answered = True
            closed = age_days > 7 and rng.random() < 0.03 and n > 1
            answer_total = 0
            if answered:
                answer_total = max(
                    1, round(rng.choices(range(len(answer_weights)), weights=answer_weights)[0] * answer_scale)
                )
            status = "answered" if answer_total else "unanswered"
            answer_count = helpful = 0
            first_answered = accepted_at = accepted_answer = None
            answerers: list[int] = []
            last = created
            published_answers = []
            board_answer = answered and rng.random() < 0.05
            for index in range(answer_total):
                answer_id = new_id("forum_answer")
                expert = known_expert if n == 1 and index == 0 else pick_expert(topics, set(answerers))
                at = moment_after(last, 1, 24 * 6)
                last = at
                is_board = board_answer and index == 0
                answer_body = text.answer_text(rng, italian=italian)
                published_at = None
                if is_board:
                    cosigners = [pick_expert(topics, {expert}) for _ in range(quorum)]
                    published_at = moment_after(at, 2, 48)
                    for cosigner in dict.fromkeys(cosigners):
                        signed = moment_after(at, 1, 40)
                        signatures.add(
                            new_id("forum_boardsignature"), at, min(signed, published_at), answer_id, cosigner
                        )
                # Helpful votes by members (never the answer's own author: experts are not members).
                helpful_votes = rng.choices([0, 1, 2, 3, 4, 6, 9], weights=[45, 25, 12, 8, 5, 3, 2])[0]
                voters = rng.sample(self.member_ids, min(helpful_votes, len(self.member_ids)))
                for voter in voters:
                    votes.add(new_id("forum_helpfulvote"), moment_after(at, 1, 24 * 30), answer_id, voter)
                answers.add(
                    answer_id, "board" if is_board else "individual", answer_body, text.simple_html(answer_body),
                    published_at, len(voters), False, at, at, expert, question_id,
                )  # fmt: skip
                shown_at = published_at or at
                answer_count += 1
                helpful += len(voters)
                first_answered = min(first_answered or shown_at, shown_at)
                published_answers.append((answer_id, shown_at))
                if expert not in answerers:
                    answerers.append(expert)
                    follows.add(new_id("forum_follow"), at, expert, question_id)
                    # Routing: staff assigned it (or the expert claimed it) before the answer.
                    assigned = moment_after(created, 0.5, 20)
                    assigned = min(assigned, at)
                    assignments.add(
                        new_id("forum_assignment"), "answered", assigned.date() + timedelta(days=7), assigned, at, "",
                        None, None, rng.choice(self.staff_ids) if rng.random() < 0.7 else None, expert, question_id,
                    )  # fmt: skip
                    if expert == known_expert:
                        self.known_answered += 1
                for cosigner in [] if not is_board else list(dict.fromkeys(cosigners)):
                    if cosigner not in answerers:
                        answerers.append(cosigner)
                        assignments.add(
                            new_id("forum_assignment"), "answered", at.date() + timedelta(days=7), at, published_at,
                            "", None, None, None, cosigner, question_id,
                        )  # fmt: skip
            if published_answers and rng.random() < 0.5:
                accepted_answer, shown_at = rng.choice(published_answers)
                accepted_at = moment_after(max(shown_at, last), 2, 24 * 10)
                status = "accepted"
                self.accepted_questions.append((question_id, topics[0], italian, title, accepted_answer))
            # Unanswered: routed to experts (open, some overdue), a few declined; the rest await triage.
            if not answered and (rng.random() < 0.7 or n == 0):
                if rng.random() < 0.1:
                    declined_by = pick_expert(topics, set())
                    declined_at = moment_after(created, 1, 48)
                    assignments.add(
                        new_id("forum_assignment"), "declined", created.date() + timedelta(days=7), created,
                        declined_at, "Fuori dalla mia area di competenza.", None, None, rng.choice(self.staff_ids),
                        declined_by, question_id,
                    )  # fmt: skip
                    answerers.append(declined_by)
                expert = known_expert if n == 0 else pick_expert(topics, set(answerers))
                assigned = moment_after(created, 0.5, 12)
                if not closed:
                    assignments.add(
                        new_id("forum_assignment"), "open", assigned.date() + timedelta(days=7), assigned, None,
                        "", None, None, rng.choice(self.staff_ids) if rng.random() < 0.7 else None, expert,
                        question_id,
                    )  # fmt: skip
                    if expert == known_expert:
                        self.known_open += 1
                else:  # closing the question cancelled it
                    assignments.add(
                        new_id("forum_assignment"), "cancelled", assigned.date() + timedelta(days=7), assigned,
                        moment_after(assigned, 24, 24 * 5), "", None, None, rng.choice(self.staff_ids), expert,
                        question_id,
                    )  # fmt: skip
            close_reason, closed_at, duplicate_of = "", None, None
            if closed:
                status = "closed"
                close_reason = rng.choice(["resolved", "off_topic", "duplicate"])
                closed_at = moment_after(last, 24, 24 * 20)
                if close_reason == "duplicate":
                    duplicate_of = first["forum_question"] + rng.randrange(n)
            # Comments: by the asker or the board, on the question or on an answer.
            for _ in range(_poisson_like(rng, COMMENTS_PER_QUESTION)):
                on_answer = rng.choice(published_answers) if published_answers and rng.random() < 0.6 else None
                after = on_answer[1] if on_answer else created
                by = author if rng.random() < 0.5 or not answerers else rng.choice(answerers)
                comments.add(
                    new_id("forum_comment"), text.comment_text(rng, italian=italian), False,
                    moment_after(after, 0.5, 24 * 5), on_answer[0] if on_answer else None, by, question_id,
                )  # fmt: skip
            device_class = rng.choice(["", "", "I", "IIa", "IIb", "III"])
            updated = max(created, last, accepted_at or created, closed_at or created)
            questions.add(
                question_id, title, body, body_html, "confidential" if confidential else "public", device_class,
                rng.choice([None, True, False]) if device_class else None, rng.choice([None, True, False]),
                None, rng.random() < 0.15 or None, status, close_reason, closed_at, False, answer_count, helpful,
                first_answered, accepted_at, created, updated, accepted_answer, author, duplicate_of,
                organisation, None,
            )  # fmt: skip
        self.sample_html = sample_html
        self.step(f"generated {total:,} questions and what hangs on them")
        # Questions point at their accepted answers: one transaction for both (deferred foreign keys).
        self.load(questions, question_topics, answers)
        self.step(f"COPY questions, topics, {answers.rows:,} answers")
        self.load(comments)
        self.step(f"COPY {comments.rows:,} comments")
        self.load(votes, follows)
        self.step(f"COPY {votes.rows:,} helpful votes, {follows.rows:,} follows")
        self.load(assignments, signatures)
        self.step(
            f"COPY {assignments.rows:,} assignments (known expert: {self.known_open} open, "
            f"{self.known_answered} answered), {signatures.rows:,} signatures"
        )
        self.check_html()

    def check_html(self) -> None:
        from portal.markdown import render_markdown

        wrong = [body for body, html in self.sample_html if render_markdown(body) != html]
        if wrong:
            raise RuntimeError(
                f"body_html differs from render_markdown for {len(wrong)} sample bodies, e.g. {wrong[0]!r}"
            )

    def faq(self) -> None:
        from forum.models import Answer, FAQEntry

        rng = self.rng
        chosen = self.accepted_questions[:: max(1, len(self.accepted_questions) // self.counts["faq_entries"])]
        chosen = chosen[: self.counts["faq_entries"]]
        bodies = dict(Answer.objects.filter(pk__in=[row[4] for row in chosen]).values_list("pk", "body"))
        entries = []
        for position, (question_id, topic, italian, title, answer_id) in enumerate(chosen):
            body = bodies[answer_id]
            other = text.answer_text(rng, italian=not italian)
            entries.append(
                FAQEntry(
                    topic_id=topic,
                    question_id=question_id,
                    title_it=title if italian else f"{title} (traduzione)",
                    title_en=title if not italian else "",
                    body_it=body if italian else other,
                    body_en=body if not italian else (other if rng.random() < 0.5 else ""),
                    position=position,
                )
            )
        for entry in entries:
            entry.body_html_it = text.simple_html(entry.body_it)
            entry.body_html_en = text.simple_html(entry.body_en) if entry.body_en else ""
        FAQEntry.objects.bulk_create(entries)
        self.rows["forum_faqentry"] = len(entries)
        self.step(f"{len(entries)} FAQ entries")

    # The clinical network ---------------------------------------------

    def network(self) -> None:
        from experts.models import (
            Clinic,
            ClinicalPopulation,
            FacilitatedInvestigation,
            Introduction,
            InvestigationStage,
            StageChange,
        )

        rng, counts = self.rng, self.counts
        clinics = Clinic.objects.bulk_create(
            (Clinic(**row) for row in clinic_rows(rng, counts["clinics"], self.today)), batch_size=2_000
        )
        populations = ClinicalPopulation.objects.bulk_create(
            (
                ClinicalPopulation(clinic=clinics[row.pop("clinic")], **row)
                for row in population_rows(rng, counts["populations"], len(clinics))
            ),
            batch_size=5_000,
        )
        self.rows["experts_clinic"], self.rows["experts_clinicalpopulation"] = len(clinics), len(populations)
        self.step(f"{len(clinics):,} clinics, {len(populations):,} clinical populations")

        statuses = ["requested", "sent", "sent", "closed", "closed", "closed", "declined"]
        introductions = []
        for n in range(counts["introductions"]):
            member = self.member_ids[0] if n % 10 == 0 else rng.choice(self.member_ids)
            created = self.now - timedelta(days=rng.randint(1, 365 * 3))
            status = rng.choice(statuses)
            sent = created + timedelta(days=rng.randint(1, 10)) if status in ("sent", "closed") else None
            introductions.append(
                Introduction(
                    requested_by_id=member,
                    organisation_id=self.member_org[member],
                    device=f"{_capital(rng.choice(text.DEVICES_IT))}, classe {rng.choice(text.CLASSES)}",
                    investigation=(
                        f"Indagine ai sensi dell'{rng.choice(text.PATHWAYS)}, {rng.choice([20, 40, 80, 120])} soggetti"
                    ),
                    board_proposes=rng.random() < 0.3,
                    status=status,
                    reviewed_by_id=rng.choice(self.staff_ids) if sent else None,
                    message="Vi chiediamo un riscontro sulla fattibilità presso il vostro centro." if sent else "",
                    reply_by=sent.date() + timedelta(days=5) if sent else None,
                    sent_at=sent,
                    created_at=created,
                    closed_at=sent + timedelta(days=rng.randint(5, 60)) if status == "closed" else None,
                )
            )
        introductions = Introduction.objects.bulk_create(introductions)
        Introduction.clinics.through.objects.bulk_create(
            Introduction.clinics.through(introduction_id=intro.pk, clinic_id=clinic.pk)
            for intro in introductions
            for clinic in rng.sample(clinics, min(len(clinics), rng.randint(1, 4)))
        )
        Introduction.populations.through.objects.bulk_create(
            Introduction.populations.through(introduction_id=intro.pk, clinicalpopulation_id=population.pk)
            for intro in introductions
            for population in rng.sample(populations, min(len(populations), rng.randint(1, 3)))
        )
        stages = list(InvestigationStage.values)
        ordered = [s for s in stages if s != InvestigationStage.STOPPED]
        investigations, histories = [], []
        sources = [intro for intro in introductions if intro.status == "closed"] or introductions
        for n in range(counts["investigations"]):
            intro = sources[n % len(sources)]
            reached = rng.randint(0, len(ordered) - 1)
            stopped = rng.random() < 0.08
            start = (intro.closed_at or intro.created_at).date()
            history = []
            on = start
            for stage in ordered[: reached + 1]:
                history.append((stage, on))
                on += timedelta(days=rng.randint(20, 120))
            if stopped:
                history.append((InvestigationStage.STOPPED, on))
            submitted = next((day for stage, day in history if stage == InvestigationStage.SUBMITTED), None)
            investigations.append(
                FacilitatedInvestigation(
                    title=f"Indagine clinica {text.brand_name(n + 7_000)}: {rng.choice(text.DEVICES_IT)}",
                    introduction=intro,
                    sponsor_id=intro.organisation_id,
                    stage=history[-1][0],
                    civ_id=f"CIV-{start:%y}-{start:%m}-{rng.randrange(10**6):06d}" if submitted else "",
                    submitted_on=submitted,
                    created_at=datetime(start.year, start.month, start.day, 10, tzinfo=UTC),
                )
            )
            histories.append(history)
        investigations = FacilitatedInvestigation.objects.bulk_create(investigations)
        StageChange.objects.bulk_create(
            StageChange(investigation=investigation, stage=stage, on=on, recorded_by_id=self.staff_ids[0])
            for investigation, history in zip(investigations, histories, strict=True)
            for stage, on in history
        )
        FacilitatedInvestigation.clinics.through.objects.bulk_create(
            FacilitatedInvestigation.clinics.through(facilitatedinvestigation_id=inv.pk, clinic_id=clinic.pk)
            for inv in investigations
            for clinic in rng.sample(clinics, min(len(clinics), rng.randint(1, 3)))
        )
        self.rows["experts_introduction"] = len(introductions)
        self.rows["experts_facilitatedinvestigation"] = len(investigations)
        self.step(f"{len(introductions)} introductions, {len(investigations)} facilitated investigations")

    # The guidelines ----------------------------------------------------

    def guidelines(self) -> None:
        from guidelines.models import Section, Version

        rng = random.Random(self.rng.random())  # noqa: S311
        first = guideline_sections(rng, 10, 6)
        admin = self.administrator_ids[0]
        create_guideline_version(
            first,
            published_by_id=admin,
            major=1,
            minor=0,
            published_at=self.now - timedelta(days=700),
            changelog_it="Prima versione pubblicata dal board.",
            changelog_en="First version published by the board.",
        )
        # 1.1: a few sections reworded, a new section, a changed title.
        second = [dict(row) for row in first]
        for row in rng.sample([row for row in second if row["level"] == 2], 8):
            it, en = paragraph(rng, 3)
            row["body_it"] += "\n\n" + it
            row["body_en"] += "\n\n" + en
        second[3]["title_it"] += " (aggiornato)"
        second[3]["title_en"] += " (updated)"
        body_it, body_en = section_body(rng, 1)
        second.insert(
            8,
            {
                "key": "section-1-ai-act",
                "level": 2,
                "title_it": "Software con intelligenza artificiale",
                "title_en": "Software with artificial intelligence",
                "body_it": body_it,
                "body_en": body_en,
                "references": [REFERENCES[0]],
            },
        )
        versions = list(Version.objects.published())
        create_guideline_version(
            second,
            based_on=versions[0],
            published_by_id=admin,
            major=1,
            minor=1,
            published_at=self.now - timedelta(days=330),
            changelog_it="Aggiornate otto sezioni; nuova sezione sul software con IA.",
            changelog_en="Eight sections updated; a new section on software with AI.",
        )
        # 2.0: sections removed, a chapter rewritten, paragraphs replaced.
        third = [dict(row) for row in second if row["key"] not in ("section-4-5", "section-7-2", "section-9-6")]
        for row in third:
            if row["key"].startswith("section-6-"):
                row["body_it"], row["body_en"] = section_body(rng, 2)
        for row in rng.sample([row for row in third if row["level"] == 2], 10):
            it, en = paragraph(rng, 4)
            row["body_it"] = it + "\n\n" + row["body_it"].split("\n\n", 1)[-1]
            row["body_en"] = en + "\n\n" + row["body_en"].split("\n\n", 1)[-1]
        create_guideline_version(
            third,
            based_on=Version.objects.published().first(),
            published_by_id=admin,
            major=2,
            minor=0,
            published_at=self.now - timedelta(days=60),
            changelog_it="Revisione generale: gestione dei rischi riscritta, tre sezioni eliminate.",
            changelog_en="General revision: risk management rewritten, three sections removed.",
        )
        self.rows["guidelines_version"] = Version.objects.count()
        self.rows["guidelines_section"] = Section.objects.count()
        self.step("3 published versions of the guidelines (10 chapters, about 100 pages)")

    # Visits and the survey --------------------------------------------

    def visits(self) -> None:
        from django.db import connection, transaction

        from portal.metrics import visits
        from portal.metrics.models import DailyPageViews, DailyTraffic

        rng = self.rng
        days = [self.today - timedelta(days=offset) for offset in range(self.counts["visit_days"], 0, -1)]
        counts = day_shape(days, self.counts["page_views"], rng)
        created = self.now
        with transaction.atomic(), connection.cursor() as cursor:
            views = copy_rows(
                cursor,
                "metrics_pageview",
                ["day", "kind", "visitor", "created_at"],
                ((day, kind, visitor, created) for day, kind, visitor in page_views(days, counts, rng)),
            )
        self.rows["metrics_pageview (raw, rolled up)"] = views
        self.step(f"COPY {views:,} page views over {len(days)} days")
        visits.roll_up_visits()
        self.rows["metrics_dailytraffic"] = DailyTraffic.objects.count()
        self.rows["metrics_dailypageviews"] = DailyPageViews.objects.count()
        self.step("roll-up of the page views (portal.metrics.visits.roll_up_visits)")

    def survey(self) -> None:
        closes = self.now - timedelta(days=20)
        fill_survey(
            self.rng, responses=self.counts["survey_responses"], opens_at=closes - timedelta(days=45), closes_at=closes
        )
        self.rows["surveys_response"] = self.counts["survey_responses"]
        self.step(f"a survey with {self.counts['survey_responses']:,} responses")

    def finish(self) -> None:
        from django.db import connection

        connection.close()
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as direct:
            direct.execute("VACUUM (ANALYZE)")
        self.step("VACUUM ANALYZE")


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _poisson_like(rng: random.Random, mean: float) -> int:
    """A small count with the given mean (0 to about 3 times the mean)."""
    return sum(1 for _ in range(int(mean * 3)) if rng.random() < 1 / 3)


def _capital(value: str) -> str:
    return value[:1].upper() + value[1:]


COUNTED_TABLES = [
    "accounts_organisation",
    "accounts_user",
    "account_emailaddress",
    "experts_expertprofile",
    "experts_topic",
    "forum_question",
    "forum_question_topics",
    "forum_answer",
    "forum_comment",
    "forum_helpfulvote",
    "forum_follow",
    "forum_assignment",
    "forum_boardsignature",
    "forum_faqentry",
    "experts_clinic",
    "experts_clinicalpopulation",
    "experts_introduction",
    "experts_facilitatedinvestigation",
    "experts_stagechange",
    "guidelines_version",
    "guidelines_section",
    "guidelines_reference",
    "metrics_dailytraffic",
    "metrics_dailypageviews",
    "surveys_survey",
    "surveys_response",
    "surveys_answer",
]


def _row_counts(database_url: str) -> dict[str, int]:
    import psycopg

    counts = {}
    with psycopg.connect(database_url) as connection:
        for table in COUNTED_TABLES:
            try:
                counts[table] = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            except psycopg.errors.UndefinedTable:
                connection.rollback()
    return counts


def build(
    database_url: str, *, scale: float = 1.0, questions: int | None = None, seed: int = 2026, keep: bool = False
) -> dict[str, int]:
    """Create (or, with ``keep``, reuse when filled with the same parameters)
    the database at ``database_url``, migrate it and fill it; the row counts of
    its main tables."""
    counts = counts_for(scale, questions)
    parameters = {
        "scale": scale,
        "questions": counts["questions"],
        "seed": seed,
        "version": 1,
    }
    progress = Progress()
    if keep:
        stored = _stored_parameters(database_url)
        if stored and stored["parameters"] == parameters:
            # Kept, with the migrations written since applied to its data.
            _setup_django(database_url)
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            print(f"{_server_parts(database_url)[1]}: already filled with {parameters}; kept (and migrated).")
            return stored["counts"]
    from_template = _recreate_database(database_url)
    name = _server_parts(database_url)[1]
    progress.done(f"database {name} created" + (f" from {TEMPLATE_DATABASE}" if from_template else ""))
    _setup_django(database_url)

    from django.core.management import call_command
    from django.db import connection

    if not from_template:
        call_command("migrate", verbosity=0)
        _save_template(database_url)
        progress.done(f"migrations (and {TEMPLATE_DATABASE} saved for next time)")
    generator = Generator(counts, seed, progress)
    generator.database_url = database_url
    generator.people()
    generator.forum()
    generator.faq()
    generator.network()
    generator.guidelines()
    generator.visits()
    generator.survey()
    generator.finish()
    shutil.rmtree(generator.folder, ignore_errors=True)
    rows = _row_counts(database_url)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PARAMETERS_TABLE} "
            "(parameters text NOT NULL, counts text NOT NULL, built_at timestamptz NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {PARAMETERS_TABLE} VALUES (%s, %s, now())",  # noqa: S608
            [json.dumps(parameters), json.dumps(rows)],
        )
    connection.close()
    print(f"Built in {progress.total:.1f} s.")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://user:password@host:port/database")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count (default 1)")
    parser.add_argument("--questions", type=int, default=None, help="number of questions (overrides the scale's)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database if filled with the same parameters")
    args = parser.parse_args()
    rows = build(args.database_url, scale=args.scale, questions=args.questions, seed=args.seed, keep=args.keep)
    print(f"\n{'table':<40} {'rows':>12}")
    for table, count in rows.items():
        print(f"{table:<40} {count:>12,}")


if __name__ == "__main__":
    main()
