"""Who may do what on every URL of the forum: for each persona the status code
and what changes, or does not change, in the database.

Personas: anonymous, ``member`` (the asker), ``other_member`` (another
organisation), ``expert``, ``staff_user``, ``administrator``. The questions
here are public unless a test says otherwise; confidentiality has its own file.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from experts.models import Topic
from forum import services
from forum.models import Answer, BoardSignature, Comment, FAQEntry, Flag, Follow, HelpfulVote, Question, Revision
from forum.urls import urlpatterns
from portal.accounts.roles import Role
from tests.conftest import PERSONAS
from tests.factories import AnswerFactory, CommentFactory, FAQEntryFactory, QuestionFactory, UserFactory
from tests.factories.forum import PDF_BYTES, add_pdf

# Personas are fixtures fetched by name at run time: declare the database use, so that
# pytest-django runs these tests with the other database tests, before the transactional
# ones (which flush the topic taxonomy).
pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
USERS = {
    MEMBER: "member",
    OTHER_MEMBER: "other_member",
    EXPERT: "expert",
    STAFF: "staff_user",
    ADMIN: "administrator",
}

EVERYONE_200 = dict.fromkeys(PERSONAS, 200)
SIGNED_IN_302 = {ANONYMOUS: LOGIN} | dict.fromkeys(PERSONAS[1:], 302)
MODERATORS_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 200, ADMIN: 200}
MODERATORS_302 = MODERATORS_200 | {STAFF: 302, ADMIN: 302}
EXPERTS_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 200, STAFF: 403, ADMIN: 403}
EXPERTS_302 = EXPERTS_200 | {EXPERT: 302}


def matrix(expected: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("persona", "expected"), list(expected.items()))


def client_and_user(request, persona):
    client = request.getfixturevalue(persona)
    user = request.getfixturevalue(USERS[persona]) if persona in USERS else None
    return client, user


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def topic() -> Topic:
    return Topic.objects.get(slug="regulatory-pathway")


@pytest.fixture
def question(member):
    return QuestionFactory(
        author=member,
        title="Quale comitato etico per uno studio multicentrico?",
        body="Lo studio coinvolge tre centri in Lombardia e uno in Piemonte.",
    )


@pytest.fixture
def answer(question, expert):
    return AnswerFactory(question=question, author=expert, body="Il comitato etico del centro coordinatore.")


@pytest.fixture
def another_expert(db):
    return UserFactory(role=Role.EXPERT, with_mfa=True, full_name="Marco Conti")


@pytest.fixture
def board_draft(question, another_expert):
    return AnswerFactory(question=question, author=another_expert, board=True, body="Bozza della risposta del board.")


# Reading


@matrix(EVERYONE_200)
def test_question_list_is_open_to_everyone(request, persona, expected, question):
    client, _user = client_and_user(request, persona)

    response = client.get(reverse("forum:list"), {"sort": "newest"})

    assert response.status_code == expected
    assert list(response.context["page"]) == [question]


def test_question_list_without_parameters_lists_the_questions(anonymous_client, question):
    response = anonymous_client.get(reverse("forum:list"))

    assert response.status_code == 200
    assert list(response.context["page"]) == [question]


@matrix(EVERYONE_200)
def test_public_question_page_is_open_to_everyone(request, persona, expected, question, answer):
    client, _user = client_and_user(request, persona)

    response = client.get(question.get_absolute_url())

    assert response.status_code == expected
    assert response.context["question"] == question
    assert response.context["answers"] == [answer]


@matrix(EVERYONE_200)
def test_similar_questions_fragment_is_open_to_everyone(request, persona, expected, question):
    client, _user = client_and_user(request, persona)

    response = client.get(reverse("forum:similar"), {"title": "comitato etico multicentrico"})

    assert response.status_code == expected
    assert response.context["questions"] == [question]


@matrix(EVERYONE_200)
def test_feed_is_open_to_everyone(request, persona, expected, question):
    client, _user = client_and_user(request, persona)

    response = client.get(reverse("forum:feed"))

    assert response.status_code == expected
    assert response["Content-Type"].startswith("application/atom+xml")
    assert question.title in response.content.decode()


@matrix(EVERYONE_200)
def test_faq_is_open_to_everyone_and_offers_editing_to_moderators(request, persona, expected):
    client, _user = client_and_user(request, persona)
    entry = FAQEntryFactory(title_it="Che cos'è un'indagine PMCF?")

    response = client.get(reverse("forum:faq"))

    assert response.status_code == expected
    page = response.content.decode()
    assert "Che cos&#x27;è un&#x27;indagine PMCF?" in page
    moderator = persona in (STAFF, ADMIN)
    assert (reverse("forum:faq_new") in page) is moderator
    assert (reverse("forum:faq_edit", args=[entry.pk]) in page) is moderator


@matrix(EVERYONE_200)
def test_attachment_of_a_public_question_is_served_to_everyone(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    attachment = add_pdf(question)

    response = client.get(reverse("forum:attachment", args=[question.pk, attachment.pk]))

    assert response.status_code == expected
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["list", "faq", "similar", "question", "attachment"])
def test_read_only_urls_refuse_post(request, persona, name, question):
    client, _user = client_and_user(request, persona)
    args = {"question": [question.pk], "attachment": [question.pk, add_pdf(question).pk]}.get(name, [])

    response = client.post(reverse(f"forum:{name}", args=args))

    assert response.status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name", ["preview", "answer", "comment", "follow", "flag", "reopen", "hide", "accept", "helpful", "cosign"]
)
def test_write_only_urls_refuse_get(request, persona, name, question, answer):
    client, _user = client_and_user(request, persona)
    args = {"preview": []}.get(
        name, [question.pk, answer.pk] if name in ("accept", "helpful", "cosign") else [question.pk]
    )

    response = client.get(reverse(f"forum:{name}", args=args))

    assert response.status_code == 405


# Asking and editing questions


@matrix({ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 200, EXPERT: 403, STAFF: 403, ADMIN: 403})
def test_ask_form_is_for_members(request, persona, expected):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:ask")

    assert_status(client.get(url), expected, url)


@matrix({ANONYMOUS: LOGIN, MEMBER: 302, OTHER_MEMBER: 302, EXPERT: 403, STAFF: 403, ADMIN: 403})
def test_only_members_ask(request, persona, expected):
    client, user = client_and_user(request, persona)
    url = reverse("forum:ask")

    response = client.post(
        url,
        {
            "title": "Serve un'indagine clinica per un software di IA?",
            "body": "Il software classifica lesioni cutanee da fotografie.",
            "topics": [topic().pk],
            "visibility": "public",
        },
    )

    assert_status(response, expected, url)
    if expected == 302:
        question = Question.objects.get()
        assert response["Location"] == question.get_absolute_url()
        assert (question.author, question.organisation) == (user, user.organisation)
    else:
        assert not Question.objects.exists()


@matrix({ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 404, EXPERT: 404, STAFF: 200, ADMIN: 200})
def test_edit_question_form_is_for_the_author_and_staff(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:edit", args=[question.pk])

    assert_status(client.get(url), expected, url)


@matrix({ANONYMOUS: LOGIN, MEMBER: 302, OTHER_MEMBER: 404, EXPERT: 404, STAFF: 302, ADMIN: 302})
def test_only_the_author_and_staff_edit_a_question(request, persona, expected, question):
    client, user = client_and_user(request, persona)
    url = reverse("forum:edit", args=[question.pk])

    response = client.post(
        url,
        {
            "title": "Titolo riscritto della domanda",
            "body": "Testo riscritto, più chiaro e più completo.",
            "topics": [topic().pk],
        },
    )

    assert_status(response, expected, url)
    question.refresh_from_db()
    if expected == 302:
        assert question.title == "Titolo riscritto della domanda"
        revision = Revision.objects.get()
        assert (revision.editor, revision.title) == (user, "Quale comitato etico per uno studio multicentrico?")
    else:
        assert question.title == "Quale comitato etico per uno studio multicentrico?"
        assert not Revision.objects.exists()


def test_a_colleague_of_the_author_cannot_edit_the_question(client_for, member, question):
    colleague = client_for(UserFactory(organisation=member.organisation))
    url = reverse("forum:edit", args=[question.pk])

    assert colleague.get(url).status_code == 404
    assert (
        colleague.post(
            url, {"title": "Titolo del collega", "body": "Testo del collega, modificato.", "topics": [topic().pk]}
        ).status_code
        == 404
    )
    question.refresh_from_db()
    assert question.title == "Quale comitato etico per uno studio multicentrico?"


def test_the_author_cannot_edit_a_closed_question_but_staff_can(member_client, staff_client, staff_user, question):
    services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.RESOLVED)
    url = reverse("forum:edit", args=[question.pk])
    data = {
        "title": "Titolo cambiato dopo la chiusura",
        "body": "Testo cambiato dopo la chiusura.",
        "topics": [topic().pk],
    }

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, data).status_code == 404
    question.refresh_from_db()
    assert question.title == "Quale comitato etico per uno studio multicentrico?"

    assert staff_client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.title == "Titolo cambiato dopo la chiusura"


@matrix({ANONYMOUS: LOGIN} | dict.fromkeys(PERSONAS[1:], 200))
def test_preview_is_for_signed_in_users(request, persona, expected):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:preview")

    response = client.post(url, {"body": "**grassetto**"})

    assert_status(response, expected, url)
    if expected == 200:
        assert response.content.decode() == "<p><strong>grassetto</strong></p>"


# Answers


@matrix(EXPERTS_302)
def test_only_experts_answer(request, persona, expected, question):
    client, user = client_and_user(request, persona)
    url = reverse("forum:answer", args=[question.pk])

    response = client.post(url, {"body": "Il comitato etico del centro coordinatore esprime il parere unico."})

    assert_status(response, expected, url)
    question.refresh_from_db()
    if expected == 302:
        assert response["Location"] == question.get_absolute_url()
        assert list(Answer.objects.values_list("author", "kind")) == [(user.pk, Answer.Kind.INDIVIDUAL)]
        assert (question.answer_count, question.status) == (1, Question.Status.ANSWERED)
    else:
        assert not Answer.objects.exists()
        assert (question.answer_count, question.status) == (0, Question.Status.UNANSWERED)


def test_a_closed_question_takes_no_answer(expert_client, staff_user, question):
    services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.OFF_TOPIC)

    response = expert_client.post(
        reverse("forum:answer", args=[question.pk]), {"body": "Una risposta arrivata dopo la chiusura."}
    )

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    assert not Answer.objects.exists()


@matrix(EXPERTS_200)
def test_board_answer_form_is_for_experts(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:board_answer", args=[question.pk])

    assert_status(client.get(url), expected, url)


@matrix(EXPERTS_302)
def test_only_experts_draft_board_answers(request, persona, expected, question, another_expert):
    client, user = client_and_user(request, persona)
    url = reverse("forum:board_answer", args=[question.pk])

    response = client.post(
        url, {"body": "Il board ritiene applicabile l'art. 62 del regolamento.", "cosigners": [another_expert.pk]}
    )

    assert_status(response, expected, url)
    question.refresh_from_db()
    if expected == 302:
        draft = Answer.objects.get()
        assert (draft.author, draft.kind, draft.board_published_at) == (user, Answer.Kind.BOARD, None)
        assert list(draft.signatures.values_list("expert", "signed_at")) == [(another_expert.pk, None)]
    else:
        assert not Answer.objects.exists()
        assert not BoardSignature.objects.exists()
    assert question.answer_count == 0


@matrix(EXPERTS_302)
def test_only_experts_cosign_board_answers(request, persona, expected, board_draft):
    client, user = client_and_user(request, persona)
    url = reverse("forum:cosign", args=[board_draft.question_id, board_draft.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    if expected == 302:
        assert response["Location"] == board_draft.get_absolute_url()
        signature = BoardSignature.objects.get()
        assert signature.expert == user
        assert signature.signed_at is not None
    else:
        assert not BoardSignature.objects.exists()
    board_draft.refresh_from_db()
    assert board_draft.board_published_at is None


def test_the_author_of_a_board_answer_does_not_cosign_it(client_for, another_expert, board_draft):
    response = client_for(another_expert).post(reverse("forum:cosign", args=[board_draft.question_id, board_draft.pk]))

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    assert not BoardSignature.objects.exists()


def test_a_board_answer_is_published_at_the_quorum_of_cosignatures(client_for, expert_client, board_draft, settings):
    settings.BOARD_ANSWER_QUORUM = 2
    url = reverse("forum:cosign", args=[board_draft.question_id, board_draft.pk])

    expert_client.post(url)
    board_draft.refresh_from_db()
    assert board_draft.board_published_at is None
    client_for(UserFactory(role=Role.EXPERT, with_mfa=True)).post(url)

    board_draft.refresh_from_db()
    assert board_draft.board_published_at is not None
    assert Question.objects.get(pk=board_draft.question_id).answer_count == 1


@matrix({ANONYMOUS: LOGIN, MEMBER: 404, OTHER_MEMBER: 404, EXPERT: 200, STAFF: 200, ADMIN: 200})
def test_edit_answer_form_is_for_its_author_and_staff(request, persona, expected, answer):
    # ``expert`` wrote the answer; the asker (``member``) may not edit it.
    client, _user = client_and_user(request, persona)
    url = reverse("forum:edit_answer", args=[answer.question_id, answer.pk])

    assert_status(client.get(url), expected, url)


@matrix({ANONYMOUS: LOGIN, MEMBER: 404, OTHER_MEMBER: 404, EXPERT: 302, STAFF: 302, ADMIN: 302})
def test_only_the_author_and_staff_edit_an_answer(request, persona, expected, answer):
    client, user = client_and_user(request, persona)
    url = reverse("forum:edit_answer", args=[answer.question_id, answer.pk])

    response = client.post(url, {"body": "Risposta corretta: il parere unico del centro coordinatore."})

    assert_status(response, expected, url)
    answer.refresh_from_db()
    if expected == 302:
        assert response["Location"] == answer.get_absolute_url()
        assert answer.body == "Risposta corretta: il parere unico del centro coordinatore."
        revision = Revision.objects.get()
        assert (revision.answer, revision.editor, revision.body) == (
            answer,
            user,
            "Il comitato etico del centro coordinatore.",
        )
    else:
        assert answer.body == "Il comitato etico del centro coordinatore."
        assert not Revision.objects.exists()


def test_another_expert_cannot_edit_an_answer(client_for, another_expert, answer):
    client = client_for(another_expert)
    url = reverse("forum:edit_answer", args=[answer.question_id, answer.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Risposta riscritta da un altro esperto."}).status_code == 404
    answer.refresh_from_db()
    assert answer.body == "Il comitato etico del centro coordinatore."


@matrix(SIGNED_IN_302)
def test_only_the_asker_accepts_an_answer(request, persona, expected, question, answer):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:accept", args=[question.pk, answer.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    question.refresh_from_db()
    if persona == MEMBER:
        assert message_levels(response) == ["success"]
        assert (question.status, question.accepted_answer) == (Question.Status.ACCEPTED, answer)
    else:
        if expected == 302:
            assert message_levels(response) == ["error"]
        assert (question.status, question.accepted_answer) == (Question.Status.ANSWERED, None)


def test_a_colleague_of_the_asker_cannot_accept(client_for, member, question, answer):
    response = client_for(UserFactory(organisation=member.organisation)).post(
        reverse("forum:accept", args=[question.pk, answer.pk])
    )

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_the_asker_cannot_accept_an_unpublished_board_answer(member_client, question, board_draft):
    response = member_client.post(reverse("forum:accept", args=[question.pk, board_draft.pk]))

    assert response.status_code == 404
    question.refresh_from_db()
    assert question.accepted_answer is None


@matrix(SIGNED_IN_302)
def test_signed_in_users_mark_others_answers_helpful(request, persona, expected, answer):
    client, user = client_and_user(request, persona)
    url = reverse("forum:helpful", args=[answer.question_id, answer.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    answer.refresh_from_db()
    if persona in (ANONYMOUS, EXPERT):  # the expert wrote the answer
        assert not HelpfulVote.objects.exists()
        assert answer.helpful_count == 0
    else:
        assert list(HelpfulVote.objects.values_list("user", flat=True)) == [user.pk]
        assert answer.helpful_count == 1


def test_an_unpublished_board_answer_cannot_be_voted_helpful(expert_client, question, board_draft):
    response = expert_client.post(reverse("forum:helpful", args=[question.pk, board_draft.pk]))

    assert response.status_code in (302, 404)
    question.refresh_from_db()
    board_draft.refresh_from_db()
    assert not HelpfulVote.objects.exists()
    assert (board_draft.helpful_count, question.helpful_count) == (0, 0)


# Comments


@matrix(SIGNED_IN_302)
def test_only_the_asker_experts_and_staff_comment(request, persona, expected, question):
    client, user = client_and_user(request, persona)
    url = reverse("forum:comment", args=[question.pk])

    response = client.post(url, {"body": "Quanti pazienti per centro?"})

    assert_status(response, expected, url)
    if persona in (MEMBER, EXPERT, STAFF, ADMIN):
        assert response["Location"] == question.get_absolute_url()
        assert list(Comment.objects.values_list("author", "body")) == [(user.pk, "Quanti pazienti per centro?")]
    else:
        if expected == 302:
            assert message_levels(response) == ["error"]
        assert not Comment.objects.exists()


def test_a_colleague_of_the_asker_cannot_comment(client_for, member, question):
    response = client_for(UserFactory(organisation=member.organisation)).post(
        reverse("forum:comment", args=[question.pk]), {"body": "Aggiungo un dettaglio."}
    )

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    assert not Comment.objects.exists()


def test_the_expert_comments_on_an_answer(expert_client, question, answer):
    response = expert_client.post(
        reverse("forum:comment", args=[question.pk]), {"body": "Vale anche per i centri privati.", "answer": answer.pk}
    )

    assert response["Location"] == answer.get_absolute_url()
    assert Comment.objects.get().answer == answer


def test_targets_of_another_question_are_404(expert_client, staff_client, other_member, question, member):
    elsewhere = QuestionFactory(author=member, title="Un'altra domanda dello stesso membro")
    other_answer = AnswerFactory(question=elsewhere)
    other_comment = CommentFactory(question=elsewhere, body="Commento altrove.")

    comment = expert_client.post(
        reverse("forum:comment", args=[question.pk]), {"body": "Fuori posto.", "answer": other_answer.pk}
    )
    flag = expert_client.post(reverse("forum:flag", args=[question.pk]), {"reason": "No.", "comment": other_comment.pk})
    hide = staff_client.post(reverse("forum:hide", args=[question.pk]), {"answer": other_answer.pk, "hidden": "1"})
    accept = expert_client.post(reverse("forum:accept", args=[question.pk, other_answer.pk]))

    assert (comment.status_code, flag.status_code, hide.status_code, accept.status_code) == (404, 404, 404, 404)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Commento altrove."]
    assert not Flag.objects.exists()
    other_answer.refresh_from_db()
    assert other_answer.is_hidden is False


def test_a_closed_question_takes_no_comment(member_client, staff_user, question):
    services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.RESOLVED)

    response = member_client.post(reverse("forum:comment", args=[question.pk]), {"body": "Un'ultima domanda."})

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    assert not Comment.objects.exists()


# Following and reporting


@matrix(SIGNED_IN_302)
def test_signed_in_users_follow_and_unfollow(request, persona, expected, question):
    client, user = client_and_user(request, persona)
    url = reverse("forum:follow", args=[question.pk])

    response = client.post(url, {"follow": "1"})

    assert_status(response, expected, url)
    if expected == 302:
        assert Follow.objects.filter(question=question, user=user).exists()
        client.post(url, {"follow": "0"})
        assert not Follow.objects.filter(question=question, user=user).exists()
    else:
        assert list(Follow.objects.values_list("user", flat=True)) == [question.author_id]


@matrix(SIGNED_IN_302)
def test_signed_in_users_report_content(request, persona, expected, question, answer):
    client, user = client_and_user(request, persona)
    url = reverse("forum:flag", args=[question.pk])

    response = client.post(url, {"reason": "Contiene dati personali.", "answer": answer.pk})

    assert_status(response, expected, url)
    if expected == 302:
        assert list(Flag.objects.values_list("reporter", "answer", "reason")) == [
            (user.pk, answer.pk, "Contiene dati personali.")
        ]
    else:
        assert not Flag.objects.exists()


# The public copy of a confidential question


@pytest.fixture
def confidential_answered(member, expert):
    question = QuestionFactory(
        author=member, confidential=True, title="Indagine sul nostro stent riassorbibile di nuova generazione"
    )
    AnswerFactory(question=question, author=expert)
    return question


@matrix({ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 404, EXPERT: 404, STAFF: 404, ADMIN: 404})
def test_public_copy_form_is_the_askers_only(request, persona, expected, confidential_answered):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:public_copy", args=[confidential_answered.pk])

    assert_status(client.get(url), expected, url)


@matrix({ANONYMOUS: LOGIN, MEMBER: 302, OTHER_MEMBER: 404, EXPERT: 404, STAFF: 404, ADMIN: 404})
def test_only_the_asker_publishes_a_public_copy(request, persona, expected, confidential_answered):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:public_copy", args=[confidential_answered.pk])

    response = client.post(url, {"title": "Indagine su uno stent riassorbibile", "body": "Testo anonimizzato."})

    assert_status(response, expected, url)
    copies = Question.objects.filter(public_copy_of=confidential_answered)
    if expected == 302:
        assert response["Location"] == copies.get().get_absolute_url()
    else:
        if expected == 200:
            assert message_levels(response) == ["error"]
        assert not copies.exists()


# Moderation


@matrix(MODERATORS_200)
def test_close_form_is_for_staff(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:close", args=[question.pk])

    assert_status(client.get(url), expected, url)


@matrix(MODERATORS_302)
def test_only_staff_close(request, persona, expected, question):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:close", args=[question.pk])

    response = client.post(url, {"reason": Question.CloseReason.RESOLVED})

    assert_status(response, expected, url)
    question.refresh_from_db()
    if expected == 302:
        assert (question.status, question.close_reason) == (Question.Status.CLOSED, Question.CloseReason.RESOLVED)
        assert question.closed_at is not None
    else:
        assert (question.status, question.close_reason, question.closed_at) == (Question.Status.UNANSWERED, "", None)


@matrix(MODERATORS_302)
def test_only_staff_reopen(request, persona, expected, question, staff_user):
    services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.RESOLVED)
    client, _user = client_and_user(request, persona)
    url = reverse("forum:reopen", args=[question.pk])

    response = client.post(url)

    assert_status(response, expected, url)
    question.refresh_from_db()
    if expected == 302:
        assert (question.status, question.closed_at) == (Question.Status.UNANSWERED, None)
    else:
        assert question.status == Question.Status.CLOSED


@pytest.mark.parametrize("target", ["question", "answer", "comment"])
@matrix(MODERATORS_302)
def test_only_staff_hide_and_restore(request, persona, expected, target, question, answer):
    comment = CommentFactory(question=question, author=question.author, body="Il centro è privato.")
    item = {"question": question, "answer": answer, "comment": comment}[target]
    flag = services.flag_content(
        question=question,
        reporter=request.getfixturevalue("other_member"),
        reason="Da verificare.",
        answer=answer if target == "answer" else None,
        comment=comment if target == "comment" else None,
    )
    client, user = client_and_user(request, persona)
    url = reverse("forum:hide", args=[question.pk])
    data = {target: item.pk} if target != "question" else {}

    response = client.post(url, {**data, "hidden": "1"})

    assert_status(response, expected, url)
    item.refresh_from_db()
    flag.refresh_from_db()
    if expected == 302:
        assert item.is_hidden is True
        assert flag.resolved_by == user
        client.post(url, {**data, "hidden": "0"})
        item.refresh_from_db()
        assert item.is_hidden is False
    else:
        assert item.is_hidden is False
        assert flag.resolved_at is None


@matrix(MODERATORS_200)
def test_only_staff_read_the_edit_history(request, persona, expected, question, member):
    services.edit_question(
        question=question,
        editor=member,
        title="Titolo nuovo della domanda",
        body="Testo nuovo della domanda.",
        topics=[],
    )
    client, _user = client_and_user(request, persona)
    url = reverse("forum:history", args=[question.pk])

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert "Quale comitato etico per uno studio multicentrico?" in response.content.decode()


@matrix(MODERATORS_200)
def test_only_staff_see_the_moderation_queue(request, persona, expected, question, other_member):
    services.flag_content(question=question, reporter=other_member, reason="Segnalazione di prova")
    client, _user = client_and_user(request, persona)
    url = reverse("forum:moderation")

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert "Segnalazione di prova" in response.content.decode()


@matrix(MODERATORS_302)
def test_only_staff_dismiss_reports(request, persona, expected, question, other_member):
    flag = services.flag_content(question=question, reporter=other_member, reason="Segnalazione di prova")
    client, user = client_and_user(request, persona)
    url = reverse("forum:moderation")

    response = client.post(url, {"dismiss": flag.pk})

    assert_status(response, expected, url)
    flag.refresh_from_db()
    if expected == 302:
        assert response["Location"] == url
        assert flag.resolved_by == user
        assert flag.resolved_at is not None
    else:
        assert (flag.resolved_by, flag.resolved_at) == (None, None)


# The FAQ


def faq_data(**overrides) -> dict:
    return {
        "topic": topic().pk,
        "title_it": "Che cos'è un'indagine PMCF?",
        "body_it": "Un'indagine dopo la marcatura CE.",
        "title_en": "",
        "body_en": "",
        "position": 0,
        "is_published": "on",
        **overrides,
    }


@matrix(MODERATORS_200)
def test_new_faq_entry_form_is_for_staff(request, persona, expected):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:faq_new")

    assert_status(client.get(url), expected, url)


@matrix(MODERATORS_302)
def test_only_staff_write_faq_entries(request, persona, expected):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:faq_new")

    response = client.post(url, faq_data())

    assert_status(response, expected, url)
    if expected == 302:
        entry = FAQEntry.objects.get()
        assert response["Location"] == entry.get_absolute_url()
        assert entry.body_html_it == "<p>Un'indagine dopo la marcatura CE.</p>"
    else:
        assert not FAQEntry.objects.exists()


@matrix(MODERATORS_200)
def test_edit_faq_entry_form_is_for_staff(request, persona, expected):
    client, _user = client_and_user(request, persona)
    url = reverse("forum:faq_edit", args=[FAQEntryFactory().pk])

    assert_status(client.get(url), expected, url)


@matrix(MODERATORS_302)
def test_only_staff_edit_faq_entries(request, persona, expected):
    entry = FAQEntryFactory(title_it="Titolo originale della voce")
    client, _user = client_and_user(request, persona)
    url = reverse("forum:faq_edit", args=[entry.pk])

    response = client.post(url, faq_data(title_it="Titolo corretto della voce"))

    assert_status(response, expected, url)
    entry.refresh_from_db()
    assert entry.title_it == ("Titolo corretto della voce" if expected == 302 else "Titolo originale della voce")


@matrix(MODERATORS_200)
def test_promoting_a_question_to_the_faq_is_for_staff(request, persona, expected, question, member, answer):
    services.accept_answer(question=question, user=member, answer=answer)
    client, _user = client_and_user(request, persona)
    url = reverse("forum:to_faq", args=[question.pk])

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert response.context["form"].initial["body_it"] == "Il comitato etico del centro coordinatore."


@matrix(MODERATORS_302)
def test_only_staff_promote_a_question_to_the_faq(request, persona, expected, question, member, answer):
    services.accept_answer(question=question, user=member, answer=answer)
    client, _user = client_and_user(request, persona)
    url = reverse("forum:to_faq", args=[question.pk])

    response = client.post(url, faq_data(title_it=question.title, body_it=answer.body))

    assert_status(response, expected, url)
    if expected == 302:
        assert FAQEntry.objects.get().question == question
    else:
        assert not FAQEntry.objects.exists()


def test_every_forum_url_is_covered_by_this_file_or_the_boards():
    from tests.forum.test_board_access import BOARD_URLS

    covered = {
        "list", "ask", "similar", "preview", "feed", "faq", "faq_new", "faq_edit", "moderation", "question", "edit",
        "answer", "board_answer", "comment", "follow", "flag", "public_copy", "close", "reopen", "hide", "history",
        "to_faq", "attachment", "edit_answer", "accept", "helpful", "cosign",
    }  # fmt: skip

    assert {pattern.name for pattern in urlpatterns} == covered | BOARD_URLS
