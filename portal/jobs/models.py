from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Job(models.Model):
    """One piece of background work: a Celery task's name and its arguments.

    The row is written in the transaction of the change that needs the work,
    so the work is never lost when the broker is down or a worker dies: the
    broker only carries the job's id, and the reaper sends it again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("background job", "Failed")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, encoder=DjangoJSONEncoder)
    # The arguments hold personal data (an email's message): cleared once the job is done.
    private = models.BooleanField(_("private arguments"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=5)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Not before: the backoff after a failed attempt.
    run_after = models.DateTimeField(_("not before"), default=timezone.now)
    # When the job's id was last handed to the broker (empty: never, the broker was down).
    dispatched_at = models.DateTimeField(_("sent to the broker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # The reaper's two questions: what is due, and what has stalled.
            models.Index(
                fields=["status", "run_after"], name="jobs_open", condition=Q(status__in=["queued", "running"])
            ),
            models.Index(fields=["finished_at"], name="jobs_finished", condition=Q(status__in=["done", "failed"])),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.get_status_display()})"
