"""The portal's roles and what each may do: the one place that says so.

A user has exactly one role. Capabilities are checked with ``user_can``;
views never compare roles themselves.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    EXPERT = "expert", _("Expert")
    STAFF = "staff", _("Cluster staff")
    ADMINISTRATOR = "administrator", _("Administrator")


class Capability(StrEnum):
    ASK_QUESTIONS = "ask_questions"
    REQUEST_INTRODUCTIONS = "request_introductions"
    REQUEST_COUNSELLING = "request_counselling"
    ANSWER_QUESTIONS = "answer_questions"
    SEE_CONFIDENTIAL_QUESTIONS = "see_confidential_questions"
    USE_BOARD_DASHBOARD = "use_board_dashboard"
    TRIAGE_QUESTIONS = "triage_questions"
    MANAGE_COUNSELLING = "manage_counselling"
    MODERATE = "moderate"
    EDIT_GUIDELINES = "edit_guidelines"
    PUBLISH_GUIDELINES = "publish_guidelines"
    MANAGE_DIRECTORY = "manage_directory"
    RUN_SURVEYS = "run_surveys"
    VIEW_METRICS = "view_metrics"
    VIEW_AUDIT_LOG = "view_audit_log"
    USE_ADMIN_SITE = "use_admin_site"


_MEMBER = {Capability.ASK_QUESTIONS, Capability.REQUEST_INTRODUCTIONS, Capability.REQUEST_COUNSELLING}
_EXPERT = {Capability.ANSWER_QUESTIONS, Capability.SEE_CONFIDENTIAL_QUESTIONS, Capability.USE_BOARD_DASHBOARD}
_STAFF = {
    Capability.SEE_CONFIDENTIAL_QUESTIONS,
    Capability.USE_BOARD_DASHBOARD,
    Capability.TRIAGE_QUESTIONS,
    Capability.MANAGE_COUNSELLING,
    Capability.MODERATE,
    Capability.EDIT_GUIDELINES,
    Capability.PUBLISH_GUIDELINES,
    Capability.MANAGE_DIRECTORY,
    Capability.RUN_SURVEYS,
    Capability.VIEW_METRICS,
    Capability.VIEW_AUDIT_LOG,
}

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.MEMBER: frozenset(_MEMBER),
    Role.EXPERT: frozenset(_EXPERT),
    Role.STAFF: frozenset(_STAFF),
    Role.ADMINISTRATOR: frozenset(_STAFF | {Capability.USE_ADMIN_SITE}),
}

# These roles see confidential questions or personal data of others, so a
# stolen password alone must not be enough: they work only with MFA enabled.
MFA_REQUIRED_ROLES = frozenset({Role.EXPERT, Role.STAFF, Role.ADMINISTRATOR})


def roles_with(capability: Capability) -> list[Role]:
    """The roles holding ``capability``."""
    return [role for role, capabilities in CAPABILITIES.items() if capability in capabilities]


def user_can(user, capability: Capability) -> bool:
    """Whether ``user`` (possibly anonymous) has ``capability``."""
    if not user.is_authenticated or not user.is_active:
        return False
    return capability in CAPABILITIES.get(user.role, frozenset())
