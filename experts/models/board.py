from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation
from portal.accounts.roles import Capability, user_can


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Topic(models.Model):
    """An area of the board's expertise: the taxonomy that questions, experts
    and guidelines share. Curated by staff, bilingual."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_it

    @property
    def description(self) -> str:
        return self.description_en if get_language() == "en" else self.description_it


class Sector(models.TextChoices):
    RESEARCH = "research", _("Research")
    UNIVERSITY = "university", _("University")
    CLINICAL = "clinical", _("Clinical")
    INDUSTRY = "industry", _("SME and industry")


class ExpertProfileQuerySet(models.QuerySet):
    def listed(self):
        """Profiles shown on the public board page."""
        return self.filter(is_listed=True, user__is_active=True, user__role="expert")


class ExpertProfile(models.Model):
    """What the board and the public know of an expert."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="expert_profile", verbose_name=_("expert")
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    affiliation = models.CharField(
        _("affiliation"), max_length=200, help_text=_("Institution and department, as it should appear.")
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("expertise"), related_name="experts", blank=True)
    speaks_italian = models.BooleanField(_("speaks Italian"), default=True)
    speaks_english = models.BooleanField(_("speaks English"), default=True)
    bio = models.TextField(_("short biography"), max_length=1_500, blank=True)
    accepts_questions = models.BooleanField(_("currently accepts questions"), default=True)
    declaration_of_interests = models.TextField(
        _("declaration of interests"),
        max_length=3_000,
        blank=True,
        help_text=_("Roles, consultancies, shareholdings or funding that could bear on your answers."),
    )
    declaration_updated_at = models.DateField(_("declaration updated on"), null=True, blank=True)
    is_listed = models.BooleanField(_("listed on the public board page"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_sector_display()})"

    def get_absolute_url(self) -> str:
        return reverse("experts:profile", args=[self.pk])

    @property
    def languages(self) -> list[str]:
        spoken = []
        if self.speaks_italian:
            spoken.append(_("Italian"))
        if self.speaks_english:
            spoken.append(_("English"))
        return spoken


# Counselling of funded projects


class FundedProject(models.Model):
    """A research project funded by the regional ERDF programme (POR FESR, now
    PR FESR): public information, published for transparency."""

    class Status(models.TextChoices):
        PREVIOUS = "previous", _("Concluded")
        ONGOING = "ongoing", _("Ongoing")
        FUTURE = "future", _("Future")

    title = models.CharField(_("title"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    call = models.CharField(
        _("call"),
        max_length=200,
        help_text=_("Programme, axis and call, e.g. “POR FESR 2014-2020, Asse I – Call HUB Ricerca e Innovazione”."),
    )
    cup = models.CharField(
        _("CUP"),
        max_length=15,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Z0-9]{15}$", _("A CUP is fifteen capital letters and digits.")),
        ],
        help_text=_("The unique project code (Codice Unico di Progetto), if assigned."),
    )
    beneficiaries = models.ManyToManyField(
        Organisation, verbose_name=_("beneficiaries"), related_name="funded_projects"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ONGOING)
    clinical_aims = models.TextField(
        _("clinical aims"),
        max_length=10_000,
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    clinical_aims_html = models.TextField(editable=False, default="")
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("funded project")
        verbose_name_plural = _("funded projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["previous", "ongoing", "future"]), name="experts_project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="experts_project_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["cup"],
                condition=~Q(cup=""),
                name="experts_project_cup_unique",
                violation_error_message=_("A project with this CUP is registered already."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("experts:project", args=[self.pk])

    @property
    def display_name(self) -> str:
        return f"{self.acronym} – {self.title}" if self.acronym else self.title


class CounsellingCaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Cases ``user`` may see: all of them for the board and staff, their
        own organisation's for members, none for anyone else. The same rule as
        ``experts.permissions.can_see_case``."""
        if user_can(user, Capability.MANAGE_COUNSELLING) or user_can(user, Capability.ANSWER_QUESTIONS):
            return self
        if user_can(user, Capability.REQUEST_COUNSELLING) and user.organisation_id:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def open(self):
        return self.exclude(status=CounsellingCase.Status.CLOSED)

    def assigned_to(self, user):
        return self.filter(experts=user)


class CounsellingCase(models.Model):
    """A beneficiary's request for the board's counselling on a funded project,
    the experts staff assigned and, when closed, its outcome. Private to the
    board, staff and the requesting organisation."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        FundedProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="counselling_cases"
    )
    # The requesting member's organisation, one of the project's beneficiaries:
    # the organisation that shares the case.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="counselling_cases"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counselling_requests",
    )
    needs = models.TextField(_("what the project needs help with"), max_length=5_000)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    experts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("experts"), related_name="counselling_cases", blank=True
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=5_000, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CounsellingCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("counselling case")
        verbose_name_plural = _("counselling cases")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="experts_case_org_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["requested", "in_progress", "closed"]), name="experts_case_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="experts_case_closed_has_date"
            ),
            # One open case per project and organisation: a second request adds to the first.
            models.UniqueConstraint(
                fields=["project", "organisation"], condition=~Q(status="closed"), name="experts_case_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.display_name} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("experts:case", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CounsellingMeeting(models.Model):
    """A meeting of the assigned experts with the project: who came, what was
    said, what follows. Seen by whoever sees its case."""

    case = models.ForeignKey(
        CounsellingCase, verbose_name=_("counselling case"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    attendees = models.CharField(_("attendees"), max_length=300)
    notes = models.TextField(_("notes"), max_length=20_000)
    notes_html = models.TextField(editable=False, default="")
    outcomes = models.TextField(_("outcomes and next steps"), max_length=10_000, blank=True)
    outcomes_html = models.TextField(editable=False, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("counselling meeting")
        verbose_name_plural = _("counselling meetings")

    def __str__(self) -> str:
        return f"{self.case} – {self.held_on:%Y-%m-%d}"
