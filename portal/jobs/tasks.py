from celery import shared_task

from portal.jobs import services


@shared_task(soft_time_limit=services.soft_time_limit(), time_limit=services.hard_time_limit())
def run_job(job_id: int) -> str | None:
    """Run one job of the job table (``services.run``): safe to deliver twice."""
    return services.run(job_id)


@shared_task
def reap_jobs() -> dict[str, int]:
    """Every minute: stalled jobs queued again, lost ones sent again (``services.reap``)."""
    return services.reap()
