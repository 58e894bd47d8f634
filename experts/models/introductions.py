"""Introductions the board brokers between members and clinics, the
feasibility requests they send, and the clinical investigations that follow."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models.board import CounsellingCase
from experts.models.network import Clinic, ClinicalPopulation, ClinicContact
from portal.accounts.models import Organisation
from portal.accounts.roles import Capability, user_can


class IntroductionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The board and staff see every introduction; members their organisation's."""
        if user_can(user, Capability.MANAGE_DIRECTORY) or user_can(user, Capability.ANSWER_QUESTIONS):
            return self
        if user_can(user, Capability.REQUEST_INTRODUCTIONS) and user.organisation_id:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


class Introduction(models.Model):
    """A member's request to be introduced to clinics for a planned investigation."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SENT = "sent", _("Feasibility requested")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Not taken forward")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="introductions"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="introductions")
    device = models.TextField(_("the device"), max_length=3_000)
    investigation = models.TextField(_("the planned investigation"), max_length=5_000)
    # The forum question it came from, if any (the forum keeps questions; this is a plain reference).
    question = models.ForeignKey(
        "forum.Question",
        verbose_name=_("forum question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
    )
    counselling_case = models.ForeignKey(
        CounsellingCase,
        verbose_name=_("counselling case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introductions",
    )
    populations = models.ManyToManyField(
        ClinicalPopulation, verbose_name=_("clinical populations"), related_name="introductions", blank=True
    )
    clinics = models.ManyToManyField(Clinic, verbose_name=_("clinics"), related_name="introductions", blank=True)
    board_proposes = models.BooleanField(_("ask the board to propose clinics"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("message to the clinics"), max_length=5_000, blank=True)
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False, reply_by__isnull=False),
                name="experts_introduction_sent_has_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.device[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("experts:introduction", args=[self.pk])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class FeasibilityRequest(models.Model):
    """One clinic contact's part of an introduction: their personal link (only
    its hash is stored), its expiry, and their answer."""

    class Answer(models.TextChoices):
        INTERESTED = "interested", _("Interested")
        NOT_INTERESTED = "not_interested", _("Not interested")
        NEED_INFORMATION = "need_information", _("Needs more information")

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="feasibility_requests")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="feasibility_requests")
    contact = models.ForeignKey(ClinicContact, on_delete=models.PROTECT, related_name="feasibility_requests")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=3_000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["clinic__name", "created_at"]
        verbose_name = _("feasibility request")
        verbose_name_plural = _("feasibility requests")
        constraints = [
            models.UniqueConstraint(fields=["introduction", "contact"], name="experts_feasibility_once_per_contact"),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True) | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="experts_feasibility_answer_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic} – {self.introduction_id}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class InvestigationStage(models.TextChoices):
    """The stages of a facilitated investigation, in order."""

    FEASIBILITY = "feasibility", _("Feasibility")
    PLAN = "plan", _("Clinical investigation plan")
    SUBMITTED = "submitted", _("Submitted to the ethics committee and the competent authority")
    APPROVED = "approved", _("Approved")
    ENROLLING = "enrolling", _("First subject enrolled")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


# "Clinical trials facilitated", the centre's headline figure: investigations
# the board brokered that reached submission to the ethics committee and the
# competent authority, or went further (even if stopped afterwards).
FACILITATED_FROM = InvestigationStage.SUBMITTED


class FacilitatedInvestigationQuerySet(models.QuerySet):
    def facilitated(self):
        """What the metrics and reports count as "clinical trials facilitated"."""
        return self.filter(submitted_on__isnull=False)

    def visible_to(self, user):
        if user_can(user, Capability.MANAGE_DIRECTORY) or user_can(user, Capability.ANSWER_QUESTIONS):
            return self
        if user_can(user, Capability.REQUEST_INTRODUCTIONS) and user.organisation_id:
            return self.filter(sponsor_id=user.organisation_id)
        return self.none()


class FacilitatedInvestigation(models.Model):
    """A clinical investigation that came from an introduction, followed stage by stage."""

    title = models.CharField(_("title"), max_length=250)
    introduction = models.ForeignKey(
        Introduction, on_delete=models.SET_NULL, null=True, blank=True, related_name="investigations"
    )
    counselling_case = models.ForeignKey(
        CounsellingCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="investigations"
    )
    sponsor = models.ForeignKey(
        Organisation, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="investigations"
    )
    clinics = models.ManyToManyField(Clinic, verbose_name=_("clinics"), related_name="investigations")
    stage = models.CharField(
        _("stage"), max_length=16, choices=InvestigationStage.choices, default=InvestigationStage.FEASIBILITY
    )
    civ_id = models.CharField(
        _("CIV-ID"),
        max_length=32,
        blank=True,
        help_text=_("The EU clinical investigation ID from EUDAMED, once assigned (e.g. CIV-24-03-012345)."),
    )
    # The day it reached submission: set once, kept if it is later stopped.
    submitted_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FacilitatedInvestigationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("facilitated investigation")
        verbose_name_plural = _("facilitated investigations")
        indexes = [models.Index(fields=["submitted_on"], name="experts_investigation_counted")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("experts:investigation", args=[self.pk])

    @property
    def is_facilitated(self) -> bool:
        return self.submitted_on is not None


class StageChange(models.Model):
    """A facilitated investigation's history: the stage it reached, on which day."""

    investigation = models.ForeignKey(FacilitatedInvestigation, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=16, choices=InvestigationStage.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "created_at"]
        verbose_name = _("stage reached")
        verbose_name_plural = _("stages reached")

    def __str__(self) -> str:
        return f"{self.investigation}: {self.get_stage_display()} ({self.on})"
