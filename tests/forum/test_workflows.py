"""The forum's workflows through its services and pages: what each step
changes in the database and what people are told."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from experts.models import Topic
from forum import services
from forum.models import Answer, Attachment, BoardSignature, Question
from forum.pathways import ART_62, ART_74_1, ART_74_2, suggest_pathway
from portal.accounts.models import Notification
from portal.accounts.roles import Role
from tests.factories import UserFactory

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ask(author, *, title="Quale percorso regolatorio per il nostro dispositivo?", visibility="public", **extra):
    return services.ask_question(
        author=author,
        title=title,
        body="Descrizione sufficientemente lunga della domanda.",
        topics=Topic.objects.filter(slug="regulatory-pathway"),
        visibility=visibility,
        **extra,
    )


@pytest.fixture
def experts(db):
    return [UserFactory(role=Role.EXPERT, with_mfa=True) for _ in range(3)]


def test_asking_records_the_organisation_and_follows_the_question(member):
    question = ask(member, visibility=Question.Visibility.CONFIDENTIAL)

    assert question.organisation == member.organisation
    assert question.status == Question.Status.UNANSWERED
    assert question.follows.filter(user=member).exists()
    assert list(question.topics.values_list("slug", flat=True)) == ["regulatory-pathway"]


def test_a_first_answer_updates_status_counters_and_notifies_the_asker(
    member, expert, django_capture_on_commit_callbacks
):
    question = ask(member)

    with django_capture_on_commit_callbacks(execute=True):
        answer = services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")

    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED
    assert question.answer_count == 1
    assert question.first_answered_at == answer.created_at
    assert Notification.objects.get(recipient=member).kind == Notification.Kind.ANSWERED
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert not Notification.objects.filter(recipient=expert).exists()


def test_a_board_answer_is_published_only_at_the_quorum(member, experts, settings, django_capture_on_commit_callbacks):
    settings.BOARD_ANSWER_QUORUM = 2
    author, first, second = experts
    question = ask(member)
    board = services.draft_board_answer(
        question=question, expert=author, body="Bozza del board.", cosigners=[first, second]
    )

    assert set(BoardSignature.objects.values_list("expert", flat=True)) == {first.pk, second.pk}
    assert Notification.objects.filter(kind=Notification.Kind.COSIGN_REQUESTED).count() == 2
    services.cosign_board_answer(answer=board, expert=first)
    board.refresh_from_db()
    question.refresh_from_db()
    assert board.board_published_at is None
    assert question.answer_count == 0
    assert list(Answer.objects.published()) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.cosign_board_answer(answer=board, expert=second)

    board.refresh_from_db()
    question.refresh_from_db()
    assert board.board_published_at is not None
    assert question.status == Question.Status.ANSWERED
    assert question.answer_count == 1
    assert Notification.objects.filter(recipient=member, kind=Notification.Kind.BOARD_PUBLISHED).count() == 1


def test_co_signing_twice_counts_once_and_the_author_cannot_co_sign(member, experts, settings):
    settings.BOARD_ANSWER_QUORUM = 2
    author, first, _second = experts
    board = services.draft_board_answer(question=ask(member), expert=author, body="Bozza del board.", cosigners=[])

    services.cosign_board_answer(answer=board, expert=first)
    services.cosign_board_answer(answer=board, expert=first)
    with pytest.raises(services.ForumError):
        services.cosign_board_answer(answer=board, expert=author)

    board.refresh_from_db()
    assert board.board_published_at is None
    assert board.signatures.filter(signed_at__isnull=False).count() == 1


def test_the_asker_accepts_a_published_answer(member, expert):
    question = ask(member)
    answer = services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")

    services.accept_answer(question=question, user=member, answer=answer)

    question.refresh_from_db()
    assert question.status == Question.Status.ACCEPTED
    assert question.accepted_answer == answer
    assert Notification.objects.filter(recipient=expert, kind=Notification.Kind.ACCEPTED).exists()


def test_an_unpublished_board_answer_cannot_be_accepted(member, experts):
    question = ask(member)
    board = services.draft_board_answer(question=question, expert=experts[0], body="Bozza del board.", cosigners=[])

    with pytest.raises(services.ForumError):
        services.accept_answer(question=question, user=member, answer=board)
    assert Question.objects.get(pk=question.pk).accepted_answer is None


def test_helpful_votes_toggle_and_keep_both_counters(member, other_member, expert):
    question = ask(member)
    answer = services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")

    assert services.toggle_helpful(answer=answer, user=member) is True
    assert services.toggle_helpful(answer=answer, user=other_member) is True
    assert services.toggle_helpful(answer=answer, user=member) is False
    with pytest.raises(services.ForumError):
        services.toggle_helpful(answer=answer, user=expert)

    answer.refresh_from_db()
    question.refresh_from_db()
    assert (answer.helpful_count, question.helpful_count) == (1, 1)


def test_closing_as_duplicate_needs_the_original_and_reopening_restores_the_status(member, expert, staff_user):
    original = ask(member, title="La domanda originale sul comitato etico")
    question = ask(member)
    services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")

    with pytest.raises(services.ForumError):
        services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.DUPLICATE)
    services.close_question(
        question=question, staff=staff_user, reason=Question.CloseReason.DUPLICATE, duplicate_of=original
    )
    question.refresh_from_db()
    assert (question.status, question.duplicate_of) == (Question.Status.CLOSED, original)
    with pytest.raises(services.ForumError):
        services.post_answer(question=question, expert=expert, body="Troppo tardi per rispondere qui.")

    services.reopen_question(question=question, staff=staff_user)
    question.refresh_from_db()
    assert (question.status, question.closed_at, question.duplicate_of) == (Question.Status.ANSWERED, None, None)


def test_edits_keep_the_previous_text(member, expert, staff_user):
    question = ask(member)
    services.edit_question(
        question=question,
        editor=member,
        title="Titolo corretto dopo la revisione",
        body="Testo nuovo e più chiaro.",
        topics=[],
    )
    answer = services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")
    services.edit_answer(answer=answer, editor=staff_user, body="Risposta corretta dallo staff, più precisa.")

    revisions = list(question.revisions.order_by("created_at"))
    assert [(r.title, r.answer_id) for r in revisions] == [
        ("Quale percorso regolatorio per il nostro dispositivo?", None),
        ("", answer.pk),
    ]
    assert revisions[1].body == "Una risposta articolata e completa."


def test_the_public_copy_is_public_with_the_published_answers(member, expert, experts):
    question = ask(member, visibility=Question.Visibility.CONFIDENTIAL)
    answer = services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")
    services.draft_board_answer(question=question, expert=experts[0], body="Bozza non pubblicata.", cosigners=[])
    services.accept_answer(question=question, user=member, answer=answer)

    copy = services.publish_public_copy(
        question=question,
        user=member,
        title="Domanda anonimizzata sul percorso",
        body="Testo senza il nome del dispositivo.",
    )

    assert copy.visibility == Question.Visibility.PUBLIC
    assert copy.public_copy_of == question
    assert [a.body for a in copy.answers.all()] == ["Una risposta articolata e completa."]
    assert copy.accepted_answer.body == "Una risposta articolata e completa."
    assert Question.objects.get(pk=question.pk).visibility == Question.Visibility.CONFIDENTIAL
    with pytest.raises(services.ForumError):
        services.publish_public_copy(
            question=question, user=member, title="Seconda copia della domanda", body="Ancora."
        )


def test_only_the_asker_publishes_a_public_copy(member, expert):
    colleague = UserFactory(organisation=member.organisation)
    question = ask(member, visibility=Question.Visibility.CONFIDENTIAL)
    services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")

    with pytest.raises(services.ForumError):
        services.publish_public_copy(question=question, user=colleague, title="Copia non autorizzata", body="No.")


@pytest.mark.parametrize(
    ("ce_marked", "within", "expected"),
    [
        (False, None, ART_62),
        (False, True, ART_62),
        (True, True, ART_74_1),
        (True, False, ART_74_2),
        (True, None, None),
        (None, None, None),
    ],
)
def test_suggested_pathway_follows_mdcg_2021_6(ce_marked, within, expected):
    assert suggest_pathway(ce_marked=ce_marked, within_intended_purpose=within) == expected


# Through the pages


def test_asking_through_the_form_stores_device_context_and_attachments(member_client, member):
    response = member_client.post(
        reverse("forum:ask"),
        {
            "title": "Indagine su un dispositivo impiantabile di classe III",
            "body": "Vorremmo capire quale percorso seguire per il nostro impianto.",
            "topics": [Topic.objects.get(slug="regulatory-pathway").pk],
            "visibility": "confidential",
            "device_class": "III",
            "implantable": "true",
            "ce_marked": "false",
            "within_intended_purpose": "",
            "software_ai": "false",
            "attachments": [
                SimpleUploadedFile("protocollo.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
            ],
        },
    )

    question = Question.objects.get()
    assert response["Location"] == question.get_absolute_url()
    assert (question.device_class, question.implantable, question.ce_marked, question.within_intended_purpose) == (
        "III",
        True,
        False,
        None,
    )
    assert sorted(Attachment.objects.values_list("original_name", "content_type")) == [
        ("foto.png", "image/png"),
        ("protocollo.pdf", "application/pdf"),
    ]
    page = member_client.get(question.get_absolute_url()).content.decode()
    assert "MDR art. 62" in page or "MDR Art. 62" in page


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("relazione.pdf", b"MZ\x90\x00 not a pdf at all", "is not the kind of file its name says"),
        ("immagine.png", PDF, "is not the kind of file its name says"),
        ("script.exe", PDF, "only PDF, PNG and JPEG files are accepted"),
        ("grande.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "is larger than 10 MB"),
    ],
)
def test_attachments_are_judged_by_content_and_nothing_is_saved(db, client_for, name, content, error):
    member_client = client_for(UserFactory(preferred_language="en"))
    response = member_client.post(
        reverse("forum:ask"),
        {
            "title": "Domanda con allegato non valido",
            "body": "Testo sufficientemente lungo della domanda.",
            "topics": [Topic.objects.first().pk],
            "visibility": "public",
            "attachments": [SimpleUploadedFile(name, content)],
        },
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Question.objects.exists()
    assert not Attachment.objects.exists()


def test_an_attachment_is_served_as_a_download_with_its_checked_type(member_client, member):
    question = ask(member)
    attachment = services.add_attachment(
        question=question, user=member, upload=SimpleUploadedFile("cip.pdf", PDF, content_type="application/pdf")
    )

    response = member_client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_new_accounts_ask_at_most_five_questions_an_hour(member_client):
    data = {
        "body": "Testo sufficientemente lungo della domanda.",
        "topics": [Topic.objects.first().pk],
        "visibility": "public",
    }
    statuses = [
        member_client.post(reverse("forum:ask"), {**data, "title": f"Domanda numero {n} sul percorso"}).status_code
        for n in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    assert Question.objects.count() == 5


def test_an_invalid_answer_keeps_the_text_and_says_why(client_for, member):
    question = ask(member)
    expert_client = client_for(UserFactory(role=Role.EXPERT, with_mfa=True, preferred_language="en"))

    response = expert_client.post(reverse("forum:answer", args=[question.pk]), {"body": "Troppo breve"})

    assert response.status_code == 400
    assert "Write an answer of at least 20 characters." in response.content.decode()
    assert "Troppo breve" in response.content.decode()
    assert not Answer.objects.exists()


def test_search_finds_words_and_filters_combine(anonymous_client, member, expert):
    wanted = ask(member, title="Comitato etico territoriale per uno studio pilota")
    services.post_answer(question=wanted, expert=expert, body="Una risposta articolata e completa.")
    ask(member, title="Dimensione del campione per uno studio di usabilità")

    page = anonymous_client.get(reverse("forum:list"), {"q": "comitato", "status": "answered"}).content.decode()

    assert "Comitato etico territoriale per uno studio pilota" in page
    assert "Dimensione del campione" not in page


def test_an_invalid_filter_shows_an_error_not_a_500(anonymous_client):
    anonymous_client.cookies["django_language"] = "en"

    response = anonymous_client.get(reverse("forum:list"), {"created_after": "not-a-date", "status": "bogus"})

    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_editing_a_board_draft_voids_its_co_signatures(member, experts, settings):
    settings.BOARD_ANSWER_QUORUM = 2
    author, first, second = experts
    board = services.draft_board_answer(
        question=ask(member), expert=author, body="Prima bozza del board.", cosigners=[]
    )
    services.cosign_board_answer(answer=board, expert=first)

    services.edit_answer(answer=board, editor=author, body="Seconda bozza, con un'altra conclusione.")
    services.cosign_board_answer(answer=board, expert=second)

    board.refresh_from_db()
    assert board.board_published_at is None
    assert list(board.signatures.filter(signed_at__isnull=False).values_list("expert", flat=True)) == [second.pk]


def test_a_closed_question_gets_no_more_co_signatures(member, experts, staff_user, settings):
    settings.BOARD_ANSWER_QUORUM = 1
    question = ask(member)
    board = services.draft_board_answer(question=question, expert=experts[0], body="Bozza del board.", cosigners=[])
    services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.RESOLVED)

    with pytest.raises(services.ForumError):
        services.cosign_board_answer(answer=board, expert=experts[1])
    board.refresh_from_db()
    assert board.board_published_at is None


def test_a_clarification_on_a_board_draft_is_not_told_to_the_asker(member, experts):
    question = ask(member)
    board = services.draft_board_answer(
        question=question, expert=experts[0], body="Bozza del board.", cosigners=[experts[1]]
    )
    Notification.objects.all().delete()

    services.post_comment(question=question, author=experts[2], body="Aggiungerei MDCG 2021-6.", answer=board)

    assert set(Notification.objects.values_list("recipient", flat=True)) == {experts[0].pk, experts[1].pk}


def test_only_the_asker_opens_the_public_copy_form(member, expert, client_for):
    question = ask(member, visibility=Question.Visibility.CONFIDENTIAL)
    services.post_answer(question=question, expert=expert, body="Una risposta articolata e completa.")
    url = reverse("forum:public_copy", args=[question.pk])

    assert client_for(member).get(url).status_code == 200
    assert client_for(UserFactory(organisation=member.organisation)).get(url).status_code == 404
    assert client_for(expert).get(url).status_code == 404
