"""The six-month report: asked for by staff for any period, or made by the beat
schedule for each six-month period that has ended; rendered to PDF by the
worker (``report_pdf``), then announced by email to staff and administrators.

Each step is idempotent. A report is claimed by a conditional ``UPDATE``
(pending → running) before it is rendered, and its outcome is stored with a
compare-and-set on that claim, so a task run twice renders once and keeps one
file. The scheduled reports of a period are unique per language (a partial
unique constraint), and the announcement is claimed through ``notified_at``
before any email is written, so it goes out once.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.accounts.models import User
from portal.accounts.roles import Capability
from portal.audit.models import Action as AuditAction
from portal.errors import ServiceError
from portal.jobs import services as job_services
from portal.mail import mail_user
from portal.metrics.models import Report
from portal.metrics.periods import Period

logger = logging.getLogger(__name__)

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# The scheduled report is made in both languages: Italian for the Region and
# the cluster, English for the Interreg Europe project the centre reports to.
SCHEDULED_LANGUAGES = ("it", "en")
# A report asked for again within this time, still being produced, is the one returned.
RUNNING_TIMEOUT = timedelta(minutes=15)
# The longest period a report may cover: its charts have one column per day.
MAX_DAYS = 2 * 366


class ReportError(ServiceError):
    """A report that cannot be asked for (its message is for the user)."""


# Periods.


def report_period(report: Report) -> Period:
    return Period(start=report.period_start, end=report.period_end)


def half_years(*, until: date, first: date | None = None) -> list[Period]:
    """The consecutive six-month periods from ``first`` (the setting
    ``METRICS_FIRST_PERIOD_START``) that start on or before ``until``."""
    start = first or settings.METRICS_FIRST_PERIOD_START
    periods = []
    while start <= until:
        period = Period.half_year(start)
        periods.append(period)
        start = period.end + timedelta(days=1)
    return periods


def last_complete_period(today: date | None = None) -> Period | None:
    """The latest six-month period that has ended, or None before the first ends."""
    today = today or timezone.localdate()
    ended = [period for period in half_years(until=today) if period.end < today]
    return ended[-1] if ended else None


def current_period(today: date | None = None) -> Period | None:
    """The six-month period under way, from its start to today; None before the first."""
    today = today or timezone.localdate()
    periods = half_years(until=today)
    if not periods or periods[-1].end < today:
        return None
    return Period(start=periods[-1].start, end=today)


# Asking for reports.


def request_report(*, period: Period, language: str, user: User | None) -> Report:
    """A report of ``period`` in ``language``, queued for the worker.

    A report of the same period and language that is still being produced,
    and not lost, is returned instead of a second one.
    """
    if language not in LANGUAGES:
        raise ReportError(_("Choose Italian or English."))
    if period.end > timezone.localdate():
        raise ReportError(_("The period cannot end after today."))
    if period.days > MAX_DAYS:
        raise ReportError(_("A report covers at most two years."))
    recent = timezone.now() - RUNNING_TIMEOUT
    with transaction.atomic():
        unfinished = (
            Report.objects.filter(
                period_start=period.start,
                period_end=period.end,
                language=language,
                status__in=[Report.Status.PENDING, Report.Status.RUNNING],
                requested_at__gte=recent,
            )
            .order_by("-requested_at")
            .first()
        )
        if unfinished is not None:
            return unfinished
        report = Report.objects.create(
            period_start=period.start, period_end=period.end, language=language, requested_by=user
        )
        if user is not None:  # None: the beat schedule's own reports
            audit.record(
                actor=user,
                action=AuditAction.REPORT_REQUESTED,
                target=report,
                details={"start": period.start, "end": period.end, "language": language},
            )
        _queue_render(report.pk)
    return report


def create_due_reports(today: date | None = None) -> list[Report]:
    """The beat schedule's work: for each six-month period that has ended, its
    scheduled reports (one per language in ``SCHEDULED_LANGUAGES``) if they do
    not exist yet, each queued for the worker. Run twice, the second run makes nothing."""
    today = today or timezone.localdate()
    due = [period for period in half_years(until=today) if period.end < today]
    if not due:
        return []
    existing = set(
        Report.objects.filter(scheduled=True, period_start__gte=due[0].start).values_list(
            "period_start", "period_end", "language"
        )
    )
    created = []
    for period in due:
        for language in SCHEDULED_LANGUAGES:
            if (period.start, period.end, language) in existing:
                continue
            try:
                with transaction.atomic():
                    report = Report.objects.create(
                        period_start=period.start, period_end=period.end, language=language, scheduled=True
                    )
                    _queue_render(report.pk)
            except IntegrityError:
                # Another run of the schedule made it meanwhile (the partial unique constraint).
                continue
            created.append(report)
    return created


def _queue_render(report_id: int) -> None:
    from portal.metrics.tasks import render_report

    job_services.enqueue(render_report, report_id)


def _queue_announcement(report_id: int) -> None:
    from portal.metrics.tasks import announce_report

    job_services.enqueue(announce_report, report_id)


# Producing the PDF (the worker's task).


def file_name(report: Report) -> str:
    """``ctcc-relazione-2026-01-01-2026-06-30-it.pdf`` (``ctcc-report-…-en.pdf`` in English)."""
    word = "relazione" if report.language == "it" else "report"
    return f"ctcc-{word}-{report.period_start.isoformat()}-{report.period_end.isoformat()}-{report.language}.pdf"


def _claim(report: Report) -> bool:
    """Take the report for this run: pending, or running under a lost claim."""
    now = timezone.now()
    # No run of a job lasts longer than its time limit: an older claim is a dead worker's.
    lost = now - timedelta(seconds=job_services.hard_time_limit())
    claimable = Q(status=Report.Status.PENDING) | Q(status=Report.Status.RUNNING, started_at__lt=lost)
    claimed = Report.objects.filter(claimable, pk=report.pk).update(
        status=Report.Status.RUNNING, started_at=now, finished_at=None, error=""
    )
    report.started_at = now
    return bool(claimed)


def _finish(report: Report, **fields) -> bool:
    """Record the outcome if this run's claim still holds; False if another run took over."""
    done = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, started_at=report.started_at).update(
        finished_at=timezone.now(), **fields
    )
    return bool(done)


def produce(report: Report) -> str:
    """Render the report's PDF and store it; returns its status after.

    Safe to run again: a report that is ready or failed, or that another run
    is rendering, is left alone. A failure is logged with its traceback and
    recorded on the report (status failed, the error kept for staff), not
    raised: staff see it and may ask again. A ready report is announced once
    the outcome is committed.
    """
    from portal.metrics import report_pdf

    if not _claim(report):
        report.refresh_from_db()
        return report.status
    name = ""
    storage = report.file.storage
    try:
        content, pages = report_pdf.render_pdf(report)
        name = storage.save(report.file.field.generate_filename(report, file_name(report)), ContentFile(content))
        with transaction.atomic():
            stored = _finish(report, status=Report.Status.READY, file=name, pages=pages, size=len(content))
            if stored:
                _queue_announcement(report.pk)
    except Exception as error:
        logger.exception("The report %s (%s) could not be produced", report.pk, report)
        if name:
            storage.delete(name)
        message = next(iter(str(error).splitlines()), "")
        _finish(report, status=Report.Status.FAILED, error=f"{type(error).__name__}: {message}"[:500])
    else:
        if not stored:
            storage.delete(name)
    report.refresh_from_db()
    return report.status


# Telling staff.


def announce_report(report_id: int) -> int:
    """Email every active user who may see the metrics (staff and
    administrators), each in their language, that the report is ready; the
    number of emails. Once per report: the first run claims ``notified_at``."""
    with transaction.atomic():
        claimed = Report.objects.filter(pk=report_id, status=Report.Status.READY, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return 0
        report = Report.objects.get(pk=report_id)
        period = report_period(report)
        link = reverse("metrics:report", args=[report.pk])
        recipients = list(User.objects.with_capability(Capability.VIEW_METRICS).order_by("pk"))
        for user in recipients:
            # The emails leave when this transaction commits (portal.mail).
            mail_user(
                user=user,
                subject=lambda: _("The six-month report for %(period)s is ready") % {"period": period.label()},
                template="metrics/report_ready_email.txt",
                context={"report": report, "period": period, "link": link},
            )
    return len(recipients)
