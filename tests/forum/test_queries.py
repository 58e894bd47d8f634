"""Pages run a fixed number of queries whatever the number of rows (issue
budget: at most 10 for an anonymous visitor, 15 signed in)."""

import pytest
from django.urls import reverse

from experts.models import Topic
from forum import services
from forum.models import Question
from portal.accounts.roles import Role
from tests.factories import ExpertFactory, UserFactory

ANONYMOUS_BUDGET = 10
SIGNED_IN_BUDGET = 15


def make_questions(author, expert, count: int) -> list[Question]:
    topics = list(Topic.objects.all()[:3])
    questions = []
    for n in range(count):
        question = services.ask_question(
            author=author,
            title=f"Domanda numero {n} sul percorso regolatorio",
            body="Testo sufficientemente lungo della domanda.",
            topics=topics,
            visibility="public",
        )
        services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")
        questions.append(question)
    return questions


@pytest.mark.parametrize("rows", [1, 30])
def test_question_list_queries(anonymous_client, member_client, member, expert, django_assert_max_num_queries, rows):
    make_questions(member, expert, rows)

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(reverse("forum:list")).status_code == 200
    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        anonymous_client.get(reverse("forum:list"), {"q": "percorso", "topic": "regulatory-pathway", "sort": "helpful"})
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert member_client.get(reverse("forum:list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_question_page_queries(anonymous_client, client_for, member, settings, django_assert_max_num_queries, rows):
    settings.BOARD_ANSWER_QUORUM = 2
    experts = [UserFactory(role=Role.EXPERT, with_mfa=True) for _ in range(3)]
    question = make_questions(member, experts[0], 1)[0]
    for n in range(rows):
        answer = services.post_answer(question=question, expert=experts[n % 3], body=f"Risposta numero {n} completa.")
        services.post_comment(question=question, author=member, body=f"Chiarimento {n}", answer=answer)
        services.toggle_helpful(answer=answer, user=member)
    board = services.draft_board_answer(
        question=question, expert=experts[0], body="Bozza del board.", cosigners=experts[1:]
    )
    services.cosign_board_answer(answer=board, expert=experts[1])

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(question.get_absolute_url()).status_code == 200
    for client in (client_for(member), client_for(experts[2])):
        with django_assert_max_num_queries(SIGNED_IN_BUDGET):
            assert client.get(question.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_faq_and_feed_queries(anonymous_client, member, expert, staff_user, django_assert_max_num_queries, rows):
    questions = make_questions(member, expert, rows)
    topic = Topic.objects.first()
    for n in range(rows):
        services.save_faq_entry(
            staff=staff_user, topic=topic, question=questions[n], title_it=f"Voce {n}", body_it="Risposta.", position=n
        )

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(reverse("forum:faq")).status_code == 200
    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(reverse("forum:feed")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_moderation_queue_queries(staff_client, member, expert, django_assert_max_num_queries, rows):
    for question in make_questions(member, expert, rows):
        services.flag_content(question=question, reporter=member, reason="Contenuto fuori tema")

    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert staff_client.get(reverse("forum:moderation")).status_code == 200


def make_board_work(member, expert, rows: int) -> None:
    """``rows`` questions assigned to ``expert``, ``rows`` waiting in triage in
    their topics, ``rows`` board drafts awaiting their signature, ``rows`` answers."""
    other = ExpertFactory(topics=["regulatory-pathway"])
    staff = UserFactory(role=Role.STAFF, organisation=None)
    for question in make_unanswered(member, rows):
        services.assign_experts(question=question, staff=staff, experts=[expert], due_on=services.default_due_date())
    make_unanswered(member, rows)
    for question in make_unanswered(member, rows):
        services.draft_board_answer(question=question, expert=other, body="Bozza del board.", cosigners=[expert])
    make_questions(member, expert, rows)


def make_unanswered(member, count: int) -> list[Question]:
    return [
        services.ask_question(
            author=member,
            title=f"Domanda in attesa {n}",
            body="Testo della domanda.",
            topics=Topic.objects.filter(slug="regulatory-pathway"),
            visibility="public",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("rows", [1, 30])
def test_expert_dashboard_queries(client_for, member, django_assert_max_num_queries, rows):
    expert = ExpertFactory(topics=["regulatory-pathway"])
    make_board_work(member, expert, rows)
    client = client_for(expert)

    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        response = client.get(reverse("forum:expert_dashboard"))
    assert len(response.context["assigned"]) == rows
    assert len(response.context["to_cosign"]) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_board_dashboard_and_assign_page_queries(staff_client, member, django_assert_max_num_queries, rows):
    expert = ExpertFactory(topics=["regulatory-pathway"])
    make_board_work(member, expert, rows)
    for _ in range(rows):
        ExpertFactory(topics=["regulatory-pathway", "investigation-plan"])

    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        response = staff_client.get(reverse("forum:triage"))
    assert response.context["triage"].paginator.count == 2 * rows
    question = Question.objects.awaiting_assignment().first()
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert staff_client.get(reverse("forum:assign", args=[question.pk])).status_code == 200
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert staff_client.get(question.get_absolute_url()).status_code == 200
