"""The metrics' Celery tasks: thin, taking IDs, each safe to run twice."""

from celery import shared_task

# The six-month report (portal/metrics/reports.py).


@shared_task
def render_report(report_id: int) -> str | None:
    """Render a pending report's PDF (``reports.produce``); None if it is gone."""
    from portal.metrics import reports
    from portal.metrics.models import Report

    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return None
    return reports.produce(report)


@shared_task
def announce_report(report_id: int) -> int:
    """Tell staff and administrators, once, that a report is ready."""
    from portal.metrics import reports

    return reports.announce_report(report_id)


@shared_task
def create_due_reports() -> int:
    """The beat schedule's daily run: the reports of six-month periods that have ended."""
    from portal.metrics import reports

    return len(reports.create_due_reports())


# Counting visits (portal/metrics/visits.py).


@shared_task
def roll_up_visits() -> None:
    """Every five minutes: fold the raw page views into the daily totals."""
    from portal.metrics import visits

    visits.roll_up_visits()
