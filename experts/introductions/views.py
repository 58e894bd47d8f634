"""Pages of introductions to clinics and of the facilitated investigations
that follow; and the clinic contacts' answer page, reached without an account
through a personal link."""

from functools import wraps

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from experts.introductions import services
from experts.introductions.forms import (
    CloseIntroductionForm,
    FeasibilityAnswerForm,
    IntroductionRequestForm,
    InvestigationDetailsForm,
    ProposeClinicsForm,
    SendFeasibilityForm,
    StageForm,
    StartInvestigationForm,
)
from experts.introductions.permissions import (
    get_introduction_for_user,
    get_investigation_for_user,
    may_request_introductions,
    works_on_introductions,
)
from experts.introductions.selectors import (
    ReplyStatus,
    answer_page,
    clinics_to_propose,
    contacts_to_ask,
    feasibility_request_for_token,
    introduction_page,
    introductions_for,
    investigation_page,
    investigations_for,
    link_state,
    may_start_investigation,
    short_title,
)
from experts.models import Clinic, FacilitatedInvestigation, Introduction, InvestigationStage
from portal.accounts.permissions import capability_required, signed_in_area
from portal.accounts.roles import Capability
from portal.shortcuts import id_or_none, require_form_methods, run_service

PAGE_SIZE = 20


def _paginate(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _board_only(user) -> None:
    if not works_on_introductions(user):
        raise PermissionDenied


def _positive_int(value) -> int | None:
    return id_or_none(value)


# Introductions


@capability_required(Capability.REQUEST_INTRODUCTIONS)
def introduction_new(request):
    """A member asks to be introduced to clinics."""
    if not may_request_introductions(request.user):
        raise PermissionDenied
    clinic = _positive_int(request.GET.get("clinic"))
    form = IntroductionRequestForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"clinics": [clinic] if clinic else [], "counselling_case": _positive_int(request.GET.get("case"))},
    )
    if request.method == "POST":
        if response := ratelimit.consume_or_429(request, action="introduction_request", user=request.user):
            return response
        if form.is_valid():
            try:
                introduction = services.request_introduction(member=request.user, **form.cleaned_data)
            except services.IntroductionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Your request has been sent. The board reviews it and writes to the clinics for you."),
                )
                return redirect(introduction)
    return render(request, "experts/introductions/introduction_form.html", {"form": form})


@require_safe
@signed_in_area
def introduction_list(request):
    """All introductions for the board and staff; members their organisation's."""
    introductions = introductions_for(request.user)
    status = request.GET.get("status", "")
    if status in Introduction.Status.values:
        introductions = introductions.filter(status=status)
    else:
        status = ""
    page, query = _paginate(request, introductions)
    return render(
        request,
        "experts/introductions/introduction_list.html",
        {
            "page": page,
            "query": query,
            "statuses": Introduction.Status.choices,
            "status": status,
            "may_request": may_request_introductions(request.user),
            "works": works_on_introductions(request.user),
        },
    )


def _render_introduction(request, introduction: Introduction, *, status: int = 200, **forms):
    """The introduction page, with the forms the user may use (bound ones when given)."""
    context = introduction_page(user=request.user, introduction=introduction)
    if context["may_send"]:
        context["send_form"] = forms.get("send_form") or SendFeasibilityForm(
            contacts=contacts_to_ask(introduction),
            initial={"reply_by": services.default_reply_by(), "message": introduction.message},
        )
        context["may_write"] = context["send_form"].fields["contacts"].queryset.exists()
    if context["may_propose"]:
        context["propose_form"] = forms.get("propose_form") or ProposeClinicsForm(
            clinics=clinics_to_propose(introduction)
        )
    if context["may_close"]:
        context["close_form"] = forms.get("close_form") or CloseIntroductionForm()
    context["reply_statuses"] = ReplyStatus
    return render(request, "experts/introductions/introduction_detail.html", context, status=status)


@require_safe
@signed_in_area
def introduction_detail(request, pk: int):
    return _render_introduction(request, get_introduction_for_user(request.user, pk))


@require_POST
@signed_in_area
def send_feasibility(request, pk: int):
    introduction = get_introduction_for_user(request.user, pk, write=True)
    form = SendFeasibilityForm(request.POST, contacts=contacts_to_ask(introduction))
    if not form.is_valid():
        return _render_introduction(request, introduction, status=400, send_form=form)
    contacts = list(form.cleaned_data["contacts"])
    run_service(
        request,
        lambda: services.send_feasibility_requests(
            introduction=introduction,
            reviewer=request.user,
            contacts=contacts,
            message=form.cleaned_data["message"],
            reply_by=form.cleaned_data["reply_by"],
        ),
        translation.ngettext(
            "The feasibility request has been sent to %(count)d contact.",
            "The feasibility request has been sent to %(count)d contacts.",
            len(contacts),
        )
        % {"count": len(contacts)},
    )
    return redirect(introduction)


@require_POST
@signed_in_area
def propose_clinics(request, pk: int):
    introduction = get_introduction_for_user(request.user, pk, write=True)
    form = ProposeClinicsForm(request.POST, clinics=clinics_to_propose(introduction))
    if not form.is_valid():
        return _render_introduction(request, introduction, status=400, propose_form=form)
    run_service(
        request,
        lambda: services.propose_clinics(
            introduction=introduction, reviewer=request.user, clinics=form.cleaned_data["clinics"]
        ),
        _("The clinics have been added: choose their contacts below."),
    )
    return redirect(introduction)


@require_POST
@signed_in_area
def close_introduction(request, pk: int):
    introduction = get_introduction_for_user(request.user, pk, write=True)
    form = CloseIntroductionForm(request.POST)
    if not form.is_valid():
        return _render_introduction(request, introduction, status=400, close_form=form)
    run_service(
        request,
        lambda: services.close_introduction(
            introduction=introduction, reviewer=request.user, status=form.cleaned_data["status"]
        ),
        _("The introduction has been closed."),
    )
    return redirect(introduction)


# The clinic contact's personal link


def _private(view):
    """The link is a secret: not cached anywhere, not sent on as a referrer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def _unusable(request, state: str, feasibility_request):
    """Why the link takes no answer (410: it will not again)."""
    return render(
        request,
        "experts/introductions/feasibility_unusable.html",
        {"state": state, "feasibility_request": feasibility_request},
        status=410,
    )


def _use_language(request, language: str | None) -> None:
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def _link_language(request, feasibility_request) -> str | None:
    """The page's language: the one picked in the header's links; else the
    contact's, unless the visitor has chosen one before (cookie, profile)."""
    picked = request.GET.get("language", "")
    if picked in dict(settings.LANGUAGES):
        return picked
    if request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    return feasibility_request.contact.language if feasibility_request else None


# The link's token is the secret that proves the answer comes from the contact,
# which is what a CSRF token would prove: a forger needs the token, and with it
# could answer directly. And the page's "no-referrer" policy makes browsers
# send "Origin: null" with its POST, which the CSRF check would refuse.
@csrf_exempt
@require_form_methods
@_private
def feasibility_answer(request, token: str):
    """A clinic contact answers the board's feasibility request, once, without an account."""
    # Opening a link counts too (allauth spares GET unless told): guesses are GETs.
    if response := ratelimit.consume_or_429(request, action="feasibility_answer", limit_get=True):
        return response
    feasibility_request = feasibility_request_for_token(token)
    _use_language(request, _link_language(request, feasibility_request))
    if feasibility_request is None:
        return render(request, "experts/introductions/feasibility_unknown.html", status=404)
    state = link_state(feasibility_request)
    if state != "open":
        return _unusable(request, state, feasibility_request)
    form = FeasibilityAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_feasibility_answer(feasibility_request=feasibility_request, **form.cleaned_data)
        except services.LinkUnusable as error:
            return _unusable(request, error.state, feasibility_request)
        return render(
            request,
            "experts/introductions/feasibility_thanks.html",
            {
                "feasibility_request": feasibility_request,
                "organisation_name": feasibility_request.introduction.organisation.name,
            },
        )
    context = answer_page(feasibility_request=feasibility_request)
    context["form"] = form
    return render(request, "experts/introductions/feasibility_answer.html", context)


# Facilitated investigations


@require_safe
@signed_in_area
def investigation_list(request):
    """All facilitated investigations for the board and staff; members those their organisation sponsors."""
    investigations = investigations_for(request.user)
    stage = request.GET.get("stage", "")
    if stage in InvestigationStage.values:
        investigations = investigations.filter(stage=stage)
    else:
        stage = ""
    page, query = _paginate(request, investigations)
    works = works_on_introductions(request.user)
    return render(
        request,
        "experts/introductions/investigation_list.html",
        {
            "page": page,
            "query": query,
            "stages": InvestigationStage.choices,
            "stage": stage,
            "works": works,
            "facilitated_count": FacilitatedInvestigation.objects.visible_to(request.user).facilitated().count(),
        },
    )


@signed_in_area
def investigation_new(request):
    """Turn an introduction into a facilitated investigation."""
    _board_only(request.user)
    pk = _positive_int(request.GET.get("introduction"))
    if pk is None:
        raise Http404
    introduction = get_introduction_for_user(request.user, pk, write=True)
    asked = Clinic.objects.filter(feasibility_requests__introduction=introduction).distinct()
    if not may_start_investigation(introduction):
        messages.error(request, _("An investigation can start only from an introduction sent to clinics, once."))
        return redirect(introduction)
    interested = set(introduction.feasibility_requests.filter(answer="interested").values_list("clinic_id", flat=True))
    form = StartInvestigationForm(
        request.POST if request.method == "POST" else None,
        clinics=asked,
        initial={"title": short_title(introduction), "clinics": sorted(interested), "started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            investigation = services.start_investigation(
                introduction=introduction, reviewer=request.user, **form.cleaned_data
            )
        except services.IntroductionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The facilitated investigation has been started: record its stages here."))
            return redirect(investigation)
    return render(
        request,
        "experts/introductions/investigation_form.html",
        {"form": form, "introduction": introduction, "title": short_title(introduction)},
    )


def _render_investigation(request, investigation: FacilitatedInvestigation, *, status: int = 200, **forms):
    context = investigation_page(user=request.user, investigation=investigation)
    if context["may_edit"]:
        last_on = context["stages"][-1].on if context["stages"] else None
        if context["next_stages"]:
            context["stage_form"] = forms.get("stage_form") or StageForm(
                investigation=investigation, last_on=last_on, initial={"on": timezone.localdate()}
            )
        context["details_form"] = forms.get("details_form") or InvestigationDetailsForm(
            investigation=investigation, initial={"title": investigation.title, "civ_id": investigation.civ_id}
        )
    return render(request, "experts/introductions/investigation_detail.html", context, status=status)


@require_safe
@signed_in_area
def investigation_detail(request, pk: int):
    return _render_investigation(request, get_investigation_for_user(request.user, pk))


@require_POST
@signed_in_area
def record_stage(request, pk: int):
    investigation = get_investigation_for_user(request.user, pk, write=True)
    last = investigation.stages.order_by("-on", "-created_at").first()
    form = StageForm(request.POST, investigation=investigation, last_on=last.on if last else None)
    if not form.is_valid():
        return _render_investigation(request, investigation, status=400, stage_form=form)
    run_service(
        request,
        lambda: services.record_stage(investigation=investigation, user=request.user, **form.cleaned_data),
        _("The stage has been recorded."),
    )
    return redirect(investigation)


@require_POST
@signed_in_area
def edit_investigation(request, pk: int):
    investigation = get_investigation_for_user(request.user, pk, write=True)
    form = InvestigationDetailsForm(request.POST, investigation=investigation)
    if not form.is_valid():
        return _render_investigation(request, investigation, status=400, details_form=form)
    run_service(
        request,
        lambda: services.update_investigation(investigation=investigation, user=request.user, **form.cleaned_data),
        _("The investigation has been saved."),
    )
    return redirect(investigation)
