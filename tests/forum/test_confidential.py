"""A confidential question of ``member``'s organisation never reaches anyone
outside it: not its page, the list, search, counts, the feed, the
similar-questions fragment, its attachments, notifications or the FAQ.
Colleagues, experts, staff and administrators do see it. Hidden content is for
moderators only; a board answer is for experts and staff until its quorum."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.urls import reverse

from experts.models import Topic
from forum import services
from forum.models import Answer, FAQEntry, Follow, Question
from forum.permissions import can_see_question
from portal.accounts.models import Notification
from portal.accounts.roles import Role
from tests.conftest import PERSONAS
from tests.factories import (
    AnswerFactory,
    CommentFactory,
    FAQEntryFactory,
    OrganisationFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.forum import PDF_BYTES, add_pdf

# Personas are fixtures fetched by name at run time: declare the database use, so that
# pytest-django runs these tests with the other database tests, before the transactional
# ones (which flush the topic taxonomy).
pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
COLLEAGUE = "colleague_client"
OUTSIDERS = [ANONYMOUS, OTHER_MEMBER]
INSIDERS = [MEMBER, COLLEAGUE, EXPERT, STAFF, ADMIN]

SECRET_WORD = "Xylocardio"
SECRET_TITLE = "Indagine sul defibrillatore Xylocardio di nuova generazione"
SECRET_BODY = "Il defibrillatore non ha ancora la marcatura CE e il prototipo Zephyrine pesa 80 grammi."
SECRET_ANSWER = "Per il defibrillatore Xylocardio serve una indagine ai sensi del regolamento, articolo 62."
PUBLIC_TITLE = "Dimensione del campione per uno studio pilota"


def without_echo(page: str, word: str) -> str:
    """The page without the searched word where it is echoed back: the search
    field and the language switch's return address."""
    return page.replace(f'value="{word}"', "").replace(f"q={word}", "")


def count_text(page: str) -> int:
    """The number in the list's "N questions" line."""
    return int(re.search(r'<p class="text-secondary" role="status">(\d+) ', page).group(1))


@pytest.fixture
def colleague(member):
    return UserFactory(role=Role.MEMBER, organisation=member.organisation, full_name="Paolo Verdi")


@pytest.fixture
def colleague_client(client_for, colleague):
    return client_for(colleague)


@pytest.fixture
def secret(member, expert):
    question = QuestionFactory(author=member, confidential=True, title=SECRET_TITLE, body=SECRET_BODY)
    AnswerFactory(question=question, author=expert, body=SECRET_ANSWER)
    return question


@pytest.fixture
def public_question(other_member):
    return QuestionFactory(author=other_member, title=PUBLIC_TITLE)


# Its page


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_not_403_for_the_page(request, persona, secret):
    response = request.getfixturevalue(persona).get(secret.get_absolute_url())

    assert response.status_code == 404
    assert SECRET_WORD not in response.content.decode()


@pytest.mark.parametrize("persona", INSIDERS)
def test_the_organisation_the_experts_and_staff_read_it(request, persona, secret):
    response = request.getfixturevalue(persona).get(secret.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET_TITLE in page
    assert SECRET_BODY in page
    assert SECRET_ANSWER in page


@pytest.mark.parametrize(
    ("name", "get_status"), [("edit", 404), ("public_copy", 404), ("follow", 405), ("comment", 405), ("flag", 405)]
)
def test_other_member_gets_404_from_every_page_of_the_question(
    other_member_client, other_member, name, get_status, secret
):
    url = reverse(f"forum:{name}", args=[secret.pk])

    assert other_member_client.get(url).status_code == get_status
    response = other_member_client.post(url, {"follow": "1", "body": "Testo qualsiasi.", "reason": "Segnalazione."})

    assert response.status_code == 404
    assert not Follow.objects.filter(question=secret, user=other_member).exists()
    assert not secret.comments.exists()
    assert not secret.flags.exists()


@pytest.mark.parametrize("name", ["accept", "helpful", "edit_answer"])
def test_other_member_gets_404_from_the_answers_of_the_question(other_member_client, name, secret):
    answer = secret.answers.get()

    response = other_member_client.post(reverse(f"forum:{name}", args=[secret.pk, answer.pk]), {"body": "Testo."})

    assert response.status_code == 404
    answer.refresh_from_db()
    assert (answer.helpful_count, answer.body) == (0, SECRET_ANSWER)


# The list, search and counts


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_do_not_find_it_in_the_list_nor_its_count(request, persona, secret, public_question):
    response = request.getfixturevalue(persona).get(reverse("forum:list"), {"sort": "newest"})

    page = response.content.decode()
    assert list(response.context["page"]) == [public_question]
    assert count_text(page) == 1
    assert SECRET_WORD not in page
    assert secret.get_absolute_url() not in page


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_find_it_in_the_list(request, persona, secret, public_question):
    response = request.getfixturevalue(persona).get(reverse("forum:list"), {"sort": "newest"})

    page = response.content.decode()
    assert list(response.context["page"]) == [public_question, secret]
    assert count_text(page) == 2
    assert SECRET_TITLE in page


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("word", [SECRET_WORD, "xylocardio", "Zephyrine"])
def test_outsiders_do_not_find_it_by_search(request, persona, word, secret, public_question):
    response = request.getfixturevalue(persona).get(reverse("forum:list"), {"q": word})

    page = response.content.decode()
    assert list(response.context["page"]) == []
    assert count_text(page) == 0
    assert SECRET_TITLE not in page
    assert "Zephyrine" not in without_echo(page, word)


@pytest.mark.parametrize("persona", INSIDERS)
@pytest.mark.parametrize("word", [SECRET_WORD, "Zephyrine"])
def test_insiders_find_it_by_search(request, persona, word, secret, public_question):
    response = request.getfixturevalue(persona).get(reverse("forum:list"), {"q": word})

    assert list(response.context["page"]) == [secret]
    assert count_text(response.content.decode()) == 1


def test_filtering_by_visibility_shows_other_member_only_their_own(other_member_client, secret, public_question):
    response = other_member_client.get(reverse("forum:list"), {"visibility": "confidential"})

    assert list(response.context["page"]) == []
    assert count_text(response.content.decode()) == 0


def test_anonymous_cannot_filter_by_visibility(anonymous_client, secret):
    response = anonymous_client.get(reverse("forum:list"), {"visibility": "confidential"})

    assert "visibility" not in response.context["filter"].filters
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_do_not_get_it_among_similar_questions(request, persona, secret):
    response = request.getfixturevalue(persona).get(reverse("forum:similar"), {"title": "defibrillatore Xylocardio"})

    assert response.status_code == 200
    assert response.context["questions"] == []
    assert SECRET_WORD not in response.content.decode()


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_get_it_among_similar_questions(request, persona, secret):
    response = request.getfixturevalue(persona).get(reverse("forum:similar"), {"title": "defibrillatore Xylocardio"})

    assert response.context["questions"] == [secret]


# The feed


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_feed_never_carries_it(request, persona, secret, public_question, expert):
    AnswerFactory(question=public_question, author=expert, body="Una risposta pubblica sulla numerosità.")

    feed = request.getfixturevalue(persona).get(reverse("forum:feed")).content.decode()

    assert PUBLIC_TITLE in feed
    assert "Una risposta pubblica sulla numerosità." in feed
    assert SECRET_WORD not in feed
    assert "Zephyrine" not in feed
    assert secret.get_absolute_url() not in feed


# Attachments


@pytest.fixture
def secret_attachment(secret):
    return add_pdf(secret, name="cip-riservato.pdf")


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_for_its_attachments(request, persona, secret_attachment):
    response = request.getfixturevalue(persona).get(secret_attachment.get_absolute_url())

    assert response.status_code == 404
    assert PDF_BYTES not in response.content


@pytest.mark.parametrize("persona", INSIDERS)
def test_insiders_download_its_attachments(request, persona, secret_attachment):
    response = request.getfixturevalue(persona).get(secret_attachment.get_absolute_url())

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_attachment_through_another_questions_url_is_404(request, persona, secret_attachment, public_question):
    add_pdf(public_question, name="pubblico.pdf")

    response = request.getfixturevalue(persona).get(
        reverse("forum:attachment", args=[public_question.pk, secret_attachment.pk])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("persona", INSIDERS)
def test_a_public_attachment_through_the_confidential_questions_url_is_404(request, persona, secret, public_question):
    public_attachment = add_pdf(public_question, name="pubblico.pdf")

    response = request.getfixturevalue(persona).get(reverse("forum:attachment", args=[secret.pk, public_attachment.pk]))

    assert response.status_code == 404


def test_its_attachment_names_are_not_in_outsiders_pages(other_member_client, secret_attachment, public_question):
    for url in (reverse("forum:list") + "?sort=newest", public_question.get_absolute_url(), reverse("forum:feed")):
        assert "cip-riservato.pdf" not in other_member_client.get(url).content.decode()


# Notifications


@pytest.fixture
def followers(secret, colleague, other_member):
    # other_member could not follow through the page (404): this is a stale row,
    # like that of a colleague who moved to another organisation.
    Follow.objects.create(question=secret, user=colleague)
    Follow.objects.create(question=secret, user=other_member)


def notified(kind: str) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def test_an_answer_notifies_only_people_who_may_see_it(
    secret, followers, member, colleague, other_member, expert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        AnswerFactory(question=secret, body="Una seconda risposta articolata e completa.")

    # ``expert`` follows the question since answering it in ``secret``.
    assert notified(Notification.Kind.ANSWERED) == {member.email, colleague.email, expert.email}
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [member.email, colleague.email, expert.email]
    )


def test_no_event_notifies_someone_outside_the_organisation(
    secret, followers, other_member, expert, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.BOARD_ANSWER_QUORUM = 1
    with django_capture_on_commit_callbacks(execute=True):
        CommentFactory(question=secret, author=expert, body="Qual è la durata dello studio?")
        board = AnswerFactory(question=secret, board=True, body="Risposta del board sul defibrillatore.")
        services.cosign_board_answer(answer=board, expert=expert)
        services.close_question(question=secret, staff=staff_user, reason=Question.CloseReason.RESOLVED)

    assert {Notification.Kind.COMMENTED, Notification.Kind.BOARD_PUBLISHED, Notification.Kind.CLOSED} <= set(
        Notification.objects.values_list("kind", flat=True)
    )
    assert not Notification.objects.filter(recipient=other_member).exists()
    assert other_member.email not in {address for message in mail.outbox for address in message.to}


def test_a_colleague_who_moved_to_another_organisation_hears_nothing_more(secret, colleague, member, expert):
    Follow.objects.create(question=secret, user=colleague)
    colleague.organisation = OrganisationFactory()
    colleague.save()

    AnswerFactory(question=secret)

    assert notified(Notification.Kind.ANSWERED) == {member.email, expert.email}


def test_other_member_cannot_follow_it_through_the_page(other_member_client, other_member, secret):
    response = other_member_client.post(reverse("forum:follow", args=[secret.pk]), {"follow": "1"})

    assert response.status_code == 404
    assert not Follow.objects.filter(user=other_member).exists()


def test_the_asker_without_an_organisation_reads_the_confidential_question_asked(client_for):
    loner = UserFactory(role=Role.MEMBER, organisation=None)
    client = client_for(loner)

    response = client.post(
        reverse("forum:ask"),
        {
            "title": "Una domanda riservata di chi non ha organizzazione",
            "body": "Descrizione sufficientemente lunga della domanda.",
            "topics": [Topic.objects.get(slug="regulatory-pathway").pk],
            "visibility": "confidential",
        },
    )

    # Either the form refuses confidentiality to someone with no organisation, or the asker can read it.
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
    else:
        assert response.status_code == 200
        assert not Question.objects.exists()


# The FAQ


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_the_faq_does_not_show_it(request, persona, secret):
    FAQEntryFactory(title_it="Quando serve un'indagine clinica?")

    for query in ({}, {"q": SECRET_WORD}):
        page = request.getfixturevalue(persona).get(reverse("forum:faq"), query).content.decode()
        assert SECRET_WORD not in without_echo(page, SECRET_WORD)


def test_a_confidential_question_cannot_be_promoted_to_the_faq(staff_client, anonymous_client, member, secret):
    services.accept_answer(question=secret, user=member, answer=secret.answers.get())
    url = reverse("forum:to_faq", args=[secret.pk])

    staff_client.get(url)
    staff_client.post(
        url,
        {
            "topic": secret.topics.get().pk,
            "title_it": SECRET_TITLE,
            "body_it": SECRET_ANSWER,
            "title_en": "",
            "body_en": "",
            "position": 0,
            "is_published": "on",
        },
    )

    assert not FAQEntry.objects.published().filter(question=secret).exists()
    assert SECRET_WORD not in anonymous_client.get(reverse("forum:faq")).content.decode()


# The anonymised public copy


def test_the_public_copy_does_not_name_the_asker_nor_the_organisation(anonymous_client, member, secret):
    copy = services.publish_public_copy(
        question=secret, user=member, title="Indagine su un defibrillatore impiantabile", body="Testo anonimizzato."
    )

    for url in (copy.get_absolute_url(), reverse("forum:list") + "?sort=newest", reverse("forum:feed")):
        page = anonymous_client.get(url).content.decode()
        assert "Giulia Ferrari" not in page
        assert "Brianza Medical Devices" not in page


def test_the_public_copy_does_not_reveal_the_original(anonymous_client, member, secret):
    copy = services.publish_public_copy(
        question=secret, user=member, title="Indagine su un defibrillatore impiantabile", body="Testo anonimizzato."
    )

    page = anonymous_client.get(copy.get_absolute_url()).content.decode()

    # The answers are copied as they are (the asker is warned); the question's text is not.
    assert "Zephyrine" not in page
    assert f'href="{secret.get_absolute_url()}"' not in page


# Hidden questions


@pytest.fixture
def hidden(member):
    question = QuestionFactory(author=member, title="Domanda nascosta sul comitato Quorvantis", is_hidden=True)
    add_pdf(question)
    return question


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_hidden_question_is_seen_only_by_moderators(request, persona, hidden):
    client = request.getfixturevalue(persona)
    moderator = persona in (STAFF, ADMIN)

    page = client.get(hidden.get_absolute_url())
    listed = client.get(reverse("forum:list"), {"sort": "newest"})
    found = client.get(reverse("forum:list"), {"q": "Quorvantis"})
    similar = client.get(reverse("forum:similar"), {"title": "comitato Quorvantis"})
    attachment = client.get(hidden.attachments.get().get_absolute_url())

    assert page.status_code == (200 if moderator else 404)
    assert attachment.status_code == (200 if moderator else 404)
    assert list(listed.context["page"]) == ([hidden] if moderator else [])
    assert list(found.context["page"]) == ([hidden] if moderator else [])
    assert similar.context["questions"] == ([hidden] if moderator else [])
    assert "Quorvantis" not in client.get(reverse("forum:feed")).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_hidden_answer_and_comment_are_seen_only_by_moderators(request, persona, expert, staff_user, member):
    question = QuestionFactory(author=member)
    answer = AnswerFactory(question=question, author=expert, body="Risposta nascosta Quorvantis.")
    comment = CommentFactory(question=question, body="Commento nascosto Velmoranti.")
    services.set_hidden(staff=staff_user, target=answer, hidden=True)
    services.set_hidden(staff=staff_user, target=comment, hidden=True)
    moderator = persona in (STAFF, ADMIN)

    page = request.getfixturevalue(persona).get(question.get_absolute_url()).content.decode()

    assert ("Quorvantis" in page) is moderator
    assert ("Velmoranti" in page) is moderator


# Board answers before the quorum


@pytest.fixture
def board_draft(member, expert, settings):
    settings.BOARD_ANSWER_QUORUM = 2
    question = QuestionFactory(author=member, title="Quale percorso per un esoscheletro?")
    other_expert = UserFactory(role=Role.EXPERT)
    return AnswerFactory(
        question=question,
        author=other_expert,
        board=True,
        body="Bozza del board: percorso Trivandelle.",
        signed_by=[expert],
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_board_draft_is_seen_only_by_experts_and_staff(request, persona, board_draft):
    response = request.getfixturevalue(persona).get(board_draft.question.get_absolute_url())

    assert response.status_code == 200
    assert ("Trivandelle" in response.content.decode()) is (persona in (EXPERT, STAFF, ADMIN))


def test_a_board_draft_is_not_counted_nor_in_the_feed(anonymous_client, board_draft):
    question = Question.objects.get(pk=board_draft.question_id)

    assert (question.answer_count, question.status) == (0, Question.Status.UNANSWERED)
    assert "Trivandelle" not in anonymous_client.get(reverse("forum:feed")).content.decode()


@pytest.mark.parametrize("persona", [ANONYMOUS, MEMBER, OTHER_MEMBER])
def test_a_board_draft_is_404_for_those_who_may_not_see_it(request, persona, board_draft):
    client = request.getfixturevalue(persona)
    url = reverse("forum:accept", args=[board_draft.question_id, board_draft.pk])

    response = client.post(url)

    assert response.status_code == (302 if persona == ANONYMOUS else 404)
    assert Question.objects.get(pk=board_draft.question_id).accepted_answer is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_board_answer_at_the_quorum_is_seen_by_everyone(request, persona, board_draft):
    services.cosign_board_answer(answer=board_draft, expert=UserFactory(role=Role.EXPERT))

    page = request.getfixturevalue(persona).get(board_draft.question.get_absolute_url()).content.decode()

    assert "Trivandelle" in page
    assert Answer.objects.published().get() == board_draft


# The two writings of the rule agree


def test_the_queryset_and_the_object_rule_agree(
    member, colleague, other_member, expert, staff_user, administrator, secret, public_question, hidden
):
    no_organisation = UserFactory(organisation=None)
    inactive_expert = UserFactory(role=Role.EXPERT, is_active=False)
    questions = [
        secret,
        public_question,
        hidden,
        QuestionFactory(author=other_member, confidential=True),
        QuestionFactory(author=member, confidential=True, is_hidden=True),
    ]
    people = [AnonymousUser(), member, colleague, other_member, expert, staff_user, administrator]

    for user in [*people, no_organisation, inactive_expert]:
        by_queryset = set(Question.objects.visible_to(user))
        by_object = {question for question in questions if can_see_question(user, question)}
        assert by_queryset == by_object, user
