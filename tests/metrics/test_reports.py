"""The six-month report: who may ask for, see and download one; the request
only queues it; the worker's task renders the PDF (read back with pypdf),
stores it once, records a failure, and announces it once to staff and
administrators; the beat schedule makes one per ended period and language.

Personas: anonymous, ``member``, ``other_member``, ``expert``, ``staff_user``,
``administrator``."""

import logging
import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from pypdf import PdfReader

from portal.accounts.roles import Role
from portal.celery import app as celery_app
from portal.metrics import report_pdf, reports
from portal.metrics.models import DailyTraffic, Report
from portal.metrics.periods import Period
from portal.metrics.tasks import announce_report, create_due_reports, render_report
from tests.conftest import PERSONAS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
METRICS_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 200, ADMIN: 200}
H1 = Period(start=date(2026, 1, 1), end=date(2026, 6, 30))


def matrix(expected: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("persona", "expected"), list(expected.items()))


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.METRICS_FIRST_PERIOD_START = date(2026, 1, 1)
    return settings.MEDIA_ROOT


@pytest.fixture
def queued_tasks():
    """Tasks go to an in-memory queue that no worker reads: what the request
    queued is left undone, so the test sees that the request did not render."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved


@pytest.fixture
def set_today(monkeypatch):
    """Stop the clock's date at a given day (the clock is the edge we may fake)."""

    def move_to(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return move_to


def traffic(period: Period, views: int) -> None:
    """``views`` page views on each day of ``period``, by half as many visitors."""
    DailyTraffic.objects.bulk_create(
        DailyTraffic(day=day, views=views, visitors=views // 2) for day in period.each_day()
    )


def new_report(period: Period = H1, language: str = "it", **fields) -> Report:
    return Report.objects.create(period_start=period.start, period_end=period.end, language=language, **fields)


def pdf_text(report: Report) -> list[str]:
    with report.file.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def stored_files(media_root) -> list[str]:
    folder = media_root / "reports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# Who may see what.


@matrix(METRICS_200)
@pytest.mark.parametrize("name", ["reports", "report", "report_download"])
def test_report_pages_are_for_staff_and_administrators(request, persona, expected, name, media_root):
    report = new_report()
    reports.produce(report)
    args = [] if name == "reports" else [report.pk]
    url = reverse(f"metrics:{name}", args=args)
    response = request.getfixturevalue(persona).get(url)
    assert_status(response, expected, url)
    if expected == 200 and name == "report_download":
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == ('attachment; filename="ctcc-relazione-2026-01-01-2026-06-30-it.pdf"')
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@matrix(METRICS_200 | {STAFF: 302, ADMIN: 302})
def test_asking_for_a_report_is_for_staff_and_administrators(request, persona, expected, queued_tasks):
    url = reverse("metrics:request_report")
    data = {"start": "2026-01-01", "end": "2026-06-30", "language": "en"}
    response = request.getfixturevalue(persona).post(url, data)
    assert_status(response, expected, url)
    assert Report.objects.count() == (1 if expected == 302 else 0)


def test_an_unknown_report_is_404(staff_client):
    assert staff_client.get(reverse("metrics:report", args=[987_654])).status_code == 404
    assert staff_client.get(reverse("metrics:report_download", args=[987_654])).status_code == 404


def test_the_pdf_is_not_served_from_media(staff_client):
    report = new_report()
    reports.produce(report)
    assert report.file.name.startswith("reports/")
    assert staff_client.get(f"/media/{report.file.name}").status_code == 404


def test_download_of_a_report_not_ready_goes_to_its_status(staff_client):
    report = new_report()
    response = staff_client.get(reverse("metrics:report_download", args=[report.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("metrics:report", args=[report.pk])


# Asking: the request returns at once, the worker renders.


def test_a_request_queues_the_report_and_renders_nothing(staff_client, staff_user, queued_tasks, media_root):
    with translation.override("en"):
        response = staff_client.post(
            reverse("metrics:request_report"), {"start": "2026-01-01", "end": "2026-06-30", "language": "en"}
        )

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("metrics:report", args=[report.pk])
    assert (report.period_start, report.period_end, report.language) == (date(2026, 1, 1), date(2026, 6, 30), "en")
    assert (report.status, report.requested_by, report.scheduled) == (Report.Status.PENDING, staff_user, False)
    assert (report.file.name, report.pages, report.started_at) == ("", None, None)
    assert stored_files(media_root) == []
    status_url = reverse("metrics:report", args=[report.pk]) + "?format=json"
    state = staff_client.get(status_url)
    assert state["Cache-Control"] == "no-store"
    assert state.json() == {"status": "pending", "download": "", "pages": None, "size": None}
    page = staff_client.get(reverse("metrics:report", args=[report.pk])).content.decode()
    assert 'data-status="pending"' in page
    assert "js/pdf-status.js" in page

    # The worker's part.
    assert render_report.apply(args=[report.pk]).get() == Report.Status.READY

    report.refresh_from_db()
    state = staff_client.get(status_url).json()
    assert state == {
        "status": "ready",
        "download": reverse("metrics:report_download", args=[report.pk]),
        "pages": report.pages,
        "size": report.size,
    }
    download = staff_client.get(state["download"])
    assert download["Content-Disposition"] == 'attachment; filename="ctcc-report-2026-01-01-2026-06-30-en.pdf"'


def test_a_second_request_while_one_is_produced_shares_it(staff_client, administrator, queued_tasks):
    data = {"start": "2026-01-01", "end": "2026-06-30", "language": "it"}
    first = staff_client.post(reverse("metrics:request_report"), data)
    second = staff_client.post(reverse("metrics:request_report"), data)

    report = Report.objects.get()
    assert first["Location"] == second["Location"] == reverse("metrics:report", args=[report.pk])


def test_a_preset_asks_for_the_last_complete_six_month_period(staff_client, queued_tasks, set_today):
    set_today(date(2026, 8, 3))
    staff_client.post(reverse("metrics:request_report"), {"preset": "last", "language": "it"})
    staff_client.post(reverse("metrics:request_report"), {"preset": "current", "language": "en"})

    assert sorted(Report.objects.values_list("period_start", "period_end", "language")) == [
        (date(2026, 1, 1), date(2026, 6, 30), "it"),
        (date(2026, 7, 1), date(2026, 8, 3), "en"),
    ]


def test_the_form_offers_the_presets(staff_client, set_today):
    set_today(date(2026, 8, 3))
    with translation.override("en"):
        page = staff_client.get(reverse("metrics:reports")).content.decode()
    assert 'name="preset" value="last"' in page
    assert 'name="preset" value="current"' in page
    assert 'value="2026-01-01"' in page and 'value="2026-06-30"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start": "2026-06-30", "end": "2026-01-01", "language": "it"},
            "end",
            "The period must end on or after its first day.",
        ),
        ({"start": "2026-01-01", "end": "2099-06-30", "language": "it"}, "end", "The period cannot end after today."),
        ({"start": "2020-01-01", "end": "2026-06-30", "language": "it"}, "end", "A report covers at most two years."),
        ({"start": "2026-01-01", "end": "2026-06-30", "language": "fr"}, "language", None),
        ({"start": "yesterday", "end": "2026-06-30", "language": "it"}, "start", None),
        ({"end": "2026-06-30", "language": "it"}, "start", None),
    ],
)
def test_a_bad_period_is_refused_in_the_users_language(client_for, data, field, message, queued_tasks, set_today):
    set_today(date(2026, 8, 3))
    for language in ("it", "en"):
        user = UserFactory(role=Role.STAFF, with_mfa=True, preferred_language=language)
        response = client_for(user).post(reverse("metrics:request_report"), data)
        assert response.status_code == 400
        errors = response.context["form"].errors
        assert list(errors) == [field]
        if message:
            with translation.override(language):
                expected = gettext(message)
            assert errors[field] == [expected]
            assert escape(expected) in response.content.decode()
    assert Report.objects.count() == 0


def test_asking_is_rate_limited(staff_client, settings, queued_tasks):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "metrics_report": "2/h/user"}
    for day in (1, 2):
        data = {"start": f"2026-01-0{day}", "end": "2026-06-30", "language": "it"}
        assert staff_client.post(reverse("metrics:request_report"), data).status_code == 302
    data = {"start": "2026-01-03", "end": "2026-06-30", "language": "it"}
    assert staff_client.post(reverse("metrics:request_report"), data).status_code == 429
    assert Report.objects.count() == 2


# The task and the PDF.


def test_the_italian_pdf_has_the_period_the_figures_and_the_page_numbers(media_root):
    traffic(H1, 100)  # 181 days
    traffic(H1.previous(), 50)  # 181 days
    report = new_report(language="it")

    assert render_report.delay(report.pk).get() == Report.Status.READY

    report.refresh_from_db()
    pages = pdf_text(report)
    assert report.pages == len(pages) >= 4
    assert report.size == (media_root / report.file.name).stat().st_size
    assert report.file.name == "reports/ctcc-relazione-2026-01-01-2026-06-30-it.pdf"
    assert (report.error, report.started_at is not None, report.finished_at is not None) == ("", True, True)
    with translation.override("it"):
        title, label, methods = gettext("Six-month report"), H1.label(), gettext("Methods")
    cover = pages[0]
    for text in (
        "Centro di competenza per le sperimentazioni cliniche – Lombardia",
        title,
        label,
        f"Pagina 1 di {len(pages)}",
    ):
        assert text in cover, text
    assert f"Pagina 2 di {len(pages)}" in pages[1]
    headline = pages[1]
    assert f"{title} · {label}" in headline  # the running header
    # 181 days of 100 views against 181 days of 50: 18.100 against 9.050, +9.050 (+100,0 %).
    assert "18.100" in headline and "9.050" in headline and "+9.050 (+100,0 %)" in headline
    everything = " ".join(pages)
    with translation.override("it"):
        from portal.metrics.selectors import overview

        data = overview(H1)
    for figure in data.figures.values():
        assert " ".join(str(figure.definition).split()) in everything
    assert methods in everything


def test_the_english_pdf_is_in_english(media_root):
    traffic(H1, 10)
    report = new_report(language="en")

    render_report.delay(report.pk).get()

    report.refresh_from_db()
    pages = pdf_text(report)
    with translation.override("en"):
        label = H1.label()
    cover = pages[0]
    for text in (
        "Clinical Trials Competence Centre – Lombardy",
        "Six-month report",
        label,
        f"Page 1 of {len(pages)}",
    ):
        assert text in cover, text
    assert "1,810" in pages[1]
    assert "Methods" in " ".join(pages)


def test_the_pdf_lays_out_the_overview_and_the_surveys():
    """The template with a small stand-in for the selectors' results: the
    surveys' part is drawn from ``survey_results``' interface."""
    from portal.charts import bar_chart

    class Stand:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    question = Stand(
        question="Quanto è stato utile il forum?",
        kind="scale",
        answered=40,
        chart=bar_chart(title="Utilità", rows=[("1", 2), ("5", 30)]),
        summary="Media 4,6",
        texts=[],
    )
    comments = Stand(
        question="Che cosa miglioreresti?", kind="text", answered=2, chart=None, summary="", texts=["Più webinar"]
    )
    results = Stand(
        survey=Stand(title="Soddisfazione degli associati 2026"),
        responses=42,
        invited=100,
        rate=0.42,
        questions=[question, comments],
    )
    traffic(H1, 10)
    report = new_report(language="it")

    with translation.override("it"):
        html = report_pdf.render_html(report, surveys=[results])

    assert "Soddisfazione degli associati 2026" in html
    assert "42 " in html and "100 " in html and "42 %" in html
    assert "Quanto è stato utile il forum?" in html and "Media 4,6" in html and "Più webinar" in html
    assert html.count('<details class="chart-data" open>') >= 2


def test_rendering_twice_keeps_one_file_and_does_nothing_more(media_root):
    report = new_report()
    render_report.delay(report.pk).get()
    report.refresh_from_db()
    finished_at = report.finished_at

    assert render_report.delay(report.pk).get() == Report.Status.READY

    report.refresh_from_db()
    assert (report.status, report.finished_at) == (Report.Status.READY, finished_at)
    assert stored_files(media_root) == ["ctcc-relazione-2026-01-01-2026-06-30-it.pdf"]


def test_a_report_another_worker_is_rendering_is_left_alone(media_root):
    report = new_report()
    assert reports._claim(Report.objects.get(pk=report.pk))  # another worker has it

    assert render_report.delay(report.pk).get() == Report.Status.RUNNING

    assert stored_files(media_root) == []


def test_a_run_whose_claim_was_taken_over_records_nothing():
    report = new_report()
    mine = Report.objects.get(pk=report.pk)
    assert reports._claim(mine)
    # The claim was thought lost and another run took the report.
    Report.objects.filter(pk=report.pk).update(started_at=mine.started_at + timedelta(minutes=20))

    assert not reports._finish(mine, status=Report.Status.READY, file="reports/x.pdf", pages=1, size=1)

    report.refresh_from_db()
    assert (report.status, report.file.name) == (Report.Status.RUNNING, "")


def test_a_lost_claim_is_taken_over(media_root):
    report = new_report(status=Report.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1))

    assert render_report.delay(report.pk).get() == Report.Status.READY

    recent = new_report(language="en", status=Report.Status.RUNNING, started_at=timezone.now())
    assert render_report.delay(recent.pk).get() == Report.Status.RUNNING
    assert stored_files(media_root) == ["ctcc-relazione-2026-01-01-2026-06-30-it.pdf"]


def test_a_failed_render_is_recorded_not_raised(settings, tmp_path, caplog, staff_client):
    # The storage cannot write: its folder is a file.
    (tmp_path / "not-a-folder").write_text("")
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    report = new_report()

    with caplog.at_level(logging.ERROR, logger="portal.metrics.reports"):
        assert render_report.delay(report.pk).get() == Report.Status.FAILED

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("NotADirectoryError: ")
    assert (report.file.name, report.pages, report.size, report.notified_at) == ("", None, None, None)
    assert report.finished_at is not None
    assert [record.getMessage() for record in caplog.records] == [
        f"The report {report.pk} ({report}) could not be produced"
    ]
    assert caplog.records[0].exc_info is not None  # the traceback is logged
    # Staff see the error on the status page; a failed report is left alone by the task.
    page = staff_client.get(reverse("metrics:report", args=[report.pk])).content.decode()
    assert escape(report.error) in page
    assert render_report.delay(report.pk).get() == Report.Status.FAILED
    assert len(mail.outbox) == 0


def test_render_report_of_a_missing_report_does_nothing():
    assert render_report.delay(987_654).get() is None


def test_the_footer_is_in_the_language():
    with translation.override("it"):
        assert report_pdf.page_of_pages() == '"Pagina " counter(page) " di " counter(pages)'


# The announcement.


def test_a_ready_report_is_announced_once_to_staff_and_administrators(
    staff_user, administrator, member, expert, django_capture_on_commit_callbacks
):
    staff_user.preferred_language = "en"
    staff_user.save(update_fields=["preferred_language"])
    UserFactory(role=Role.STAFF, is_active=False)
    report = new_report()

    with django_capture_on_commit_callbacks(execute=True):
        render_report.delay(report.pk)

    report.refresh_from_db()
    assert report.notified_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted([staff_user.email, administrator.email])
    messages = {message.to[0]: message for message in mail.outbox}
    link = f"/metrics/reports/{report.pk}/"
    english, italian = messages[staff_user.email], messages[administrator.email]
    with translation.override("en"):
        assert english.subject == f"[CTCC] The six-month report for {H1.label()} is ready"
    assert link in english.body and f"The PDF has {report.pages} pages" in english.body
    with translation.override("it"):
        subject = gettext("The six-month report for %(period)s is ready") % {"period": H1.label()}
    assert italian.subject == f"[CTCC] {subject}"
    assert link in italian.body

    # Retried: the render and the announcement find their work done.
    with django_capture_on_commit_callbacks(execute=True):
        render_report.delay(report.pk)
        assert announce_report.delay(report.pk).get() == 0
    assert len(mail.outbox) == 2


def test_a_report_not_ready_is_not_announced(staff_user):
    report = new_report()
    assert announce_report.delay(report.pk).get() == 0
    assert Report.objects.get(pk=report.pk).notified_at is None
    assert mail.outbox == []


# The schedule.


def test_the_schedule_makes_the_reports_of_ended_periods_once(django_capture_on_commit_callbacks, queued_tasks):
    assert reports.create_due_reports(today=date(2026, 6, 30)) == []  # the first period has not ended

    made = reports.create_due_reports(today=date(2026, 7, 1))
    again = reports.create_due_reports(today=date(2026, 7, 1))

    assert sorted((r.period_start, r.period_end, r.language) for r in made) == [
        (date(2026, 1, 1), date(2026, 6, 30), "en"),
        (date(2026, 1, 1), date(2026, 6, 30), "it"),
    ]
    assert again == []
    assert Report.objects.filter(scheduled=True, status=Report.Status.PENDING, requested_by=None).count() == 2

    # Across the next boundary: the second half of 2026 ends on 31 December.
    assert reports.create_due_reports(today=date(2026, 12, 31)) == []
    later = reports.create_due_reports(today=date(2027, 1, 1))
    assert sorted((r.period_start, r.period_end, r.language) for r in later) == [
        (date(2026, 7, 1), date(2026, 12, 31), "en"),
        (date(2026, 7, 1), date(2026, 12, 31), "it"),
    ]
    assert reports.create_due_reports(today=date(2027, 3, 1)) == []
    assert Report.objects.count() == 4


def test_the_schedule_catches_up_on_missed_periods_and_ignores_requested_reports(queued_tasks):
    new_report(H1, "it")  # asked for by staff: not the scheduled one
    made = reports.create_due_reports(today=date(2027, 2, 1))
    assert len(made) == 4
    assert Report.objects.filter(period_start=H1.start, language="it").count() == 2


def test_the_schedule_queues_the_renders(django_capture_on_commit_callbacks, set_today):
    set_today(date(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert create_due_reports.delay().get() == 2
    assert set(Report.objects.values_list("status", flat=True)) == {Report.Status.READY}
    assert len(mail.outbox) == 0  # no staff in this test


def test_the_scheduled_report_is_unique_per_period_and_language():
    new_report(scheduled=True)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        new_report(scheduled=True)
    new_report(scheduled=False)
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    ("today", "last", "current"),
    [
        (date(2025, 12, 31), None, None),
        (date(2026, 3, 10), None, (date(2026, 1, 1), date(2026, 3, 10))),
        (date(2026, 7, 1), (date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 7, 1))),
        (date(2027, 1, 15), (date(2026, 7, 1), date(2026, 12, 31)), (date(2027, 1, 1), date(2027, 1, 15))),
    ],
)
def test_presets(today, last, current):
    as_tuple = lambda period: (period.start, period.end) if period else None  # noqa: E731
    assert as_tuple(reports.last_complete_period(today)) == last
    assert as_tuple(reports.current_period(today)) == current


# A fixed number of queries whatever the number of reports.


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_runs_a_fixed_number_of_queries(staff_client, count, django_assert_max_num_queries):
    users = [UserFactory(role=Role.STAFF) for _ in range(3)]
    for index in range(count):
        new_report(language="it" if index % 2 else "en", requested_by=users[index % 3])
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("metrics:reports"))
    assert response.status_code == 200
    rows = re.findall(r'<tr id="report-(\d+)">', response.content.decode())
    assert len(rows) == min(count, 20)


def test_the_list_shows_each_report(staff_client, staff_user):
    ready = new_report(requested_by=staff_user)
    reports.produce(ready)
    ready.refresh_from_db()
    scheduled = new_report(Period(date(2026, 7, 1), date(2026, 12, 31)), "en", scheduled=True)
    with translation.override("en"):
        page = staff_client.get(reverse("metrics:reports"), headers={"accept-language": "en"}).content.decode()
    row = page.split(f'<tr id="report-{ready.pk}">')[1].split("</tr>")[0]
    assert reverse("metrics:report_download", args=[ready.pk]) in row
    assert staff_user.full_name in row and f">{ready.pages}<" in row
    other = page.split(f'<tr id="report-{scheduled.pk}">')[1].split("</tr>")[0]
    assert reverse("metrics:report_download", args=[scheduled.pk]) not in other
