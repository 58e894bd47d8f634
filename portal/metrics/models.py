"""What the metrics keep: counted page views (a short-lived buffer and the
daily totals made from it), administrators' API tokens and the six-month reports.

No page view stores an address, a cookie or a user: a visitor is a hash of the
address, the user agent and a salt that changes every day, so visitors can be
counted per day and never followed from one day to the next.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PageKind(models.TextChoices):
    """What a counted page showed."""

    HOME = "home", _("Home page")
    QUESTION_LIST = "question_list", _("Question list and search")
    QUESTION = "question", _("Question")
    FAQ = "faq", _("FAQ")
    BOARD = "board", _("The board and expert profiles")
    DIRECTORY = "directory", _("Clinical network")
    GUIDELINE = "guideline", _("Guidelines")
    GUIDELINE_PDF = "guideline_pdf", _("Guidelines PDF download")
    SURVEY = "survey", _("Survey")
    ACCOUNT = "account", _("Personal area")
    BOARD_WORK = "board_work", _("Board and staff work")
    OTHER = "other", _("Other pages")


class PageView(models.Model):
    """One counted page view, kept until the daily totals include it."""

    day = models.DateField()
    kind = models.CharField(max_length=16, choices=PageKind.choices)
    # The visitor of that day: sha256 of salt, address and user agent, truncated.
    visitor = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["day", "kind"], name="metrics_pageview_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class DailyTraffic(models.Model):
    """Page views and distinct visitors of one day, all pages together."""

    day = models.DateField(unique=True)
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.views} views, {self.visitors} visitors"


class DailyPageViews(models.Model):
    """Page views and distinct visitors of one day, for one kind of page."""

    day = models.DateField()
    kind = models.CharField(max_length=16, choices=PageKind.choices)
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "kind"]
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="metrics_one_total_per_day_and_kind")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.views}"


class VisitorSalt(models.Model):
    """The random salt of one day's visitor hashes (see ``portal.metrics.visits``).

    Deleted once its day is over, so that a day's hashes can never be made again
    from an address and a user agent.
    """

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """An administrator's personal token for the read-only metrics API.

    Only its hash is stored; the token itself is shown once, when created.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    # The first characters, shown in the list so that the owner can tell tokens apart.
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Report(models.Model):
    """The six-month report for a period, in one language, as a PDF."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being produced")
        RUNNING = "running", _("Being produced")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="reports/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Made by the beat schedule for a six-month period (not asked for by someone):
    # one per period and language, whatever runs the schedule twice.
    scheduled = models.BooleanField(default=False)
    # Set once, by the run that tells staff the report is ready: the claim that
    # makes the email go out exactly once.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-requested_at"]
        verbose_name = _("six-month report")
        verbose_name_plural = _("six-month reports")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="metrics_report_period"),
            models.UniqueConstraint(
                fields=["period_start", "period_end", "language"],
                condition=Q(scheduled=True),
                name="metrics_one_scheduled_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end} ({self.language})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
