"""Reads of the counselling of funded projects that span models, each page in
a fixed number of queries whatever the number of rows."""

from django.db.models import Count, Prefetch

from experts.models import CounsellingCase, CounsellingMeeting, FundedProject
from experts.permissions import can_request_counselling, can_work_on_case, is_on_board, manages_counselling
from portal.accounts.models import User


def _experts():
    return Prefetch("experts", queryset=User.objects.select_related("expert_profile"))


def project_registry():
    """The public registry, with the beneficiaries each row shows."""
    return FundedProject.objects.prefetch_related("beneficiaries")


def project_calls() -> list[str]:
    """The calls of the registered projects, for the registry's filter."""
    return list(FundedProject.objects.order_by("call").values_list("call", flat=True).distinct())


def cases_for(user):
    """The counselling cases ``user`` may see, with what the case list shows."""
    return (
        CounsellingCase.objects.visible_to(user)
        .select_related("project", "organisation", "requested_by")
        .prefetch_related(_experts())
        .annotate(meeting_count=Count("meetings"))
        # A grouped query ignores Meta.ordering: say it again, for stable pages.
        .order_by("-created_at", "-pk")
    )


def project_page(*, user, project: FundedProject) -> dict:
    """The public project page, and for those entitled its counselling cases."""
    beneficiaries = list(project.beneficiaries.all())
    cases = []
    if user.is_authenticated:
        cases = list(cases_for(user).filter(project=project))
    return {
        "project": project,
        "beneficiaries": beneficiaries,
        "cases": cases,
        "may_request": can_request_counselling(user, project, {organisation.pk for organisation in beneficiaries}),
        "may_edit": manages_counselling(user),
        "sees_all_cases": is_on_board(user) or manages_counselling(user),
    }


def case_page(*, user, case: CounsellingCase) -> dict:
    """Everything the case page shows (the forms excepted)."""
    meetings = list(CounsellingMeeting.objects.filter(case=case).select_related("recorded_by"))
    may_work = can_work_on_case(user, case) and not case.is_closed
    return {
        "case": case,
        "experts": list(case.experts.all()),
        "meetings": meetings,
        "may_assign": manages_counselling(user) and not case.is_closed,
        "may_record": may_work,
        "may_close": may_work,
    }
