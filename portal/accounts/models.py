from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import MFA_REQUIRED_ROLES, Role, roles_with


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SME = "sme", _("SME")
        STARTUP = "startup", _("Start-up")
        LARGE_COMPANY = "large_company", _("Large company")
        UNIVERSITY = "university", _("University")
        RESEARCH_ORGANISATION = "research_organisation", _("Research organisation")
        HOSPITAL = "hospital", _("IRCCS / hospital")
        PUBLIC_BODY = "public_body", _("Public body")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("role", Role.MEMBER)
        return self._create_user(email, password, **fields)

    def with_capability(self, capability):
        """Active users whose role holds ``capability`` (e.g. the staff to tell)."""
        return self.filter(role__in=roles_with(capability), is_active=True)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields["role"] = Role.ADMINISTRATOR
        return self._create_user(email, password, **fields)


class NotificationFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    NEVER = "never", _("Never")


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the portal; the email address is the login."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    notification_emails = models.CharField(
        _("email notifications"),
        max_length=16,
        choices=NotificationFrequency.choices,
        default=NotificationFrequency.IMMEDIATELY,
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # Superuser rights follow the role, so that the role stays the one
        # place that says what a user may do.
        self.is_superuser = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile")

    @property
    def is_staff(self) -> bool:
        # Django's admin asks for is_staff: only administrators use it.
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def requires_mfa(self) -> bool:
        return self.role in MFA_REQUIRED_ROLES

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something that happened which a user asked to hear about.

    Stored as a kind and a snapshot of its target, so that the sentence is
    written in the reader's language when shown or emailed.
    """

    class Kind(models.TextChoices):
        ANSWERED = "answered", _("New answer")
        COMMENTED = "commented", _("New comment")
        CLOSED = "closed", _("Question closed")
        ACCEPTED = "accepted", _("Answer accepted")
        COSIGN_REQUESTED = "cosign_requested", _("Co-signature requested")
        BOARD_PUBLISHED = "board_published", _("Board answer published")
        COUNSELLING_REQUESTED = "counselling_requested", _("Counselling requested")
        COUNSELLING_ASSIGNED = "counselling_assigned", _("Counselling assigned")
        COUNSELLING_MEETING = "counselling_meeting", _("Counselling meeting recorded")
        COUNSELLING_CLOSED = "counselling_closed", _("Counselling closed")
        ASSIGNED = "assigned", _("Question assigned")
        ASSIGNMENT_DUE_SOON = "assignment_due_soon", _("Answer due soon")
        ASSIGNMENT_OVERDUE = "assignment_overdue", _("Answer overdue")
        ASSIGNMENT_DECLINED = "assignment_declined", _("Assignment declined")
        CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
        INTRODUCTION_REQUESTED = "introduction_requested", _("Introduction requested")
        INTRODUCTION_SENT = "introduction_sent", _("Feasibility request sent to clinics")
        FEASIBILITY_ANSWERED = "feasibility_answered", _("A clinic answered")
        INTRODUCTION_CLOSED = "introduction_closed", _("Introduction closed")
        GUIDELINES_REVIEW = "guidelines_review", _("Guidelines draft submitted for review")
        GUIDELINES_COMMENT = "guidelines_comment", _("Comment on the guidelines draft")
        GUIDELINES_PUBLISHED = "guidelines_published", _("New version of the guidelines")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor_name = models.CharField(max_length=150, blank=True)
    target_title = models.CharField(max_length=200)
    target_url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="accounts_notif_inbox"),
            models.Index(fields=["emailed_at", "created_at"], name="accounts_notif_to_email"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target_title}"
