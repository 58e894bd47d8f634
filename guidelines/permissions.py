"""Who may read, review, edit and publish the guidelines: the only way a view
checks it.

Everyone reads published versions. The draft is for the board (experts) and
staff; experts comment on it; staff and the experts they appointed as editors
change it; staff publish it.
"""

from django.core.exceptions import PermissionDenied

from guidelines.models import Editor
from portal.accounts.roles import Capability, Role, user_can


def is_editor(user) -> bool:
    """An expert appointed by staff to write the draft. The appointment counts
    only while the account is an active expert's."""
    if not (user.is_authenticated and user.is_active and user.role == Role.EXPERT):
        return False
    cached = getattr(user, "_guidelines_editor", None)
    if cached is None:
        cached = user._guidelines_editor = Editor.objects.filter(user=user).exists()
    return cached


def can_see_draft(user) -> bool:
    return user_can(user, Capability.ANSWER_QUESTIONS) or user_can(user, Capability.EDIT_GUIDELINES)


def can_comment(user) -> bool:
    return can_see_draft(user)


def can_review(user) -> bool:
    """Mark sections of the draft as reviewed: the board's experts."""
    return user_can(user, Capability.ANSWER_QUESTIONS)


def can_edit_draft(user) -> bool:
    return user_can(user, Capability.EDIT_GUIDELINES) or is_editor(user)


def can_publish(user) -> bool:
    return user_can(user, Capability.PUBLISH_GUIDELINES)


def can_manage_review(user) -> bool:
    """Submit the draft for review and follow who reviewed what."""
    return user_can(user, Capability.EDIT_GUIDELINES)


def can_subscribe(user) -> bool:
    return user.is_authenticated and user.is_active


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
