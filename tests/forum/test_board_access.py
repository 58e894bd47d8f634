"""Who may use the board's pages and quick actions: for each persona the
status code and what changes, or does not change, in the database."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import Assignment, ConflictOfInterest
from tests.factories import AssignmentFactory, ExpertFactory, QuestionFactory
from tests.forum.test_access import (
    ADMIN,
    ANONYMOUS,
    EXPERT,
    EXPERTS_200,
    EXPERTS_302,
    MEMBER,
    MODERATORS_200,
    MODERATORS_302,
    OTHER_MEMBER,
    STAFF,
    assert_status,
    client_and_user,
    matrix,
    topic,
)

pytestmark = pytest.mark.django_db

# Routes under test here; tests/forum/test_access.py checks that every forum URL is covered.
BOARD_URLS = {"expert_dashboard", "triage", "assign", "claim", "conflict", "decline", "cancel_assignment"}


@pytest.fixture
def question(member):
    return QuestionFactory(author=member, title="Quale piano statistico per uno studio pilota?", topics=[topic()])


@pytest.fixture
def confidential_question(member):
    return QuestionFactory(author=member, title="Il nostro catetere segreto", topics=[topic()], confidential=True)


@pytest.fixture
def with_profile(expert):
    """The expert persona, with a profile in the question's topic."""
    from experts.models import ExpertProfile, Sector

    profile = ExpertProfile.objects.create(user=expert, sector=Sector.CLINICAL, affiliation="ASST Santi Paolo e Carlo")
    profile.topics.set([topic()])
    return expert


# Dashboards


@matrix(EXPERTS_200)
def test_the_expert_dashboard_is_for_experts(request, persona, expected, with_profile, question):
    AssignmentFactory(question=question, expert=with_profile)
    client, _user = client_and_user(request, persona)
    url = reverse("forum:expert_dashboard")

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert [a.question for a in response.context["assigned"]] == [question]
        assert question.title in response.content.decode()


@matrix(MODERATORS_200)
def test_the_board_dashboard_is_for_staff(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:triage")

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert list(response.context["triage"]) == [question]


def test_an_expert_sees_only_their_own_assignments(expert_client, with_profile, question):
    AssignmentFactory(question=question, expert=ExpertFactory(full_name="Paola Riva"))

    response = expert_client.get(reverse("forum:expert_dashboard"))

    assert response.context["assigned"] == []
    assert "Paola Riva" not in response.content.decode()


def test_the_question_page_shows_the_board_work_to_the_board_only(client_for, question, member, other_member, expert):
    AssignmentFactory(question=question, expert=ExpertFactory(full_name="Paola Riva"))
    url = question.get_absolute_url()

    for user in (member, other_member):
        page = client_for(user).get(url).content.decode()
        assert "Paola Riva" not in page
        assert 'id="board-work"' not in page
    page = client_for(expert).get(url).content.decode()
    assert 'id="board-work"' in page
    assert "Paola Riva" in page


def test_only_staff_read_the_reasons_for_declines_and_conflicts(client_for, question, staff_user, expert):
    other = ExpertFactory(full_name="Paola Riva")
    services.declare_conflict(question=question, expert=other, reason="Consulente del fabbricante.")

    assert "Consulente del fabbricante." in client_for(staff_user).get(question.get_absolute_url()).content.decode()
    assert "Consulente del fabbricante." not in client_for(expert).get(question.get_absolute_url()).content.decode()


# Assigning


@matrix(MODERATORS_200)
def test_the_assign_page_is_for_staff(request, persona, expected, question, with_profile):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:assign", args=[question.pk])

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert response.context["candidates"] == [with_profile]
        assert response.context["form"]["due_on"].value() == services.default_due_date()


@matrix(MODERATORS_302)
def test_only_staff_assign_a_question(request, persona, expected, question, with_profile):
    client, user = client_and_user(request, persona)
    url = reverse("forum:assign", args=[question.pk])
    due = services.default_due_date()

    response = client.post(url, {"experts": [with_profile.pk], "due_on": due.isoformat()})

    assert_status(response, expected, url)
    if expected == 302:
        assignment = Assignment.objects.get()
        assert (assignment.expert, assignment.assigned_by, assignment.due_on) == (with_profile, user, due)
        assert response["Location"] == reverse("forum:triage")
    else:
        assert not Assignment.objects.exists()


def test_assigning_without_experts_or_with_a_past_date_shows_errors(staff_client, question, with_profile):
    url = reverse("forum:assign", args=[question.pk])

    response = staff_client.post(url, {"experts": [], "due_on": "2020-01-01"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"experts", "due_on"}
    assert not Assignment.objects.exists()


def test_an_expert_with_a_conflict_is_not_offered(staff_client, question, with_profile):
    services.declare_conflict(question=question, expert=with_profile, reason="Consulente.")
    url = reverse("forum:assign", args=[question.pk])

    response = staff_client.post(url, {"experts": [with_profile.pk], "due_on": services.default_due_date().isoformat()})

    assert response.context["candidates"] == []
    assert "experts" in response.context["form"].errors
    assert not Assignment.objects.exists()


# Quick actions of the experts


@matrix(EXPERTS_302)
def test_only_experts_claim_a_question(request, persona, expected, question, with_profile):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:claim", args=[question.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    assert Assignment.objects.filter(expert=with_profile).exists() == (expected == 302)


@matrix(EXPERTS_302)
def test_only_experts_declare_a_conflict(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:conflict", args=[question.pk])

    response = client.post(url, {"reason": "Sono consulente del fabbricante."})

    assert_status(response, expected, url)
    assert ConflictOfInterest.objects.exists() == (expected == 302)


def test_a_conflict_without_a_reason_is_refused(expert_client, question):
    response = expert_client.post(reverse("forum:conflict", args=[question.pk]), {"reason": " "}, follow=True)

    assert not ConflictOfInterest.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@matrix({ANONYMOUS: "login", MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 302, STAFF: 403, ADMIN: 403})
def test_only_the_assigned_expert_declines(request, persona, expected, question, expert):
    assignment = AssignmentFactory(question=question, expert=expert)
    client, _user = client_and_user(request, persona)
    url = reverse("forum:decline", args=[assignment.pk])

    response = client.post(url, {"reason": "Sono in congedo."})

    assert_status(response, expected, url)
    assignment.refresh_from_db()
    assert assignment.status == (Assignment.Status.DECLINED if expected == 302 else Assignment.Status.OPEN)


def test_an_expert_cannot_decline_someone_elses_assignment(expert_client, question):
    assignment = AssignmentFactory(question=question)

    response = expert_client.post(reverse("forum:decline", args=[assignment.pk]), {"reason": "Non è mia."})

    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OPEN


@matrix(MODERATORS_302)
def test_only_staff_withdraw_an_assignment(request, persona, expected, question):
    assignment = AssignmentFactory(question=question)
    client, _user = client_and_user(request, persona)
    url = reverse("forum:cancel_assignment", args=[assignment.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    assignment.refresh_from_db()
    assert assignment.status == (Assignment.Status.CANCELLED if expected == 302 else Assignment.Status.OPEN)


@pytest.mark.parametrize("name", ["claim", "conflict", "cancel_assignment", "decline"])
def test_quick_actions_refuse_get(expert_client, staff_client, question, name):
    client = staff_client if name == "cancel_assignment" else expert_client
    target = AssignmentFactory(question=question).pk if name in ("decline", "cancel_assignment") else question.pk

    assert client.get(reverse(f"forum:{name}", args=[target])).status_code == 405


def test_confidential_questions_stay_hidden_from_other_organisations(other_member_client, confidential_question):
    for name in ("claim", "conflict"):
        response = other_member_client.post(reverse(f"forum:{name}", args=[confidential_question.pk]))
        assert response.status_code == 403
    assert confidential_question.title not in other_member_client.get(reverse("forum:list")).content.decode()
