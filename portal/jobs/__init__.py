"""Background work that survives its broker and its workers.

Services call ``jobs.enqueue(task, *args)`` inside their transaction: the job
is saved with the change that needs it, and its id goes to the broker once
that commits. A worker runs it at most once at a time; the reaper (beat, every
minute) sends again what the broker lost and runs again what a dead worker
left. See ``portal.jobs.services``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celery import Task

    from portal.jobs.models import Job


def enqueue(task: Task, *args, max_attempts: int = 5) -> Job:
    """Queue ``task(*args)``; see ``portal.jobs.services.enqueue``."""
    # Imported here: this package is imported while Django loads its apps,
    # before models may be.
    from portal.jobs.services import enqueue as _enqueue

    return _enqueue(task, *args, max_attempts=max_attempts)
