from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from experts import services
from experts.filters import CounsellingCaseFilter, FundedProjectFilter
from experts.forms import (
    AssignCounsellorsForm,
    CloseCaseForm,
    CounsellingMeetingForm,
    CounsellingRequestForm,
    ExpertProfileForm,
    FundedProjectForm,
    InviteExpertForm,
)
from experts.models import CounsellingCase, ExpertProfile, FundedProject, Sector, Topic
from experts.permissions import can_request_counselling, get_case_for_user, manages_counselling
from experts.selectors import case_page, cases_for, project_page, project_registry
from portal.accounts.permissions import capability_required, signed_in_area
from portal.accounts.roles import Capability, user_can
from portal.shortcuts import run_service

PAGE_SIZE = 20


def _listed_profiles():
    return (
        ExpertProfile.objects.listed()
        .select_related("user")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.active()))
    )


@require_safe
def board(request):
    """The public board page: experts by sector, filterable by topic."""
    topics = list(Topic.objects.active())
    chosen = next((topic for topic in topics if topic.slug == request.GET.get("topic")), None)
    profiles = _listed_profiles()
    if chosen:
        profiles = profiles.filter(topics=chosen)
    by_sector = {sector: [] for sector in Sector}
    for profile in profiles:
        by_sector[profile.sector].append(profile)
    sectors = [(Sector(sector).label, people) for sector, people in by_sector.items() if people]
    return render(
        request,
        "experts/board.html",
        {
            "sectors": sectors,
            "topics": topics,
            "chosen": chosen,
            "perms_invite": user_can(request.user, Capability.MANAGE_DIRECTORY),
        },
    )


@require_safe
def profile(request, pk: int):
    expert = _listed_profiles().filter(pk=pk).first()
    if expert is None:
        raise Http404
    return render(request, "experts/profile.html", {"profile": expert})


@capability_required(Capability.ANSWER_QUESTIONS)
def edit_own_profile(request):
    own = ExpertProfile.objects.filter(user=request.user).first()
    if own is None:
        raise Http404
    form = ExpertProfileForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "topics"}
        services.update_profile(profile=own, topics=form.cleaned_data["topics"], **data)
        messages.success(request, _("Your expert profile has been saved."))
        return redirect("experts:edit_own_profile")
    return render(request, "experts/edit_profile.html", {"form": form, "profile": own})


@capability_required(Capability.MANAGE_DIRECTORY)
def invite(request):
    form = InviteExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_expert(staff=request.user, **form.cleaned_data)
        except services.BoardError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("experts:board")
    return render(request, "experts/invite.html", {"form": form})


# Counselling of funded projects


def _paginate(request, queryset):
    """A page of ``queryset`` and the query string its links keep."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@require_safe
def project_list(request):
    """The public registry of projects funded by the regional ERDF programme."""
    # Always bound: with no parameters it is valid and lists every project.
    filterset = FundedProjectFilter(request.GET, queryset=project_registry())
    page, query = _paginate(request, filterset.qs if filterset.is_valid() else FundedProject.objects.none())
    return render(
        request,
        "experts/counselling/project_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "may_register": manages_counselling(request.user),
            "may_see_cases": user_can(request.user, Capability.REQUEST_COUNSELLING)
            or user_can(request.user, Capability.ANSWER_QUESTIONS)
            or manages_counselling(request.user),
        },
    )


@require_safe
def project_detail(request, pk: int):
    project = get_object_or_404(FundedProject, pk=pk)
    return render(request, "experts/counselling/project_detail.html", project_page(user=request.user, project=project))


@capability_required(Capability.MANAGE_COUNSELLING)
def project_edit(request, pk: int | None = None):
    """Register a funded project (without ``pk``) or edit one."""
    project = get_object_or_404(FundedProject, pk=pk) if pk else None
    form = FundedProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        beneficiaries = fields.pop("beneficiaries")
        try:
            if project is None:
                project = services.register_project(staff=request.user, beneficiaries=beneficiaries, **fields)
            else:
                services.update_project(staff=request.user, project=project, beneficiaries=beneficiaries, **fields)
        except services.BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The funded project has been saved."))
            return redirect(project)
    return render(request, "experts/counselling/project_form.html", {"form": form, "project": project})


@capability_required(Capability.REQUEST_COUNSELLING)
def request_counselling(request, pk: int):
    """A member of a beneficiary organisation asks for the board's counselling."""
    project = get_object_or_404(FundedProject, pk=pk)
    if not can_request_counselling(request.user, project):
        raise PermissionDenied
    form = CounsellingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.request_counselling(member=request.user, project=project, needs=form.cleaned_data["needs"])
        except services.BoardError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your request has been sent. The centre's staff will assign experts to it."))
            return redirect(case)
    return render(request, "experts/counselling/request.html", {"form": form, "project": project})


@require_safe
@signed_in_area
def case_list(request):
    """The cases the user may see: all for the board and staff, their
    organisation's for members."""
    filterset = CounsellingCaseFilter(request.GET, queryset=cases_for(request.user), user=request.user)
    page, query = _paginate(request, filterset.qs if filterset.is_valid() else CounsellingCase.objects.none())
    return render(
        request,
        "experts/counselling/case_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


def _render_case(request, case: CounsellingCase, *, status: int = 200, **forms):
    """The case page, with the forms the user may use (bound ones when given)."""
    context = case_page(user=request.user, case=case)
    if context["may_assign"]:
        context["assign_form"] = forms.get("assign_form") or AssignCounsellorsForm(
            initial={"experts": context["experts"]}
        )
    if context["may_record"]:
        context["meeting_form"] = forms.get("meeting_form") or CounsellingMeetingForm(
            case=case, initial={"held_on": timezone.localdate()}
        )
    if context["may_close"]:
        context["close_form"] = forms.get("close_form") or CloseCaseForm()
    return render(request, "experts/counselling/case_detail.html", context, status=status)


@require_safe
@signed_in_area
def case_detail(request, pk: int):
    return _render_case(request, get_case_for_user(request.user, pk))


@require_POST
@capability_required(Capability.MANAGE_COUNSELLING)
def assign_counsellors(request, pk: int):
    case = get_case_for_user(request.user, pk)
    form = AssignCounsellorsForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, status=400, assign_form=form)
    run_service(
        request,
        lambda: services.assign_counsellors(staff=request.user, case=case, experts=form.cleaned_data["experts"]),
        _("The experts have been assigned and told."),
    )
    return redirect(case)


@require_POST
@signed_in_area
def record_meeting(request, pk: int):
    case = get_case_for_user(request.user, pk, write=True)
    form = CounsellingMeetingForm(request.POST, case=case)
    if not form.is_valid():
        return _render_case(request, case, status=400, meeting_form=form)
    run_service(
        request,
        lambda: services.record_meeting(author=request.user, case=case, **form.cleaned_data),
        _("The meeting has been recorded."),
    )
    return redirect(case)


@require_POST
@signed_in_area
def close_case(request, pk: int):
    case = get_case_for_user(request.user, pk, write=True)
    form = CloseCaseForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, status=400, close_form=form)
    run_service(
        request,
        lambda: services.close_case(user=request.user, case=case, outcome=form.cleaned_data["outcome"]),
        _("The counselling case has been closed."),
    )
    return redirect(case)
