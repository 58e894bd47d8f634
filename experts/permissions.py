"""Who may see and do what in the counselling of funded projects: the only way
a view loads a counselling case.

The visibility rule is written twice on purpose, as the forum's is: once as a
queryset (``CounsellingCase.objects.visible_to``, for lists) and once for a case
in hand (``can_see_case``, for pages and notification recipients); the tests
hold them to the same answers.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from experts.models import CounsellingCase, FundedProject
from portal.accounts.models import User
from portal.accounts.roles import Capability, user_can


def is_on_board(user) -> bool:
    return user_can(user, Capability.ANSWER_QUESTIONS)


def manages_counselling(user) -> bool:
    return user_can(user, Capability.MANAGE_COUNSELLING)


def can_see_case(user, case: CounsellingCase) -> bool:
    """The rule of ``CounsellingCase.objects.visible_to``, for one case in hand."""
    if manages_counselling(user) or is_on_board(user):
        return True
    return (
        user_can(user, Capability.REQUEST_COUNSELLING)
        and user.organisation_id is not None
        and user.organisation_id == case.organisation_id
    )


def is_assigned(user, case: CounsellingCase) -> bool:
    """Whether ``user`` is one of the case's experts (reads the prefetched list when there is one)."""
    return user.is_authenticated and any(expert.pk == user.pk for expert in case.experts.all())


def can_work_on_case(user, case: CounsellingCase) -> bool:
    """Record meetings and close the case: staff, or an expert assigned to it."""
    return manages_counselling(user) or (is_on_board(user) and is_assigned(user, case))


def can_request_counselling(user, project: FundedProject, beneficiary_ids: set[int] | None = None) -> bool:
    """A member whose organisation is among the project's beneficiaries.

    ``beneficiary_ids`` saves a query when the caller has loaded them already."""
    if not user_can(user, Capability.REQUEST_COUNSELLING) or user.organisation_id is None:
        return False
    if beneficiary_ids is None:
        return project.beneficiaries.filter(pk=user.organisation_id).exists()
    return user.organisation_id in beneficiary_ids


def get_case_for_user(user, pk: int, *, write: bool = False) -> CounsellingCase:
    """The case, if ``user`` may see it; else 404, so that its existence is not
    revealed. With ``write``, a reader who may not work on it gets 403."""
    case = (
        CounsellingCase.objects.select_related("project", "organisation", "requested_by", "assigned_by")
        .prefetch_related(Prefetch("experts", queryset=User.objects.select_related("expert_profile")))
        .filter(pk=pk)
        .first()
    )
    if case is None or not can_see_case(user, case):
        raise Http404
    if write and not can_work_on_case(user, case):
        raise PermissionDenied
    return case
