"""The respondents' pages: their open surveys, answering (signed in, through
a personal invitation link, or through a survey's public link), saving to
finish later, and the thanks."""

import secrets
from functools import wraps

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from experts.models.introductions import hash_token
from portal.accounts.permissions import signed_in_area
from portal.shortcuts import require_form_methods, run_service, throttled
from portal.surveys import selectors, services
from portal.surveys.forms import ResponseForm
from portal.surveys.models import Audience, Survey
from portal.surveys.permissions import can_run_surveys, in_audience

# The session remembers a public-link visitor's resume key, and the surveys they submitted.
RESUME_KEYS = "survey_resume_keys"
SUBMITTED = "surveys_submitted"


def _private(view):
    """Personal links are secrets: not cached anywhere, not sent on as a referrer."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


@require_safe
@signed_in_area
def my_surveys(request):
    return render(
        request,
        "surveys/mine.html",
        {"surveys": selectors.open_surveys_for(request.user), "may_run": can_run_surveys(request.user)},
    )


@require_form_methods
@signed_in_area
def respond(request, pk: int):
    """A signed-in user of the audience answers."""
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    if not survey.is_published:
        if can_run_surveys(request.user):
            return redirect("surveys:preview", pk=survey.pk)
        raise Http404
    if not in_audience(request.user, survey):
        raise Http404
    respondent = services.respondent_for_user(survey=survey, user=request.user)
    if respondent.invitation is not None and respondent.invitation.used_at is not None:
        return render(request, "surveys/answered.html", {"survey": survey})
    return _answer(request, survey, respondent, throttle=lambda: throttled(request, "survey_respond"))


# The token is the secret that proves who answers, as a CSRF token would; and
# the page's "no-referrer" policy makes browsers send "Origin: null" with its
# POST, which the CSRF check would refuse (as for the feasibility links).
@csrf_exempt
@require_form_methods
@_private
def respond_invitation(request, token: str):
    """Anyone holding a personal invitation link answers, without signing in."""
    # Opening a link counts too: guesses are GETs.
    if response := ratelimit.consume_or_429(request, action="survey_link", limit_get=True):
        return response
    invitation = selectors.invitation_for_token(token)
    if invitation is None or not invitation.survey.is_published:
        return render(request, "surveys/link_unknown.html", status=404)
    language = _link_language(request, invitation)
    with translation.override(language or translation.get_language()):
        if language:
            request.LANGUAGE_CODE = language
        survey = invitation.survey
        if invitation.used_at is not None:
            return render(request, "surveys/answered.html", {"survey": survey}, status=410)
        respondent = services.Respondent(invitation=invitation, user=invitation.user)
        return _answer(request, survey, respondent, throttle=lambda: None, via_link=True)


def _link_language(request, invitation) -> str | None:
    """The contact's language, unless the visitor has chosen one (cookie, profile)."""
    picked = request.GET.get("language", "")
    if picked in dict(settings.LANGUAGES):
        return picked
    if request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    return invitation.language


@require_form_methods
@_private
def respond_public(request, key: str):
    """Anyone with a survey's public link answers; a resume key in the session finds their draft."""
    survey = Survey.objects.published().filter(public_key=key, audience=Audience.PUBLIC).first()
    if survey is None:
        raise Http404
    if str(survey.pk) in request.session.get(SUBMITTED, []):
        return render(request, "surveys/answered.html", {"survey": survey})
    resume = request.session.get(RESUME_KEYS, {}).get(str(survey.pk))
    respondent = services.Respondent(resume_key_hash=hash_token(resume) if resume else None)

    def throttle():
        return ratelimit.consume_or_429(request, action="survey_public")

    return _answer(request, survey, respondent, throttle=throttle, public=True)


def _answer(
    request, survey: Survey, respondent: services.Respondent, *, throttle, public: bool = False, via_link: bool = False
):
    state = survey.state()
    if state != Survey.State.OPEN:
        return render(request, "surveys/unavailable.html", {"survey": survey, "state": state, "via_link": via_link})
    questions = selectors.questions_of(survey)
    draft = services.find_draft(survey=survey, respondent=respondent)
    if request.method == "POST":
        if response := throttle():
            return response
        final = "submit" in request.POST
        form = ResponseForm(request.POST, questions=questions, final=final)
        if form.is_valid():
            if final:
                if run_service(
                    request,
                    lambda: services.submit_response(survey=survey, respondent=respondent, answers=form.answers()),
                    form=form,
                ):
                    if public:
                        request.session[SUBMITTED] = [*request.session.get(SUBMITTED, []), str(survey.pk)]
                        keys = request.session.get(RESUME_KEYS, {})
                        keys.pop(str(survey.pk), None)
                        request.session[RESUME_KEYS] = keys
                    return redirect("surveys:thanks", pk=survey.pk)
            else:
                if public and respondent.resume_key_hash is None:
                    resume = secrets.token_urlsafe(24)
                    request.session[RESUME_KEYS] = {**request.session.get(RESUME_KEYS, {}), str(survey.pk): resume}
                    respondent.resume_key_hash = hash_token(resume)
                if run_service(
                    request,
                    lambda: services.save_draft(survey=survey, respondent=respondent, answers=form.answers()),
                    _("Your answers are saved. Come back through the same link to finish and submit them."),
                    form=form,
                ):
                    return redirect(request.get_full_path())
        elif final:
            messages.error(request, _("Some answers are missing or not valid: see the questions marked below."))
    else:
        form = ResponseForm(questions=questions, saved=draft.answers if draft else None)
    return render(
        request,
        "surveys/respond.html",
        {"survey": survey, "form": form, "draft": draft, "preview": False, "public": public, "via_link": via_link},
    )


@require_safe
def thanks(request, pk: int):
    survey = Survey.objects.published().filter(pk=pk).first()
    if survey is None:
        raise Http404
    return render(request, "surveys/thanks.html", {"survey": survey})
