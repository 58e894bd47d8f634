"""The board's work on questions: who must answer what, by when, and who
stepped aside because of a conflict of interest."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.calendar import working_days_between
from forum.models.questions import Question

# Working days before the due date from which an assignment is "due soon"
# (and its expert is reminded).
DUE_SOON_WORKING_DAYS = 2


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Assignment.Status.OPEN)

    def active(self):
        """Assignments that mean someone is on the question: open or answered."""
        return self.filter(status__in=Assignment.ACTIVE_STATUSES)

    def overdue(self, today: date):
        return self.open().filter(due_on__lt=today)


class Assignment(models.Model):
    """A question given to an expert by staff, or claimed by the expert, with a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        DECLINED = "declined", _("Declined")
        CONFLICT = "conflict", _("Withdrawn: conflict of interest")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.OPEN, Status.ANSWERED)

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="assignments"
    )
    # Empty when the expert claimed the question.
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("due date"))
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Set by the daily job when it claims the reminder or the escalation, so
    # that a second run the same day finds nothing left to send.
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["status", "due_on"], name="forum_assignment_due"),
            models.Index(fields=["expert", "status", "due_on"], name="forum_assignment_expert"),
            # An expert's answer times over the last year (their dashboard), from the index alone.
            models.Index(fields=["expert", "status", "closed_at", "created_at"], name="forum_assignment_expert_closed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "expert"],
                condition=Q(status__in=["open", "answered"]),
                name="forum_assignment_active_once",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="forum_assignment_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="forum_assignment_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} – {self.question} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return self.question.get_absolute_url()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_claimed(self) -> bool:
        return self.assigned_by_id is None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today

    def is_due_soon(self, today: date) -> bool:
        return (
            self.is_open and self.due_on >= today and working_days_between(today, self.due_on) <= DUE_SOON_WORKING_DAYS
        )


class ConflictOfInterest(models.Model):
    """An expert's declaration that they should not take part in a question.

    The reason is for staff only; the declaration takes the expert off the
    question's queue and hides their name among its co-signers."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("reason"), max_length=500)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-declared_at"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["question", "expert"], name="forum_conflict_once")]

    def __str__(self) -> str:
        return f"{self.expert} – {self.question}"
