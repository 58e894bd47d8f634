"""The audit log: one row per action of staff and administrators.

Append-only: a row is written once and never changed or deleted. The model and
its queryset refuse it on every database, and on PostgreSQL a trigger (migration
``0002``) refuses it again for any SQL. The one change allowed is the database
clearing ``actor`` when that account is deleted: the actor's name and role were
copied into the row when it was written, and stay.
"""

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Role


class AuditLogError(Exception):
    """A write that would change or delete an entry of the audit log."""


class Action(models.TextChoices):
    # Moderation
    CONTENT_HIDDEN = "forum.content_hidden", _("Content hidden")
    CONTENT_RESTORED = "forum.content_restored", _("Content restored")
    FLAG_DISMISSED = "forum.flag_dismissed", _("Report dismissed")
    QUESTION_CLOSED = "forum.question_closed", _("Question closed")
    QUESTION_REOPENED = "forum.question_reopened", _("Question reopened")
    FAQ_SAVED = "forum.faq_saved", _("FAQ entry saved")
    # Triage
    QUESTION_ASSIGNED = "forum.question_assigned", _("Question assigned")
    ASSIGNMENT_CANCELLED = "forum.assignment_cancelled", _("Assignment cancelled")
    # Guidelines
    GUIDELINES_REVIEW_REQUESTED = "guidelines.review_requested", _("Guidelines review requested")
    GUIDELINES_REVIEW_CLOSED = "guidelines.review_closed", _("Guidelines review closed")
    GUIDELINES_PUBLISHED = "guidelines.published", _("Guidelines version published")
    GUIDELINES_EDITOR_APPOINTED = "guidelines.editor_appointed", _("Guidelines editor appointed")
    GUIDELINES_EDITOR_REMOVED = "guidelines.editor_removed", _("Guidelines editor removed")
    # Surveys
    SURVEY_PUBLISHED = "surveys.published", _("Survey published")
    SURVEY_CLOSE_DATE_CHANGED = "surveys.close_date_changed", _("Survey close date changed")
    # Metrics
    REPORT_REQUESTED = "metrics.report_requested", _("Six-month report requested")
    API_TOKEN_CREATED = "metrics.api_token_created", _("API token created")
    API_TOKEN_REVOKED = "metrics.api_token_revoked", _("API token revoked")
    # The clinical network
    DIRECTORY_CREATED = "directory.created", _("Directory entry added")
    DIRECTORY_UPDATED = "directory.updated", _("Directory entry changed")
    DIRECTORY_DELETED = "directory.deleted", _("Directory entry deleted")
    CONTACT_DATA_EXPORTED = "directory.exported", _("Contact's personal data exported")
    CONTACT_DATA_ERASED = "directory.erased", _("Contact's personal data erased")
    INTRODUCTION_SENT = "introductions.sent", _("Feasibility request sent")
    INTRODUCTION_CLOSED = "introductions.closed", _("Introduction closed")
    # Accounts
    EXPERT_INVITED = "accounts.expert_invited", _("Expert invited")
    ROLE_CHANGED = "accounts.role_changed", _("Role changed")
    ACCOUNT_ERASED = "accounts.erased", _("Account erased")


def _refuse() -> None:
    raise AuditLogError("The audit log cannot be changed: entries are only ever added.")


def _only_clears_actor(fields: dict) -> bool:
    return bool(fields) and set(fields) <= {"actor", "actor_id"} and all(value is None for value in fields.values())


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Deleting a user account clears ``actor`` of its entries (SET_NULL);
        # nothing else may change.
        if not _only_clears_actor(kwargs):
            _refuse()
        return super().update(**kwargs)

    def delete(self):
        _refuse()

    delete.alters_data = True
    delete.queryset_only = True

    def by_actor(self, user):
        return self.filter(actor=user)


class AuditEntry(models.Model):
    """Who did what, when, on which object."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copied when the entry is written: they stay true if the account later
    # changes role, or is erased.
    actor_name = models.CharField(_("name of the actor"), max_length=150, blank=True)
    actor_role = models.CharField(_("role of the actor"), max_length=16, choices=Role.choices, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=Action.choices)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # Also the manager Django uses for SET_NULL on deleting a user, so that
        # every write goes through the queryset's guard.
        base_manager_name = "objects"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_entry_action"),
            models.Index(fields=["actor", "-created_at"], name="audit_entry_actor"),
            models.Index(fields=["target_type", "target_id"], name="audit_entry_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.target_repr}" if self.target_repr else self.get_action_display()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse()

    @property
    def target_label(self) -> str:
        """The kind of object, in the reader's language ("question", "clinic")."""
        if not self.target_type:
            return ""
        try:
            model = apps.get_model(self.target_type)
        except (LookupError, ValueError):
            return self.target_type
        return capfirst(model._meta.verbose_name)

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        """The details as (name, text) pairs to show; a change ``[old, new]`` reads "old → new"."""
        if not isinstance(self.details, dict):
            return [("", str(self.details))]
        items = []
        for name, value in self.details.items():
            if value is None:
                text = ""  # a field named without its value (a contact's personal data)
            elif isinstance(value, list) and len(value) == 2:
                text = f"{_text(value[0])} → {_text(value[1])}"
            else:
                text = _text(value)
            items.append((str(name).replace("_", " "), text))
        return items


def _text(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value)
    return str(value)
