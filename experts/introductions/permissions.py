"""Who may see and work on introductions and facilitated investigations: the
only way a view loads one.

The visibility rule is written twice on purpose, as the counselling's is: once
as a queryset (``Introduction.objects.visible_to``,
``FacilitatedInvestigation.objects.visible_to``, for lists) and once for an
object in hand (``can_see_introduction``, ``can_see_investigation``, for pages
and notification recipients); the tests hold them to the same answers.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from experts.models import FacilitatedInvestigation, Introduction
from portal.accounts.roles import Capability, user_can


def works_on_introductions(user) -> bool:
    """The centre's staff and the board's experts review requests, write to
    clinics and follow the investigations."""
    return user_can(user, Capability.MANAGE_DIRECTORY) or user_can(user, Capability.ANSWER_QUESTIONS)


def may_request_introductions(user) -> bool:
    """A member who belongs to an organisation (the requester of record)."""
    return user_can(user, Capability.REQUEST_INTRODUCTIONS) and user.organisation_id is not None


def _own_organisation(user, organisation_id: int | None) -> bool:
    return may_request_introductions(user) and user.organisation_id == organisation_id


def can_see_introduction(user, introduction: Introduction) -> bool:
    """The rule of ``Introduction.objects.visible_to``, for one introduction in hand."""
    return works_on_introductions(user) or _own_organisation(user, introduction.organisation_id)


def can_see_investigation(user, investigation: FacilitatedInvestigation) -> bool:
    """The rule of ``FacilitatedInvestigation.objects.visible_to``, for one in hand."""
    return works_on_introductions(user) or _own_organisation(user, investigation.sponsor_id)


def get_introduction_for_user(user, pk: int, *, write: bool = False) -> Introduction:
    """The introduction, if ``user`` may see it; else 404, so that its existence
    is not revealed. With ``write``, a reader who may not work on it gets 403."""
    introduction = (
        Introduction.objects.select_related(
            "organisation", "requested_by", "reviewed_by", "question", "counselling_case__project"
        )
        .filter(pk=pk)
        .first()
    )
    if introduction is None or not can_see_introduction(user, introduction):
        raise Http404
    if write and not works_on_introductions(user):
        raise PermissionDenied
    return introduction


def get_investigation_for_user(user, pk: int, *, write: bool = False) -> FacilitatedInvestigation:
    """The investigation, if ``user`` may see it (404 otherwise); with
    ``write``, 403 for a reader who may not edit it."""
    investigation = (
        FacilitatedInvestigation.objects.select_related("sponsor", "introduction", "counselling_case__project")
        .filter(pk=pk)
        .first()
    )
    if investigation is None or not can_see_investigation(user, investigation):
        raise Http404
    if write and not works_on_introductions(user):
        raise PermissionDenied
    return investigation
