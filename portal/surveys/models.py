"""Surveys of the centre's users: the questionnaire staff build, the
invitations they send, and the responses.

How an anonymous response stays anonymous
-----------------------------------------
Who may answer is recorded on an ``Invitation`` (one per person and survey,
also created on the fly when a signed-in member answers without having been
invited). While a respondent is still writing, their answers live in a
``Draft`` tied to their invitation (or, for the public link, to the hash of a
resume key kept in their session): a draft must be found again by the same
link, so it has to know whose it is. Submitting, in one transaction, marks the
invitation as used (a conditional UPDATE: a second submission finds it used),
writes a ``Response`` with its ``Answer`` rows and deletes the draft.

For an anonymous survey the ``Response`` carries no user and no invitation (a
check constraint refuses them), its primary key is a random UUID (not a
sequence that would line up with the invitations' ``used_at``) and it keeps
only the day it was submitted, not the time; its answers have random keys too. What is left is the invitation's
"used, and when", which says who answered but not what.

For an identified survey the response keeps its invitation (unique: one
response per token) and, for users, the user (unique per survey).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from experts.models.network import ClinicContact
from portal.accounts.roles import Role


def in_language(it: str, en: str) -> str:
    """The Italian or the English text, as the active language asks; the other one when it is missing."""
    if (translation.get_language() or "it").startswith("en"):
        return en or it
    return it or en


class Audience(models.TextChoices):
    MEMBERS = "members", _("All members")
    EXPERTS = "experts", _("Experts of the board")
    CLINIC_CONTACTS = "clinic_contacts", _("Clinic contacts")
    PUBLIC = "public", _("Anyone with the public link")


def audience_of(user) -> str | None:
    """The audience a signed-in user belongs to: members or experts (staff run surveys)."""
    if not user.is_authenticated or not user.is_active:
        return None
    return {Role.MEMBER: Audience.MEMBERS, Role.EXPERT: Audience.EXPERTS}.get(user.role)


class SurveyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def for_audience(self, user):
        """The surveys whose audience includes the signed-in ``user`` (public ones aside)."""
        audience = audience_of(user)
        return self.filter(audience=audience) if audience else self.none()


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Published, not yet open")
        OPEN = "open", pgettext_lazy("survey", "Open")
        CLOSED = "closed", pgettext_lazy("survey", "Closed")

    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_it = models.TextField(_("introduction (Italian)"), max_length=4_000, blank=True)
    intro_en = models.TextField(_("introduction (English)"), max_length=4_000, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), help_text=_("The survey closes by itself at this time."))
    anonymous = models.BooleanField(
        _("anonymous responses"),
        default=True,
        help_text=_("Responses do not record who answered. This cannot be changed once the survey is published."),
    )
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices, default=Audience.MEMBERS)
    # The secret of the public link (audience "public"), set when published.
    public_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    invitations_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="surveys_closes_after_opens"),
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="surveys_audience_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return in_language(self.title_it, self.title_en)

    @property
    def intro(self) -> str:
        return in_language(self.intro_it, self.intro_en)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if not self.is_published:
            return self.State.DRAFT
        if now < self.opens_at:
            return self.State.SCHEDULED
        if now >= self.closes_at:
            return self.State.CLOSED
        return self.State.OPEN

    def get_state_display(self) -> str:
        return self.State(self.state()).label

    @property
    def is_open(self) -> bool:
        return self.state() == self.State.OPEN

    @property
    def uses_invitations(self) -> bool:
        return self.audience != Audience.PUBLIC


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement scale (1 to 5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NPS = "nps", _("Recommendation score (0 to 10)")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


class Question(models.Model):
    Kind = QuestionKind

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text_it = models.CharField(_("question (Italian)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500)
    help_it = models.CharField(_("help text (Italian)"), max_length=500, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=True)
    low_label_it = models.CharField(_("label of 1 (Italian)"), max_length=80, blank=True)
    low_label_en = models.CharField(_("label of 1 (English)"), max_length=80, blank=True)
    high_label_it = models.CharField(_("label of 5 (Italian)"), max_length=80, blank=True)
    high_label_en = models.CharField(_("label of 5 (English)"), max_length=80, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="surveys_question_kind_valid"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="surveys_question_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return in_language(self.text_it, self.text_en)

    @property
    def help_text(self) -> str:
        return in_language(self.help_it, self.help_en)

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    def likert_labels(self) -> dict[int, str]:
        """The five points of the scale, the extremes named."""
        low = in_language(self.low_label_it, self.low_label_en)
        high = in_language(self.high_label_it, self.high_label_en)
        if low and high:
            names = {1: low, 5: high}
        else:
            names = {
                1: str(_("Strongly disagree")),
                2: str(_("Disagree")),
                3: str(_("Neither agree nor disagree")),
                4: str(_("Agree")),
                5: str(_("Strongly agree")),
            }
        return {point: f"{point} – {names[point]}" if point in names else str(point) for point in range(1, 6)}


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(default=0)
    text_it = models.CharField(_("option (Italian)"), max_length=200)
    text_en = models.CharField(_("option (English)"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return in_language(self.text_it, self.text_en)


class Invitation(models.Model):
    """One person's invitation to answer: a user or a clinic contact, with a
    personal link (only the SHA-256 of its token is stored)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_invitations"
    )
    contact = models.ForeignKey(
        ClinicContact, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the invitation email was queued; empty for a member who answered
    # from their area without being invited.
    emailed_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="surveys_invitation_once_per_user"),
            models.UniqueConstraint(fields=["survey", "contact"], name="surveys_invitation_once_per_contact"),
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True) | Q(user__isnull=True, contact__isnull=False),
                name="surveys_invitation_user_or_contact",
            ),
        ]
        indexes = [models.Index(fields=["survey", "used_at"], name="surveys_inv_survey_used")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.user_id or self.contact_id}"

    @property
    def language(self) -> str:
        return self.contact.language if self.contact_id else self.user.preferred_language


class Draft(models.Model):
    """Answers saved to be finished later: by invitation (users, contacts) or
    by the hash of a resume key kept in the session (public link). Deleted
    when the response is submitted."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="drafts")
    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, null=True, blank=True, related_name="draft")
    resume_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("draft response")
        verbose_name_plural = _("draft responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(invitation__isnull=False, resume_key_hash__isnull=True)
                | Q(invitation__isnull=True, resume_key_hash__isnull=False),
                name="surveys_draft_invitation_or_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: draft {self.pk}"


class Response(models.Model):
    """A submitted response: final. For an anonymous survey it has no user,
    no invitation and only the day it came (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    anonymous = models.BooleanField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False), name="surveys_response_once_per_user"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(user__isnull=True, invitation__isnull=True),
                name="surveys_anonymous_response_unlinked",
            ),
        ]
        indexes = [models.Index(fields=["survey", "submitted_at"], name="surveys_resp_survey_time")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.id}"


class Answer(models.Model):
    """One answer of a response; a multiple choice has one row per option chosen.
    Random keys, as for responses: a sequence would tell the order of submission."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    score = models.SmallIntegerField(null=True, blank=True)  # agreement 1-5, recommendation 0-10
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                condition=Q(option__isnull=False),
                name="surveys_answer_option_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"], condition=Q(option__isnull=True), name="surveys_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} / {self.question_id}"


NUMBER_LIMIT = Decimal("999999999999.99")
