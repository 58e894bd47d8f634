"""Building a survey: validation, reordering, publishing, and the freeze."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from portal.surveys.models import Option, Question, Survey

pytestmark = pytest.mark.django_db

FROZEN = "This survey has been published: its questions can no longer be changed. Only its close date can move."


def _survey_post(**overrides) -> dict:
    now = timezone.localtime()
    data = {
        "title_it": "Questionario",
        "title_en": "Survey",
        "intro_it": "",
        "intro_en": "",
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "anonymous": "on",
        "audience": "members",
    }
    return data | overrides


def test_staff_create_a_survey(staff_client, staff_user):
    response = staff_client.post(reverse("surveys:create"), _survey_post())
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:detail", args=[survey.pk])
    assert (survey.title_en, survey.anonymous, survey.audience, survey.created_by) == (
        "Survey",
        True,
        "members",
        staff_user,
    )
    assert survey.state() == Survey.State.DRAFT


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title_en": ""}, "title_en"),
        ({"title_it": ""}, "title_it"),
        ({"closes_at": (timezone.now() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")}, "closes_at"),
        ({"intro_it": "Solo italiano"}, None),
        ({"audience": "everyone"}, "audience"),
    ],
)
def test_a_survey_needs_both_languages_and_ordered_dates(staff_client, overrides, field):
    response = staff_client.post(reverse("surveys:create"), _survey_post(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field or "__all__"]
    assert not Survey.objects.exists()


def _question_post(**overrides) -> dict:
    data = {
        "kind": "single",
        "text_it": "Il centro ha aiutato?",
        "text_en": "Did the centre help?",
        "help_it": "",
        "help_en": "",
        "required": "on",
        "options_it": "Sì\nNo",
        "options_en": "Yes\nNo",
    }
    return data | overrides


def test_staff_add_a_choice_question_with_bilingual_options(staff_client, draft_survey):
    last_position = max(draft_survey.questions.values_list("position", flat=True))
    response = staff_client.post(reverse("surveys:question_new", args=[draft_survey.pk]), _question_post())
    assert response.status_code == 302
    question = draft_survey.questions.last()
    assert question.position == last_position + 1  # added at the end
    assert [(o.text_it, o.text_en) for o in question.options.all()] == [("Sì", "Yes"), ("No", "No")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"options_it": "Sì", "options_en": "Yes"}, "options_it"),
        ({"options_it": "Sì\nNo\nForse", "options_en": "Yes\nNo"}, "options_en"),
        ({"text_en": ""}, "text_en"),
        ({"kind": "likert", "low_label_it": "Per nulla"}, "__all__"),
        ({"kind": "number", "min_value": "10", "max_value": "1"}, "max_value"),
    ],
)
def test_question_validation(staff_client, draft_survey, overrides, field):
    before = Question.objects.count()
    response = staff_client.post(reverse("surveys:question_new", args=[draft_survey.pk]), _question_post(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Question.objects.count() == before


def test_staff_edit_move_and_delete_questions(staff_client, draft_survey):
    q = draft_survey.q
    url = reverse("surveys:question_edit", args=[draft_survey.pk, q["single"].pk])
    staff_client.post(url, _question_post(options_it="A\nB\nC", options_en="A\nB\nC"))
    assert list(q["single"].options.values_list("text_en", flat=True)) == ["A", "B", "C"]
    staff_client.post(reverse("surveys:question_move", args=[draft_survey.pk, q["single"].pk]), {"direction": "up"})
    order = list(draft_survey.questions.values_list("pk", flat=True))
    assert order[:2] == [q["single"].pk, q["likert"].pk]
    staff_client.post(reverse("surveys:question_delete", args=[draft_survey.pk, q["likert"].pk]))
    assert not Question.objects.filter(pk=q["likert"].pk).exists()


def test_publishing_freezes_the_questions(staff_client, draft_survey):
    response = staff_client.post(reverse("surveys:publish", args=[draft_survey.pk]))
    assert response.status_code == 302
    draft_survey.refresh_from_db()
    assert draft_survey.is_published
    question = draft_survey.q["single"]
    for url, data in [
        (reverse("surveys:question_new", args=[draft_survey.pk]), _question_post()),
        (reverse("surveys:question_edit", args=[draft_survey.pk, question.pk]), _question_post(text_en="Changed")),
        (reverse("surveys:question_delete", args=[draft_survey.pk, question.pk]), {}),
        (reverse("surveys:question_move", args=[draft_survey.pk, question.pk]), {"direction": "up"}),
    ]:
        response = staff_client.post(url, data)
        assert response.status_code == 302
        assert FROZEN in [str(m) for m in get_messages(response.wsgi_request)]
    question.refresh_from_db()
    assert question.text_en == "Started?"
    assert draft_survey.questions.count() == 6
    assert Option.objects.filter(question=question).count() == 2


def test_a_published_survey_only_moves_its_close_date(staff_client, survey):
    later = timezone.localtime() + timedelta(days=30)
    response = staff_client.post(
        reverse("surveys:edit", args=[survey.pk]), {"closes_at": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.closes_at.replace(second=0, microsecond=0) == later.replace(second=0, microsecond=0)
    assert "title_en" not in staff_client.get(reverse("surveys:edit", args=[survey.pk])).context["form"].fields


def test_a_survey_without_questions_cannot_be_published(staff_client, staff_user):
    survey = Survey.objects.create(
        title_it="x",
        title_en="x",
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        audience="members",
    )
    response = staff_client.post(reverse("surveys:publish", args=[survey.pk]))
    assert "Add at least one question before publishing." in [str(m) for m in get_messages(response.wsgi_request)]
    survey.refresh_from_db()
    assert not survey.is_published


def test_preview_saves_nothing(staff_client, draft_survey):
    response = staff_client.get(reverse("surveys:preview", args=[draft_survey.pk]))
    assert response.context["preview"] is True
    assert "Save and continue later" not in response.content.decode()
