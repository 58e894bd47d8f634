"""The board's pages: the expert's dashboard, staff's triage dashboard, and
the quick actions on assignments (assign, claim, decline, conflict, cancel)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from forum import services
from forum.forms import AssignForm, ReasonForm
from forum.models import Assignment
from forum.permissions import get_question_for_user
from forum.selectors import board_dashboard, expert_dashboard, expert_pool, rank_experts
from portal.accounts.permissions import capability_required
from portal.accounts.roles import Capability
from portal.pagecache import cached_page
from portal.shortcuts import run_service, safe_next


@require_safe
@capability_required(Capability.ANSWER_QUESTIONS)
@cached_page
def expert_home(request):
    context = expert_dashboard(expert=request.user, today=timezone.localdate())
    context["reason_form"] = ReasonForm()
    return render(request, "forum/board/expert_dashboard.html", context)


@require_safe
@capability_required(Capability.TRIAGE_QUESTIONS)
def triage(request):
    context = board_dashboard(
        today=timezone.localdate(),
        triage_page=request.GET.get("triage"),
        assignments_page=request.GET.get("assignments"),
    )
    return render(request, "forum/board/staff_dashboard.html", context)


@capability_required(Capability.TRIAGE_QUESTIONS)
def assign(request, pk: int):
    question = get_question_for_user(request.user, pk)
    today = timezone.localdate()
    taken = set(question.assignments.active().values_list("expert_id", flat=True))
    excluded = taken | set(question.conflicts.values_list("expert_id", flat=True))
    candidates = rank_experts(
        pool=expert_pool(today=today), topic_ids={t.pk for t in question.topics.all()}, excluded=excluded
    )
    form = AssignForm(
        request.POST or None,
        candidates=candidates,
        default_due_on=services.default_due_date(today),
        working_days=settings.ASSIGNMENT_DUE_WORKING_DAYS,
    )
    if request.method == "POST" and form.is_valid():
        experts = form.cleaned_data["experts"]
        if run_service(
            request,
            lambda: services.assign_experts(
                question=question, staff=request.user, experts=experts, due_on=form.cleaned_data["due_on"]
            ),
            ngettext(
                "The question is assigned to %(count)d expert.",
                "The question is assigned to %(count)d experts.",
                len(experts),
            )
            % {"count": len(experts)},
        ):
            return redirect(safe_next(request) or "forum:triage")
    return render(
        request,
        "forum/board/assign.html",
        {
            "question": question,
            "form": form,
            "candidates": candidates,
            "chosen": {str(value) for value in form["experts"].value() or []},
            "assignments": question.assignments.select_related("expert").order_by("-created_at"),
            "topics": list(question.topics.all()),
        },
    )


@require_POST
@capability_required(Capability.ANSWER_QUESTIONS)
def claim(request, pk: int):
    question = get_question_for_user(request.user, pk)
    run_service(
        request,
        lambda: services.claim_question(question=question, expert=request.user),
        _("The question is yours: it is on your dashboard with its due date."),
    )
    return redirect(safe_next(request) or question)


def _own_open_assignment(user, pk: int) -> Assignment:
    assignment = Assignment.objects.select_related("question").filter(pk=pk, expert=user).first()
    if assignment is None:
        raise Http404
    return assignment


@require_POST
@capability_required(Capability.ANSWER_QUESTIONS)
def decline(request, pk: int):
    assignment = _own_open_assignment(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.decline_assignment(
                assignment=assignment, expert=request.user, reason=form.cleaned_data["reason"]
            ),
            _("You declined the question; staff will find another expert."),
        )
    else:
        messages.error(request, _("Say briefly why you decline (at most 500 characters)."))
    return redirect(safe_next(request) or assignment.question)


@require_POST
@capability_required(Capability.ANSWER_QUESTIONS)
def conflict(request, pk: int):
    question = get_question_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.declare_conflict(
                question=question, expert=request.user, reason=form.cleaned_data["reason"]
            ),
            _("Your conflict of interest is recorded: the question is off your queue."),
        )
    else:
        messages.error(request, _("Say briefly what the conflict is (at most 500 characters)."))
    return redirect(safe_next(request) or question)


@require_POST
@capability_required(Capability.TRIAGE_QUESTIONS)
def cancel(request, pk: int):
    assignment = Assignment.objects.select_related("question").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    run_service(
        request,
        lambda: services.cancel_assignment(assignment=assignment, staff=request.user),
        _("The assignment is cancelled."),
    )
    return redirect(safe_next(request) or assignment.question)
