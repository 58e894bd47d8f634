"""Who may open every page of the surveys, and a fixed number of queries
whatever the number of surveys and responses."""

import pytest
from django.urls import reverse

from portal.surveys import services
from portal.surveys.models import Audience
from tests.conftest import PERSONAS
from tests.factories.surveys import SurveyFactory
from tests.surveys.conftest import answers_for, build_questions

pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
STAFF_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 200, ADMIN: 200}


def matrix(expected: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("persona", "expected"), list(expected.items()))


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


STAFF_PAGES = [
    ("surveys:list", False),
    ("surveys:create", False),
    ("surveys:detail", True),
    ("surveys:edit", True),
    ("surveys:preview", True),
    ("surveys:question_new", True),
    ("surveys:results", True),
    ("surveys:export", True),
]


@pytest.mark.parametrize(("name", "with_pk"), STAFF_PAGES)
@matrix(STAFF_200)
def test_staff_pages_are_for_those_who_run_surveys(request, persona, expected, name, with_pk, draft_survey):
    url = reverse(name, args=[draft_survey.pk] if with_pk else [])
    response = request.getfixturevalue(persona).get(url)
    assert_status(response, expected, url)


@matrix(STAFF_200)
def test_question_pages_are_for_those_who_run_surveys(request, persona, expected, draft_survey):
    question = draft_survey.q["likert"]
    for name in ("surveys:question_edit", "surveys:question_delete"):
        url = reverse(name, args=[draft_survey.pk, question.pk])
        assert_status(request.getfixturevalue(persona).get(url), expected, url)
    texts = reverse("surveys:texts", args=[draft_survey.pk, draft_survey.q["text"].pk])
    assert_status(request.getfixturevalue(persona).get(texts), expected, texts)


@pytest.mark.parametrize("name", ["surveys:publish", "surveys:invite", "surveys:remind"])
@matrix({ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 302, ADMIN: 302})
def test_staff_actions_refuse_others(request, persona, expected, name, draft_survey):
    url = reverse(name, args=[draft_survey.pk])
    assert_status(request.getfixturevalue(persona).post(url), expected, url)


@matrix({ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 200, EXPERT: 404, STAFF: 404, ADMIN: 404})
def test_respond_page_is_for_the_audience(request, persona, expected, survey):
    url = reverse("surveys:respond", args=[survey.pk])
    response = request.getfixturevalue(persona).get(url)
    assert_status(response, expected, url)
    if expected == 200:
        assert response.context["form"].fields.keys() == {f"q{q.pk}" for q in survey.q.values()}


@matrix({ANONYMOUS: LOGIN, MEMBER: 404, OTHER_MEMBER: 404, EXPERT: 200, STAFF: 404, ADMIN: 404})
def test_an_experts_survey_is_for_experts(request, persona, expected):
    survey = SurveyFactory(audience=Audience.EXPERTS)
    build_questions(survey)
    url = reverse("surveys:respond", args=[survey.pk])
    assert_status(request.getfixturevalue(persona).get(url), expected, url)


@matrix({ANONYMOUS: LOGIN, MEMBER: 404, OTHER_MEMBER: 404, EXPERT: 404, STAFF: 302, ADMIN: 302})
def test_a_draft_is_not_found_except_by_staff_who_see_its_preview(request, persona, expected, draft_survey):
    url = reverse("surveys:respond", args=[draft_survey.pk])
    response = request.getfixturevalue(persona).get(url)
    assert_status(response, expected, url)
    if expected == 302:
        assert response["Location"] == reverse("surveys:preview", args=[draft_survey.pk])


@matrix({ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 200, EXPERT: 200, STAFF: 200, ADMIN: 200})
def test_my_surveys_page(request, persona, expected, survey):
    url = reverse("surveys:mine")
    response = request.getfixturevalue(persona).get(url)
    assert_status(response, expected, url)
    if expected == 200:
        listed = [item.survey.pk for item in response.context["surveys"]]
        assert listed == ([survey.pk] if persona in (MEMBER, OTHER_MEMBER) else [])


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_link_is_for_anyone(request, persona):
    survey = SurveyFactory(audience=Audience.PUBLIC, public_key="k" * 32)
    build_questions(survey)
    response = request.getfixturevalue(persona).get(reverse("surveys:public", args=[survey.public_key]))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert request.getfixturevalue(persona).get(reverse("surveys:public", args=["wrong"])).status_code == 404


def test_my_area_shows_the_waiting_surveys(member_client, survey, staff_client):
    page = member_client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:respond", args=[survey.pk]) in page
    staff_page = staff_client.get(reverse("dashboard")).content.decode()
    assert reverse("surveys:list") in staff_page


def test_closed_and_future_surveys_say_so(member_client, closed_survey):
    response = member_client.get(reverse("surveys:respond", args=[closed_survey.pk]))
    assert response.status_code == 200
    assert "Il questionario si è chiuso il" in response.content.decode()


# Query guards, with one and many rows.


def _respond(survey, users):
    for user in users:
        services.submit_response(
            survey=survey,
            respondent=services.respondent_for_user(survey=survey, user=user),
            answers={str(survey.q["likert"].pk): 4, str(survey.q["text"].pk): f"Note {user.pk}"},
        )


@pytest.mark.parametrize("count", [1, 12])
def test_results_and_export_run_a_fixed_number_of_queries(staff_client, survey, count, django_assert_max_num_queries):
    from tests.factories import UserFactory

    _respond(survey, UserFactory.create_batch(count))
    with django_assert_max_num_queries(20):
        response = staff_client.get(reverse("surveys:results", args=[survey.pk]))
    assert response.context["results"].responses == count
    with django_assert_max_num_queries(14):
        response = staff_client.get(reverse("surveys:export", args=[survey.pk]))
    assert response.content.decode().count("\n") == count + 1


@pytest.mark.parametrize("count", [1, 12])
def test_survey_list_runs_a_fixed_number_of_queries(staff_client, count, django_assert_max_num_queries):
    SurveyFactory.create_batch(count)
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("surveys:list"))
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [1, 12])
def test_respond_page_runs_a_fixed_number_of_queries(member_client, survey, count, django_assert_max_num_queries):
    from tests.factories.surveys import QuestionFactory

    for _ in range(count):
        QuestionFactory(survey=survey)
    with django_assert_max_num_queries(16):
        response = member_client.get(reverse("surveys:respond", args=[survey.pk]))
    assert response.status_code == 200
    _ = answers_for
