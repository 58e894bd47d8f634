"""Surveys and metrics, in the browser: staff build a survey, publish it and
invite the members; a member answers through the personal link in their email
(no sign-in), saves to finish later, comes back and submits; an administrator
reads the dashboard for a period of their choice, downloads its figures as
CSV and has the six-month report produced by the worker, then downloads its
PDF. Selectors use addresses and field names, not the wording, so the journey
holds in either language."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import timedelta

from django.core import mail
from django.utils import timezone, translation
from pypdf import PdfReader

from experts.models import InvestigationStage, StageChange
from forum.models import Question as ForumQuestion
from portal.accounts.roles import Role
from portal.celery import app as celery_app
from portal.metrics.models import DailyTraffic, Report
from portal.metrics.periods import Period
from portal.metrics.tasks import render_report
from portal.surveys.models import Invitation, Response, Survey
from tests.factories import AnswerFactory, ExpertFactory, OrganisationFactory, QuestionFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.introductions import FacilitatedInvestigationFactory, IntroductionFactory

# The period the administrator looks at, and has the report of: the last 60 days.
PERIOD_DAYS = 60
SUGGESTION = "Più incontri in presenza con i comitati etici territoriali."


@contextmanager
def queued_tasks():
    """Tasks go to an in-memory queue that no worker reads, as when the worker
    is busy: the test then does the worker's part itself."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    try:
        yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved


def check(page, selector: str) -> None:
    """Tick a checkbox or radio button: Bootstrap Italia draws it on its label."""
    box_id = page.locator(selector).get_attribute("id")
    page.locator(f"label[for='{box_id}']").click()


def local_minute(moment) -> str:
    """A moment as a datetime-local field takes it, in Italian time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def the_period() -> Period:
    return Period.last_days(PERIOD_DAYS)


def activity_in_the_period(member) -> None:
    """Figures the dashboard and the report must show: 1,234 page views, five
    questions asked in the period (three answered) and one before it, an
    introduction requested and a clinical trial facilitated."""
    DailyTraffic.objects.create(day=timezone.localdate() - timedelta(days=2), views=1234, visitors=321)
    expert = ExpertFactory(full_name="Elena Bianchi")
    questions = [QuestionFactory(author=member) for _ in range(5)]
    for question in questions[:3]:
        AnswerFactory(question=question, author=expert)
    ForumQuestion.objects.filter(pk=questions[4].pk).update(created_at=timezone.now() - timedelta(days=20))
    earlier = QuestionFactory(author=member)
    ForumQuestion.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(days=PERIOD_DAYS + 20))
    IntroductionFactory(organisation=member.organisation, requested_by=member)
    submitted_on = timezone.localdate() - timedelta(days=10)
    trial = FacilitatedInvestigationFactory(stage=InvestigationStage.SUBMITTED, submitted_on=submitted_on)
    StageChange.objects.create(investigation=trial, stage=InvestigationStage.SUBMITTED, on=submitted_on)


def staff_build_publish_and_invite(journey, staff) -> Survey:
    page = journey.page
    journey.sign_in(staff.email, PASSWORD, totp_secret=staff.totp_secret)
    journey.goto("/surveys/")
    journey.check_page()
    page.locator("main a[href='/surveys/new/']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.fill("input[name=title_it]", "Soddisfazione per i servizi del centro 2026")
    page.fill("input[name=title_en]", "Satisfaction with the centre's services 2026")
    now = timezone.now()
    page.fill("input[name=opens_at]", local_minute(now))
    page.fill("input[name=closes_at]", local_minute(now + timedelta(days=7)))
    check(page, "input[name=anonymous]")  # identified: the export names who answered
    page.select_option("select[name=audience]", "members")
    journey.submit()
    survey = Survey.objects.get()
    assert page.url.endswith(survey.get_absolute_url())
    assert (survey.anonymous, survey.audience, survey.is_published) == (False, "members", False)
    journey.check_page()

    add_question(
        journey,
        survey,
        kind="likert",
        text_it="Il centro ha risposto alle mie esigenze.",
        text_en="The centre met my needs.",
    )
    add_question(
        journey,
        survey,
        kind="single",
        text_it="Come ha conosciuto il centro?",
        text_en="How did you hear about the centre?",
        options_it="Dal cluster lombardo\nDa un collega\nDal sito web",
        options_en="From the Lombardy cluster\nFrom a colleague\nFrom the website",
    )
    add_question(
        journey,
        survey,
        kind="text",
        text_it="Che cosa potremmo migliorare?",
        text_en="What could we improve?",
        required=False,
    )
    assert list(survey.questions.values_list("kind", "required")) == [
        ("likert", True),
        ("single", True),
        ("text", False),
    ]

    page.locator(f"main form[action='/surveys/{survey.pk}/publish/'] button").click()
    page.wait_for_load_state("load")
    survey.refresh_from_db()
    assert survey.state() == Survey.State.OPEN
    journey.check_page()
    page.locator(f"main form[action='/surveys/{survey.pk}/invite/'] button").click()
    page.wait_for_load_state("load")
    journey.check_page()
    journey.sign_out()
    return survey


def add_question(journey, survey, *, kind, text_it, text_en, options_it="", options_en="", required=True):
    page = journey.page
    page.locator(f"main a[href='/surveys/{survey.pk}/questions/new/']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=text_it]", text_it)
    page.fill("input[name=text_en]", text_en)
    if options_it:
        page.fill("textarea[name=options_it]", options_it)
        page.fill("textarea[name=options_en]", options_en)
    if not required:
        check(page, "input[name=required]")
    journey.submit()
    assert page.url.endswith(survey.get_absolute_url())


def member_answers_through_the_link(journey, member, survey) -> None:
    page = journey.page
    # The member had emails about their questions' answers too: the invitation is the one with a survey link.
    invitations = [message for message in mail.outbox if message.to == [member.email] and "/surveys/" in message.body]
    assert len(invitations) == 1
    path = re.search(r"https?://[^/\s]+(/surveys/invitation/[A-Za-z0-9_-]+/)", invitations[0].body).group(1)
    likert, single, text = survey.questions.order_by("position")
    colleague = single.options.get(text_en="From a colleague")

    # Two answers now, saved to finish later.
    journey.goto(path)
    journey.check_page()
    check(page, f"input[name=q{likert.pk}][value='4']")
    check(page, f"input[name=q{single.pk}][value='{colleague.pk}']")
    page.locator("main form button[name=save]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(path)
    journey.check_page()

    # Back through the same link: the saved answers are there; the last one is written and all submitted.
    journey.goto(path)
    assert page.locator(f"input[name=q{likert.pk}][value='4']").is_checked()
    assert page.locator(f"input[name=q{single.pk}][value='{colleague.pk}']").is_checked()
    journey.check_page()
    page.fill(f"textarea[name=q{text.pk}]", SUGGESTION)
    page.locator("main form button[name=submit]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/surveys/{survey.pk}/thanks/")
    journey.check_page()

    response = Response.objects.get()
    assert (response.survey, response.user, response.anonymous) == (survey, member, False)
    answers = {answer.question_id: answer for answer in response.answers.all()}
    assert answers[likert.pk].score == 4
    assert answers[single.pk].option == colleague
    assert answers[text.pk].text == SUGGESTION
    assert Invitation.objects.get(survey=survey).used_at is not None


def administrator_reads_the_dashboard(journey, administrator) -> None:
    page = journey.page
    period = the_period()
    journey.sign_in(administrator.email, PASSWORD, totp_secret=administrator.totp_secret)
    journey.goto("/metrics/")
    journey.check_page()
    page.select_option("select[name=range]", "custom")
    page.fill("input[name=start]", period.start.isoformat())
    page.fill("input[name=end]", period.end.isoformat())
    journey.submit()
    assert f"start={period.start.isoformat()}" in page.url
    headline = page.locator(".metrics-card-value").all_inner_texts()
    assert [value.split()[0] for value in headline] == ["1.234", "5", "1"]
    # The member's response: one of one invited.
    survey_rates = page.locator("section[aria-labelledby=metrics-surveys] tbody tr").all_inner_texts()
    assert [row.split("\t") for row in survey_rates] == [
        ["Soddisfazione per i servizi del centro 2026", "Tutti gli associati", "1", "1", "100,0"]
    ]
    journey.check_page()

    # Narrow screens scroll the page down, never sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    journey.check_page()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    query = f"start={period.start.isoformat()}&end={period.end.isoformat()}"
    with page.expect_download() as download_info:
        page.locator(f"main a[href='/metrics/export/figures.csv?{query}']").click()
    download = download_info.value
    assert download.suggested_filename == f"ctcc-figures-{period.start}-{period.end}.csv"
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["key", "label", "value", "previous", "change", "change_percent", "unit", "definition"]
    figures = {row[0]: row for row in rows[1:]}
    assert figures["questions_asked"][2:6] == ["5", "1", "4", "400.0"]
    assert figures["questions_answered"][2] == "3"
    assert figures["visits"][2] == "1234"
    assert figures["trials_facilitated"][2] == "1"


def administrator_produces_the_report(journey) -> None:
    page = journey.page
    period = the_period()
    journey.goto("/metrics/reports/")
    journey.check_page()
    page.fill("input[name=start]", period.start.isoformat())
    page.fill("input[name=end]", period.end.isoformat())
    page.select_option("select[name=language]", "it")
    with queued_tasks():
        journey.submit()
    report = Report.objects.get()
    assert page.url.endswith(f"/metrics/reports/{report.pk}/")
    assert report.status == Report.Status.PENDING
    assert page.locator("#pdf-download").is_hidden()
    journey.check_page()

    with queued_tasks():
        assert render_report(report.pk) == Report.Status.READY  # the worker's part
    page.locator("#pdf-download-link").wait_for(state="visible", timeout=15_000)
    journey.check_page()
    with page.expect_download() as download_info:
        page.locator("#pdf-download-link").click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(pdf_page.extract_text() for pdf_page in pdf.pages)
    report.refresh_from_db()
    assert len(pdf.pages) == report.pages
    with translation.override("it"):
        assert f"Relazione semestrale\n{period.label()}\n" in text  # the cover
    # The headline table: this period, the previous one, the change.
    assert "Visite (pagine visualizzate) 1.234 0 +1.234\n" in text
    assert "Domande poste 5 1 +4 (+400,0 %)\n" in text
    assert "Sperimentazioni cliniche facilitate 1 0 +1\n" in text
    # The survey's results, the member's suggestion included.
    assert "Soddisfazione per i servizi del centro 2026\n1 risposta" in text
    assert SUGGESTION in text


def test_staff_survey_member_answers_administrator_reads_metrics_and_report(journey):
    member = UserFactory(
        email="giulia@example.org",
        full_name="Giulia Ferrari",
        organisation=OrganisationFactory(name="Brianza Medical Devices S.r.l."),
    )
    staff = UserFactory(role=Role.STAFF, email="luca@example.org", full_name="Luca Rossi", with_mfa=True)
    administrator = UserFactory(
        role=Role.ADMINISTRATOR, email="sara@example.org", full_name="Sara Galli", with_mfa=True
    )
    activity_in_the_period(member)

    survey = staff_build_publish_and_invite(journey, staff)
    assert Invitation.objects.get(survey=survey).user == member
    member_answers_through_the_link(journey, member, survey)
    administrator_reads_the_dashboard(journey, administrator)
    administrator_produces_the_report(journey)
