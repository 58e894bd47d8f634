"""Queue, run and reap background jobs (the ``Job`` table).

``enqueue`` writes the job in the caller's transaction and hands its id to
the broker once that commits. ``run`` claims a job, so a redelivered or
duplicated message runs nothing twice, and records the outcome with a retry
and backoff on failure. ``reap`` (the beat schedule, every minute) sends
again what the broker lost or never took, and queues again what a dead worker
left "running".

Celery kills a job that runs longer than ``hard_time_limit()``, shorter than
``JOBS_STALLED_AFTER``: a claim older than that is certainly lost, so two runs
of a job never overlap.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.cache import RedisBreaker
from portal.jobs.models import Job

logger = logging.getLogger(__name__)

# A failed attempt waits 30 s, then 1, 2, 4... minutes, at most an hour.
FIRST_BACKOFF = timedelta(seconds=30)
LONGEST_BACKOFF = timedelta(hours=1)
# Finished jobs are kept this long for staff to look into, then deleted. (A
# private job's arguments, such as an email's message, go as soon as it is done;
# a failed one keeps them for staff to find out why.)
KEEP_DONE = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)
REAP_BATCH = 500

# Once the broker refused a job, the next ones of this process do not wait on it.
_broker = RedisBreaker()


def stalled_after() -> timedelta:
    return timedelta(seconds=settings.JOBS_STALLED_AFTER)


def soft_time_limit() -> int:
    """Seconds after which a running job is interrupted (and retried later)."""
    return settings.JOBS_STALLED_AFTER * 2 // 3


def hard_time_limit() -> int:
    """Seconds after which Celery kills the process running a job."""
    return settings.JOBS_STALLED_AFTER * 3 // 4


def enqueue(task: Task, *args, max_attempts: int = 5) -> Job:
    """Queue ``task(*args)``: saved now, sent to the worker on commit."""
    return enqueue_many(task, [args], max_attempts=max_attempts)[0]


def enqueue_many(task: Task, calls: Iterable[tuple], *, max_attempts: int = 5, private: bool = False) -> list[Job]:
    """Queue one job per argument tuple of ``calls``, in one insert. ``private``:
    the arguments hold personal data, kept only until the job is done."""
    jobs = Job.objects.bulk_create(
        [Job(task=task.name, args=list(args), max_attempts=max_attempts, private=private) for args in calls]
    )
    ids = [job.pk for job in jobs]
    transaction.on_commit(lambda: dispatch(ids))
    return jobs


def dispatch(job_ids: list[int]) -> int:
    """Hand the jobs to the broker; how many it took. Never raises and never
    waits on a broker that is down: the jobs stay queued for the reaper."""
    from portal.jobs.tasks import run_job

    if _broker.is_open or not job_ids:
        return 0
    sent = []
    try:
        for job_id in job_ids:
            run_job.apply_async((job_id,), retry=False)
            sent.append(job_id)
    except Exception:
        # kombu and redis raise their own errors; whatever it is, the job is safe in the table.
        logger.warning("The broker did not take job %s: the reaper will send it.", job_id, exc_info=True)
        _broker.trip()
    if sent:
        Job.objects.filter(pk__in=sent).update(dispatched_at=timezone.now())
    return len(sent)


def run(job_id: int) -> str | None:
    """Run a queued job once; its status after, or None if it was not ours to run
    (finished, running elsewhere, not due yet, or gone)."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        current_app.tasks[job.task].run(*job.args)
    except Exception as error:
        logger.exception("Job %s failed (attempt %s of %s)", job, job.attempts, job.max_attempts)
        message = next(iter(str(error).splitlines()), "")
        return _settle(job, failure=f"{type(error).__name__}: {message}"[:500])
    return _settle(job)


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED, run_after__lte=now).update(
        status=Job.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    return Job.objects.filter(pk=job_id).first() if claimed else None


def _settle(job: Job, *, failure: str = "") -> str:
    """Record this run's outcome, if its claim still holds (the reaper may have
    taken the job back after ``JOBS_STALLED_AFTER``)."""
    now = timezone.now()
    if not failure:
        fields = {"status": Job.Status.DONE, "finished_at": now, "error": ""}
        if job.private:
            fields["args"] = []
    elif job.attempts >= job.max_attempts:
        fields = {"status": Job.Status.FAILED, "finished_at": now, "error": failure}
    else:
        backoff = min(FIRST_BACKOFF * 2 ** (job.attempts - 1), LONGEST_BACKOFF)
        fields = {"status": Job.Status.QUEUED, "run_after": now + backoff, "error": failure}
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, started_at=job.started_at).update(**fields)
    return fields["status"]


def reap() -> dict[str, int]:
    """The beat schedule's minute: queue again the stalled jobs, send the due
    ones the broker does not hold, and delete old finished ones."""
    now = timezone.now()
    lost = now - stalled_after()
    stalled = Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=lost)
    given_up = stalled.filter(attempts__gte=F("max_attempts")).update(
        status=Job.Status.FAILED, finished_at=now, error="Stalled: the worker running it was lost."
    )
    requeued = stalled.update(status=Job.Status.QUEUED, run_after=now, error="Stalled: run again.")
    if given_up or requeued:
        logger.warning("Jobs: %s stalled job(s) queued again, %s given up.", requeued, given_up)

    # Due and not in the broker: never sent, sent before a retry's backoff, or sent so
    # long ago that the message must be lost (a worker took it and died, or Redis lost it).
    unsent = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=F("run_after")) | Q(dispatched_at__lt=lost)
    due = list(
        Job.objects.filter(unsent, status=Job.Status.QUEUED, run_after__lte=now)
        .order_by("run_after")
        .values_list("pk", flat=True)[:REAP_BATCH]
    )
    sent = dispatch(due)

    deleted, _ = Job.objects.filter(
        Q(status=Job.Status.DONE, finished_at__lt=now - KEEP_DONE)
        | Q(status=Job.Status.FAILED, finished_at__lt=now - KEEP_FAILED)
    ).delete()
    return {"requeued": requeued, "failed": given_up, "sent": sent, "due": len(due), "deleted": deleted}
