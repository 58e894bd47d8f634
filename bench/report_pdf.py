"""Benchmark of the six-month report's PDF for a busy period, rendered exactly
as the worker's task renders it (``portal.metrics.report_pdf.render_pdf``:
the selectors' overview, the survey results, WeasyPrint).

Creates a throwaway SQLite database in a temporary folder (deleted at the end;
DATABASE_URL and VAR_DIR are ignored) and fills the first half of 2026 and the
half-year before it: 3,000 questions with answers over 40 topics, 180 days of
daily traffic at about 3,000 views a day (and per kind of page), 200
introductions, 60 facilitated investigations, and a survey with 2,000
responses (when the survey models exist). Then renders the report ``--runs``
times, each in a fresh child process, as a worker process would: the child
measures the render's wall time (figures read from the database included) and
its own peak resident memory.

    DEBUG=1 .venv/bin/python bench/report_pdf.py [--runs 3] [--language it] [--keep /tmp/report.pdf]

Target: at most 10 s a render.
"""

import argparse
import random
import time
from datetime import date, datetime, timedelta

import pdf_runs

_work_dir = pdf_runs.throwaway_environment(prefix="ctcc-bench-report-")

import django  # noqa: E402

django.setup()

from dataset import fill_survey  # noqa: E402  (one place for the generated survey)
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from experts.models import FacilitatedInvestigation, InvestigationStage, StageChange, Topic  # noqa: E402
from experts.models.introductions import Introduction  # noqa: E402
from forum.models import Answer, Question  # noqa: E402
from portal.accounts.models import Organisation, User  # noqa: E402
from portal.accounts.roles import Role  # noqa: E402
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind, Report  # noqa: E402
from portal.metrics.periods import Period  # noqa: E402
from portal.metrics.report_pdf import render_pdf  # noqa: E402

PERIOD = Period(start=date(2026, 1, 1), end=date(2026, 6, 30))
QUESTIONS = 3_000
TOPICS = 40
VIEWS_PER_DAY = 3_000
INTRODUCTIONS = 200
INVESTIGATIONS = 60
SURVEY_RESPONSES = 2_000
TARGET_SECONDS = 10

KIND_SHARES = {
    PageKind.HOME: 18,
    PageKind.QUESTION_LIST: 14,
    PageKind.QUESTION: 22,
    PageKind.FAQ: 6,
    PageKind.BOARD: 5,
    PageKind.DIRECTORY: 8,
    PageKind.GUIDELINE: 9,
    PageKind.GUIDELINE_PDF: 2,
    PageKind.SURVEY: 1,
    PageKind.ACCOUNT: 7,
    PageKind.BOARD_WORK: 5,
    PageKind.OTHER: 3,
}


def moment(rng: random.Random, period: Period) -> datetime:
    day = period.start + timedelta(days=rng.randrange(period.days))
    return timezone.make_aware(datetime(day.year, day.month, day.day, rng.randrange(8, 19), rng.randrange(60)))


def fill_traffic(rng: random.Random, periods: list[Period]) -> None:
    traffic, by_kind = [], []
    total_share = sum(KIND_SHARES.values())
    for period in periods:
        for day in period.each_day():
            views = int(VIEWS_PER_DAY * (1.0 if day.weekday() < 5 else 0.35) * rng.uniform(0.8, 1.2))
            traffic.append(DailyTraffic(day=day, views=views, visitors=views * 2 // 7))
            for kind, share in KIND_SHARES.items():
                kind_views = views * share // total_share
                by_kind.append(DailyPageViews(day=day, kind=kind, views=kind_views, visitors=kind_views // 3))
    DailyTraffic.objects.bulk_create(traffic, batch_size=1_000)
    DailyPageViews.objects.bulk_create(by_kind, batch_size=2_000)


def fill_forum(rng: random.Random, periods: list[Period]) -> None:
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Impresa medtech {n} S.r.l.", kind=Organisation.Kind.SME) for n in range(60)
    )
    members = User.objects.bulk_create(
        User(
            email=f"member{n}@example.org", full_name=f"Associato {n}", role=Role.MEMBER, organisation=organisations[n]
        )
        for n in range(60)
    )
    experts = User.objects.bulk_create(
        User(email=f"expert{n}@example.org", full_name=f"Esperto {n}", role=Role.EXPERT) for n in range(25)
    )
    topics = Topic.objects.bulk_create(
        Topic(slug=f"topic-{n}", name_it=f"Argomento regolatorio {n}", name_en=f"Regulatory topic {n}", position=n)
        for n in range(TOPICS)
    )
    questions = []
    for n in range(QUESTIONS):
        period = periods[0] if n % 3 else periods[1]  # two thirds in the reported period
        asked = moment(rng, period)
        answered = asked + timedelta(hours=rng.uniform(2, 240)) if rng.random() < 0.85 else None
        author = rng.choice(members)
        questions.append(
            Question(
                title=f"Domanda {n} sul percorso regolatorio del dispositivo",
                body="Descrizione della domanda, con il contesto del dispositivo e della sperimentazione.",
                author=author,
                organisation_id=author.organisation_id,
                visibility=Question.Visibility.CONFIDENTIAL if n % 7 == 0 else Question.Visibility.PUBLIC,
                status=Question.Status.ANSWERED if answered else Question.Status.UNANSWERED,
                answer_count=1 if answered else 0,
                first_answered_at=answered,
                created_at=asked,
            )
        )
    questions = Question.objects.bulk_create(questions, batch_size=1_000)
    links = Question.topics.through
    links.objects.bulk_create(
        (
            links(question_id=question.pk, topic_id=topic.pk)
            for question in questions
            for topic in rng.sample(topics, rng.randint(1, 3))
        ),
        batch_size=2_000,
    )
    answers = Answer.objects.bulk_create(
        (
            Answer(
                question=question,
                author=rng.choice(experts),
                body="Risposta dell'esperto con i riferimenti al regolamento.",
                created_at=question.first_answered_at,
            )
            for question in questions
            if question.first_answered_at
        ),
        batch_size=1_000,
    )
    # A third of the answered questions have an accepted answer.
    accepted = [answer for answer in answers if rng.random() < 0.33]
    for answer in accepted:
        Question.objects.filter(pk=answer.question_id).update(
            accepted_answer=answer, accepted_at=answer.created_at + timedelta(days=1)
        )


def fill_network(rng: random.Random, periods: list[Period]) -> None:
    organisation = Organisation.objects.first()
    member = User.objects.filter(role=Role.MEMBER).first()
    introductions = Introduction.objects.bulk_create(
        Introduction(
            requested_by=member,
            organisation=organisation,
            device="Sensore indossabile per il monitoraggio del cammino, classe IIa",
            investigation="Indagine pre-marketing, Art. 62",
            created_at=moment(rng, rng.choice(periods)),
        )
        for _ in range(INTRODUCTIONS)
    )
    investigations = []
    for n in range(INVESTIGATIONS):
        started = moment(rng, rng.choice(periods)).date()
        submitted = started + timedelta(days=rng.randrange(10, 60)) if n % 4 else None
        investigations.append(
            FacilitatedInvestigation(
                title=f"Indagine clinica facilitata {n}",
                introduction=introductions[n],
                sponsor=organisation,
                stage=InvestigationStage.SUBMITTED if submitted else InvestigationStage.FEASIBILITY,
                submitted_on=submitted,
            )
        )
    investigations = FacilitatedInvestigation.objects.bulk_create(investigations)
    changes = []
    for investigation in investigations:
        changes.append(
            StageChange(investigation=investigation, stage=InvestigationStage.FEASIBILITY, on=date(2025, 7, 1))
        )
        if investigation.submitted_on:
            changes.append(
                StageChange(
                    investigation=investigation, stage=InvestigationStage.SUBMITTED, on=investigation.submitted_on
                )
            )
    StageChange.objects.bulk_create(changes)


def build() -> tuple[Report, str]:
    rng = random.Random(2_026)  # noqa: S311 (reproducible test data)
    periods = [PERIOD, PERIOD.previous()]
    fill_traffic(rng, periods)
    fill_forum(rng, periods)
    fill_network(rng, periods)
    survey = (
        fill_survey(
            rng,
            responses=SURVEY_RESPONSES,
            opens_at=timezone.make_aware(datetime(2026, 5, 1, 9)),
            closes_at=timezone.make_aware(datetime(2026, 6, 15, 18)),
        )
        or "no survey models"
    )
    report = Report.objects.create(period_start=PERIOD.start, period_end=PERIOD.end, language="it")
    return report, survey


def render_in_child() -> None:
    report_id, language, keep = pdf_runs.child_arguments()
    report = Report.objects.get(pk=report_id)
    report.language = language
    pdf_runs.measure(lambda: render_pdf(report), keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="renders, each in a new process (default 3)")
    parser.add_argument("--language", choices=["it", "en"], default="it")
    parser.add_argument("--keep", default="", help="write the last PDF to this file")
    args = parser.parse_args()

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        report, survey = build()
        print(
            f"Data: {QUESTIONS:,} questions over {TOPICS} topics, {2 * PERIOD.days} days of traffic "
            f"(~{VIEWS_PER_DAY:,} views a day), {INTRODUCTIONS} introductions, {INVESTIGATIONS} investigations, "
            f"{survey}, in a throwaway database ({time.perf_counter() - started:.1f} s)."
        )
        runs = pdf_runs.run_renders(__file__, report.pk, language=args.language, runs=args.runs, keep=args.keep)
    finally:
        pdf_runs.remove(_work_dir)
    pdf_runs.summarise(runs, language=args.language, keep=args.keep, target_seconds=TARGET_SECONDS)


if __name__ == "__main__":
    if pdf_runs.is_child():
        render_in_child()
    else:
        main()
