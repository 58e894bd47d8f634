"""Who may run surveys and who may answer them: the only way a view checks it."""

from django.http import Http404

from portal.accounts.roles import Capability, user_can
from portal.surveys.models import Audience, Survey, audience_of


def can_run_surveys(user) -> bool:
    return user_can(user, Capability.RUN_SURVEYS)


def in_audience(user, survey: Survey) -> bool:
    """A signed-in user the survey is for (clinic contacts and the public answer by link)."""
    return survey.audience != Audience.PUBLIC and survey.audience == audience_of(user)


def get_survey_for_runner(pk: int) -> Survey:
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None:
        raise Http404
    return survey


def get_survey_for_respondent(user, pk: int) -> Survey:
    """A published survey of the user's audience; 404 otherwise (drafts are not revealed)."""
    survey = Survey.objects.published().filter(pk=pk).first()
    if survey is None or not in_audience(user, survey):
        raise Http404
    return survey
