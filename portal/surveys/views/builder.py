"""The staff's builder: surveys, their questions, publishing, invitations and reminders."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.accounts.permissions import capability_required
from portal.accounts.roles import Capability
from portal.shortcuts import require_form_methods, run_service, throttled
from portal.surveys import selectors, services
from portal.surveys.forms import ClosingForm, QuestionForm, ResponseForm, SurveyForm
from portal.surveys.models import Invitation, Question, Response
from portal.surveys.permissions import get_survey_for_runner

runner_only = capability_required(Capability.RUN_SURVEYS)


def _throttled(request):
    return throttled(request, "survey_write")


def _frozen(request, survey):
    messages.error(
        request,
        _("This survey has been published: its questions can no longer be changed. Only its close date can move."),
    )
    return redirect(survey)


@require_safe
@runner_only
def survey_list(request):
    page = Paginator(selectors.survey_list(), 25).get_page(request.GET.get("page"))
    return render(request, "surveys/list.html", {"page": page})


@require_form_methods
@runner_only
def survey_new(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if response := _throttled(request):
            return response
        created = []
        if run_service(
            request,
            lambda: created.append(services.create_survey(by=request.user, **form.cleaned_data)),
            _("Survey created: now add its questions."),
            form=form,
        ):
            return redirect(created[0])
    return render(request, "surveys/survey_form.html", {"form": form})


@require_safe
@runner_only
def survey_detail(request, pk: int):
    survey = get_survey_for_runner(pk)
    invitations = Invitation.objects.filter(survey=survey)
    public_link = (
        request.build_absolute_uri(reverse("surveys:public", args=[survey.public_key])) if survey.public_key else ""
    )
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "state": survey.state(),
            "questions": selectors.questions_of(survey),
            "invited": invitations.count(),
            "answered": Response.objects.filter(survey=survey).count(),
            "public_link": public_link,
        },
    )


@require_form_methods
@runner_only
def survey_edit(request, pk: int):
    survey = get_survey_for_runner(pk)
    data = request.POST if request.method == "POST" else None
    if survey.is_published:
        form = ClosingForm(data, survey=survey, initial={"closes_at": survey.closes_at})
    else:
        form = SurveyForm(data, instance=survey)
    if request.method == "POST" and form.is_valid():
        if response := _throttled(request):
            return response
        fields = form.cleaned_data if survey.is_published else {k: form.cleaned_data[k] for k in services.SURVEY_FIELDS}
        if run_service(
            request,
            lambda: services.update_survey(survey=survey, by=request.user, **fields),
            _("Survey saved."),
            form=form,
        ):
            return redirect(survey)
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey})


def _question(survey, question_pk: int) -> Question:
    return get_object_or_404(Question.objects.prefetch_related("options"), pk=question_pk, survey=survey)


@require_form_methods
@runner_only
def question_new(request, pk: int):
    survey = get_survey_for_runner(pk)
    if survey.is_published:
        return _frozen(request, survey)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if response := _throttled(request):
            return response
        if run_service(
            request,
            lambda: services.add_question(survey=survey, by=request.user, data=form.data_for_service()),
            _("Question added."),
            form=form,
        ):
            return redirect(survey)
    return render(request, "surveys/question_form.html", {"form": form, "survey": survey})


@require_form_methods
@runner_only
def question_edit(request, pk: int, question_pk: int):
    survey = get_survey_for_runner(pk)
    question = _question(survey, question_pk)
    if survey.is_published:
        return _frozen(request, survey)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        if response := _throttled(request):
            return response
        if run_service(
            request,
            lambda: services.update_question(question=question, by=request.user, data=form.data_for_service()),
            _("Question saved."),
            form=form,
        ):
            return redirect(survey)
    return render(request, "surveys/question_form.html", {"form": form, "survey": survey, "question": question})


@require_POST
@runner_only
def question_move(request, pk: int, question_pk: int):
    survey = get_survey_for_runner(pk)
    question = _question(survey, question_pk)
    if response := _throttled(request):
        return response
    run_service(
        request,
        lambda: services.move_question(question=question, by=request.user, up=request.POST.get("direction") == "up"),
    )
    return redirect(f"{survey.get_absolute_url()}#q-{question.pk}")


@require_form_methods
@runner_only
def question_delete(request, pk: int, question_pk: int):
    survey = get_survey_for_runner(pk)
    question = _question(survey, question_pk)
    if survey.is_published:
        return _frozen(request, survey)
    if request.method == "POST":
        if response := _throttled(request):
            return response
        run_service(
            request, lambda: services.delete_question(question=question, by=request.user), _("Question deleted.")
        )
        return redirect(survey)
    return render(request, "surveys/question_delete.html", {"survey": survey, "question": question})


def _act_on_survey(request, pk: int, service, success_message: str):
    """A staff button on a survey: load it, limit the writes, call ``service`` and go back to it."""
    survey = get_survey_for_runner(pk)
    if response := _throttled(request):
        return response
    run_service(request, lambda: service(survey=survey, by=request.user), success_message)
    return redirect(survey)


@require_POST
@runner_only
def survey_publish(request, pk: int):
    return _act_on_survey(request, pk, services.publish_survey, _("Survey published: its questions are now frozen."))


@require_POST
@runner_only
def survey_invite(request, pk: int):
    return _act_on_survey(
        request,
        pk,
        services.request_invitations,
        _("The invitations are being sent to everyone in the audience not invited yet."),
    )


@require_POST
@runner_only
def survey_remind(request, pk: int):
    return _act_on_survey(
        request,
        pk,
        services.request_reminders,
        _("Reminders are being sent to those who have not answered yet (at most one a day each)."),
    )


@require_safe
@runner_only
def survey_preview(request, pk: int):
    survey = get_survey_for_runner(pk)
    form = ResponseForm(questions=selectors.questions_of(survey))
    return render(request, "surveys/respond.html", {"survey": survey, "form": form, "preview": True})
