"""Changing an id in a URL never reveals another organisation's things.

``member``'s organisation (Brianza) owns a confidential question (with an
answer, a clarification and an attachment), a counselling case with its
meeting notes, an introduction with a clinic's feasibility answer, a
facilitated investigation, and survey answers. ``other_member`` (NeuroPasso)
takes each URL and puts the Brianza object's id in it, or mixes one of their
own objects with a Brianza one: the owner sees the object, the other
organisation gets 404 (the codebase's rule for objects one may not know exist:
``get_<thing>_for_user``), and not a word of it appears in any answer. Pages of
a role the other member lacks (moderation history, survey results) answer 403
whatever the id, and show nothing either. Lists, search, the feed and the
similar-questions fragment leave the object out.

Each object carries its own made-up word, so that a test names exactly what leaked.
No word may be a name the factories can draw: "Calcedonio", an Italian first
name, once came back as a user's name and read as a leak.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from faker.providers.person.it_IT import Provider as ItalianNames

from experts.models import CounsellingMeeting, FacilitatedInvestigation, Introduction, StageChange
from forum import services as forum_services
from forum.models import Assignment, Comment, Flag, Follow, HelpfulVote, Question
from guidelines.models import Rendition
from portal.accounts.roles import Role
from portal.metrics import tokens
from portal.surveys import services as survey_services
from portal.surveys.models import Audience
from portal.surveys.models import Question as SurveyQuestion
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    ClinicContactFactory,
    ClinicFactory,
    CommentFactory,
    CounsellingCaseFactory,
    CounsellingMeetingFactory,
    FundedProjectFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.forum import ExpertFactory
from tests.factories.guidelines import DraftFactory, SectionFactory
from tests.factories.introductions import (
    FacilitatedInvestigationFactory,
    FeasibilityRequestFactory,
    IntroductionFactory,
)
from tests.factories.surveys import QuestionFactory as SurveyQuestionFactory
from tests.factories.surveys import SurveyFactory

pytestmark = pytest.mark.django_db

# One made-up word per thing, in its content.
QUESTION_WORD = "Xylocardio"
ANSWER_WORD = "Quarzolina"
COMMENT_WORD = "Pervincola"
FILE_WORD = "Zirconiale"
CASE_WORD = "Ondivaga"
MEETING_WORD = "Tamericeto"
INTRODUCTION_WORD = "Calcedonite"
FEASIBILITY_WORD = "Brugnolina"
INVESTIGATION_WORD = "Ginestrello"
RESPONSE_WORD = "Lentiscoso"
DRAFT_WORD = "Corbezzolo"
TOKEN_WORD = "Acetosella"
ALL_WORDS = [
    QUESTION_WORD,
    ANSWER_WORD,
    COMMENT_WORD,
    FILE_WORD,
    CASE_WORD,
    MEETING_WORD,
    INTRODUCTION_WORD,
    FEASIBILITY_WORD,
    INVESTIGATION_WORD,
    RESPONSE_WORD,
    DRAFT_WORD,
]


def test_no_made_up_word_is_a_name_the_factories_draw():
    names = set(ItalianNames.first_names) | set(ItalianNames.last_names)
    assert [word for word in [*ALL_WORDS, TOKEN_WORD] if word in names] == []


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def assert_nothing_of_it(response, echo: str = "") -> None:
    """No word of Brianza's things in the answer; ``echo``, a searched word, may
    be in the search field and the language switch's return address."""
    text = body(response)
    if echo:
        text = text.replace(f'value="{echo}"', "").replace(f"q={echo}", "")
    leaked = [word for word in ALL_WORDS if word in text]
    assert leaked == [], f"{response.status_code} {response.request['PATH_INFO']} shows {leaked}"


@pytest.fixture
def brianza(member, expert, staff_user):
    """Everything of ``member``'s organisation that others must not see."""
    things = {}
    question = QuestionFactory(
        author=member,
        confidential=True,
        title=f"Indagine sul defibrillatore {QUESTION_WORD} di nuova generazione",
        body=f"Il prototipo {QUESTION_WORD} non ha ancora la marcatura CE.",
    )
    things["question"] = question
    things["answer"] = AnswerFactory(question=question, author=expert, body=f"Per {ANSWER_WORD} serve l'art. 62.")
    things["comment"] = CommentFactory(question=question, body=f"Chiarimento: il modello {COMMENT_WORD}.")
    upload = SimpleUploadedFile(
        f"{FILE_WORD}.pdf", f"%PDF-1.7\n% {FILE_WORD}\n%%EOF\n".encode(), content_type="application/pdf"
    )
    things["attachment"] = forum_services.add_attachment(question=question, user=member, upload=upload)

    project = FundedProjectFactory(beneficiaries=[member.organisation])
    case = CounsellingCaseFactory(
        project=project, requested_by=member, experts=[expert], needs=f"Ci serve aiuto con {CASE_WORD}."
    )
    things["case"] = case
    CounsellingMeetingFactory(
        case=case, recorded_by=expert, notes=f"Discusso {MEETING_WORD}.", notes_html=f"<p>Discusso {MEETING_WORD}.</p>"
    )

    clinic = ClinicFactory()
    introduction = IntroductionFactory(
        organisation=member.organisation,
        requested_by=member,
        clinics=[clinic],
        sent=True,
        device=f"Sensore {INTRODUCTION_WORD} per il monitoraggio del cammino",
    )
    things["introduction"] = introduction
    FeasibilityRequestFactory(
        introduction=introduction,
        contact=ClinicContactFactory(clinic=clinic),
        answer="interested",
        comment=f"Interessati: {FEASIBILITY_WORD}.",
    )
    investigation = FacilitatedInvestigationFactory(
        sponsor=member.organisation, clinics=[clinic], title=f"Indagine pilota {INVESTIGATION_WORD}"
    )
    FacilitatedInvestigation.objects.filter(pk=investigation.pk).update(introduction=introduction)
    things["investigation"] = investigation

    # A survey with names (not anonymous) the member answered, and one they left half done.
    answered = SurveyFactory(anonymous=False, audience=Audience.MEMBERS, created_by=staff_user)
    answered_question = SurveyQuestionFactory(survey=answered, kind=SurveyQuestion.Kind.TEXT, required=False)
    survey_services.submit_response(
        survey=answered,
        respondent=survey_services.respondent_for_user(survey=answered, user=member),
        answers={str(answered_question.pk): f"Il portale {RESPONSE_WORD} ci è utile."},
    )
    things["answered_survey"], things["answered_question"] = answered, answered_question
    half_done = SurveyFactory(anonymous=False, audience=Audience.MEMBERS, created_by=staff_user)
    half_done_question = SurveyQuestionFactory(survey=half_done, kind=SurveyQuestion.Kind.TEXT, required=False)
    survey_services.save_draft(
        survey=half_done,
        respondent=survey_services.respondent_for_user(survey=half_done, user=member),
        answers={str(half_done_question.pk): f"Bozza: {DRAFT_WORD}."},
    )
    things["half_done_survey"] = half_done
    return things


@pytest.fixture
def neuropasso_question(other_member):
    """The other organisation's own public question: a parent they may use with a Brianza child id."""
    return QuestionFactory(author=other_member, title="Dimensione del campione per uno studio pilota")


# Pages of one object: the owner sees it, the other organisation gets 404 and not a word.

PAGES = {
    "question": ("forum:question", ("question",), QUESTION_WORD),
    "question's edit page": ("forum:edit", ("question",), QUESTION_WORD),
    "question's public copy form": ("forum:public_copy", ("question",), QUESTION_WORD),
    "attachment": ("forum:attachment", ("question", "attachment"), FILE_WORD),
    "counselling case": ("experts:case", ("case",), MEETING_WORD),
    "introduction": ("experts:introduction", ("introduction",), FEASIBILITY_WORD),
    "investigation": ("experts:investigation", ("investigation",), INVESTIGATION_WORD),
}


def url_of(brianza, name: str, args: tuple, query: str = "") -> str:
    return reverse(name, args=[brianza[arg].pk for arg in args]) + query


@pytest.mark.parametrize("page", PAGES)
def test_the_owner_sees_the_page(page, brianza, member_client):
    name, args, word = PAGES[page]

    response = member_client.get(url_of(brianza, name, args))

    assert response.status_code == 200
    assert word in body(response)


@pytest.mark.parametrize("page", PAGES)
def test_another_organisation_gets_not_found_and_nothing_of_it(page, brianza, other_member_client):
    name, args, _word = PAGES[page]

    response = other_member_client.get(url_of(brianza, name, args))

    assert response.status_code == 404
    assert_nothing_of_it(response)


@pytest.mark.parametrize("page", ["question", "attachment"])
def test_an_anonymous_visitor_gets_not_found_and_nothing_of_it(page, brianza, anonymous_client):
    name, args, _word = PAGES[page]

    response = anonymous_client.get(url_of(brianza, name, args))

    assert response.status_code == 404
    assert_nothing_of_it(response)


def test_the_answers_edit_page_is_not_found_for_another_organisation(brianza, other_member_client, expert_client):
    url = reverse("forum:edit_answer", args=[brianza["question"].pk, brianza["answer"].pk])

    assert ANSWER_WORD in body(expert_client.get(url))  # its author
    response = other_member_client.get(url)

    assert response.status_code == 404
    assert_nothing_of_it(response)


# Role pages that take the id: 403 for the other member, whatever the id, and nothing shown.

ROLE_PAGES = {
    "question's history": ("forum:history", ("question",)),
    "question to FAQ": ("forum:to_faq", ("question",)),
    "closing the question": ("forum:close", ("question",)),
    "assigning the question": ("forum:assign", ("question",)),
    "survey results": ("surveys:results", ("answered_survey",)),
    "survey text answers": ("surveys:texts", ("answered_survey", "answered_question")),
    "survey export": ("surveys:export", ("answered_survey",)),
}


@pytest.mark.parametrize("page", ROLE_PAGES)
def test_role_pages_refuse_another_member_and_show_nothing(page, brianza, other_member_client):
    name, args = ROLE_PAGES[page]

    response = other_member_client.get(url_of(brianza, name, args))

    assert response.status_code == 403
    assert_nothing_of_it(response)


def test_staff_read_named_survey_answers_by_design(brianza, staff_client):
    url = url_of(brianza, "surveys:texts", ("answered_survey", "answered_question"))

    assert RESPONSE_WORD in body(staff_client.get(url))


# Lists, search, feeds, fragments: the other organisation's list leaves it all out.

LISTS = {
    "question list": ("forum:list", ""),
    "search by a word of the title": ("forum:list", f"?q={QUESTION_WORD}"),
    "confidential questions filter": ("forum:list", "?visibility=confidential"),
    "similar questions": ("forum:similar", f"?title=Indagine+defibrillatore+{QUESTION_WORD}"),
    "forum feed": ("forum:feed", ""),
    "counselling cases": ("experts:cases", ""),
    "introductions": ("experts:introductions", ""),
    "investigations": ("experts:investigations", ""),
    "surveys to answer": ("surveys:mine", ""),
    "dashboard": ("dashboard", ""),
    "notifications": ("accounts:notifications", ""),
}


@pytest.mark.parametrize("listing", LISTS)
def test_lists_leave_another_organisations_things_out(listing, brianza, other_member_client):
    name, query = LISTS[listing]

    response = other_member_client.get(reverse(name) + query)

    assert response.status_code == 200
    assert_nothing_of_it(response, echo=QUESTION_WORD if query.startswith("?q=") else "")


@pytest.mark.parametrize("listing", ["question list", "search by a word of the title", "similar questions"])
def test_the_owner_finds_the_question_in_lists(listing, brianza, member_client):
    name, query = LISTS[listing]

    assert QUESTION_WORD in body(member_client.get(reverse(name) + query))


def test_the_experts_filter_leaves_confidential_answers_out(brianza, expert, other_member_client):
    response = other_member_client.get(reverse("forum:list"), {"expert": expert.pk})

    assert response.status_code == 200
    assert_nothing_of_it(response)


# Survey answers: another member answering the same survey sees an empty form.


@pytest.mark.parametrize("survey", ["answered_survey", "half_done_survey"])
def test_another_members_survey_form_is_empty(survey, brianza, other_member_client):
    response = other_member_client.get(reverse("surveys:respond", args=[brianza[survey].pk]))

    assert response.status_code == 200
    assert_nothing_of_it(response)


def test_the_member_finds_their_own_saved_answers(brianza, member_client):
    response = member_client.get(reverse("surveys:respond", args=[brianza["half_done_survey"].pk]))

    assert DRAFT_WORD in body(response)


# Mixing ids: the other member's own question with a Brianza answer, comment or attachment.


def test_a_brianza_attachment_under_ones_own_question_is_not_found(brianza, neuropasso_question, other_member_client):
    url = reverse("forum:attachment", args=[neuropasso_question.pk, brianza["attachment"].pk])

    response = other_member_client.get(url)

    assert response.status_code == 404
    assert_nothing_of_it(response)


@pytest.mark.parametrize("action", ["forum:accept", "forum:helpful"])
def test_a_brianza_answer_under_ones_own_question_is_not_found(
    action, brianza, neuropasso_question, other_member_client
):
    url = reverse(action, args=[neuropasso_question.pk, brianza["answer"].pk])

    response = other_member_client.post(url)

    assert response.status_code == 404
    assert not HelpfulVote.objects.exists()
    assert Question.objects.get(pk=neuropasso_question.pk).accepted_answer_id is None


def test_a_clarification_on_a_brianza_answer_is_not_found(brianza, neuropasso_question, other_member_client):
    response = other_member_client.post(
        reverse("forum:comment", args=[neuropasso_question.pk]), {"body": "Domanda?", "answer": brianza["answer"].pk}
    )

    assert response.status_code == 404
    assert list(Comment.objects.values_list("pk", flat=True)) == [brianza["comment"].pk]


def test_a_report_of_a_brianza_comment_is_not_found(brianza, neuropasso_question, other_member_client):
    response = other_member_client.post(
        reverse("forum:flag", args=[neuropasso_question.pk]), {"reason": "Spam", "comment": brianza["comment"].pk}
    )

    assert response.status_code == 404
    assert not Flag.objects.exists()


# Acting on a Brianza object by its id: 404, and nothing written.


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("forum:comment", {"body": "Posso aggiungere una cosa?"}),
        ("forum:follow", {"follow": "1"}),
        ("forum:flag", {"reason": "Spam"}),
    ],
)
def test_acting_on_a_brianza_question_is_not_found(action, data, brianza, other_member, other_member_client):
    follows = set(Follow.objects.values_list("pk", flat=True))

    response = other_member_client.post(reverse(action, args=[brianza["question"].pk]), data)

    assert response.status_code == 404
    assert Comment.objects.filter(author=other_member).count() == 0
    assert not Flag.objects.exists()
    assert set(Follow.objects.values_list("pk", flat=True)) == follows


@pytest.mark.parametrize("action", ["forum:accept", "forum:helpful"])
def test_voting_on_a_brianza_answer_is_not_found(action, brianza, other_member_client):
    url = reverse(action, args=[brianza["question"].pk, brianza["answer"].pk])

    response = other_member_client.post(url)

    assert response.status_code == 404
    assert not HelpfulVote.objects.exists()
    assert Question.objects.get(pk=brianza["question"].pk).accepted_answer_id is None


@pytest.mark.parametrize(
    ("action", "thing", "data"),
    [
        ("experts:case_meeting", "case", {"held_on": "2026-01-10", "attendees": "Noi", "notes": "Note"}),
        ("experts:case_close", "case", {"outcome": "Chiuso"}),
        ("experts:introduction_send", "introduction", {"message": "Ciao"}),
        ("experts:introduction_clinics", "introduction", {}),
        ("experts:introduction_close", "introduction", {"reason": "Basta"}),
        ("experts:investigation_stage", "investigation", {"stage": "submitted", "on": "2026-01-10"}),
        ("experts:investigation_edit", "investigation", {"title": "Altro titolo"}),
    ],
)
def test_working_on_a_brianza_case_or_introduction_is_not_found(action, thing, data, brianza, other_member_client):
    meetings, stages = CounsellingMeeting.objects.count(), StageChange.objects.count()
    introduction = Introduction.objects.get(pk=brianza["introduction"].pk)

    response = other_member_client.post(reverse(action, args=[brianza[thing].pk]), data)

    assert response.status_code == 404
    assert_nothing_of_it(response)
    assert (CounsellingMeeting.objects.count(), StageChange.objects.count()) == (meetings, stages)
    after = Introduction.objects.get(pk=introduction.pk)
    assert (after.status, after.message) == (introduction.status, introduction.message)
    assert FacilitatedInvestigation.objects.get(pk=brianza["investigation"].pk).title.endswith(INVESTIGATION_WORD)


def test_starting_an_investigation_from_a_brianza_introduction_is_refused(brianza, other_member_client):
    url = reverse("experts:investigation_new") + f"?introduction={brianza['introduction'].pk}"

    response = other_member_client.get(url)

    assert response.status_code == 403
    assert_nothing_of_it(response)


# Form fields naming a Brianza id: refused, nothing linked.


def test_asking_with_a_brianza_counselling_case_does_not_link_it(brianza, other_member, other_member_client):
    # A case of their own, so that the form has the field.
    CounsellingCaseFactory(
        project=FundedProjectFactory(beneficiaries=[other_member.organisation]), requested_by=other_member
    )

    response = other_member_client.post(
        reverse("forum:ask"),
        {
            "title": "Quale classe di rischio per un software di supporto?",
            "body": "Il software suggerisce la terapia al medico, che decide: quale classe secondo la regola 11?",
            "topics": [brianza["question"].topics.first().pk],
            "visibility": "public",
            "counselling_case": brianza["case"].pk,
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert "counselling_case" in response.context["form"].errors
    assert_nothing_of_it(response)
    assert not Question.objects.filter(author=other_member).exists()
    assert not Question.objects.filter(counselling_case=brianza["case"]).exists()


def test_an_introduction_request_naming_a_brianza_question_is_refused(brianza, other_member, other_member_client):
    # A question and a case of their own, so that the form has both fields.
    QuestionFactory(author=other_member)
    CounsellingCaseFactory(
        project=FundedProjectFactory(beneficiaries=[other_member.organisation]), requested_by=other_member
    )
    clinic = ClinicFactory()

    response = other_member_client.post(
        reverse("experts:introduction_new"),
        {
            "clinics": [clinic.pk],
            "device": "Sensore indossabile per il monitoraggio del tremore",
            "investigation": "Indagine pilota su 30 soggetti, tre mesi, ai sensi dell'art. 62 del MDR.",
            "question": brianza["question"].pk,
            "counselling_case": brianza["case"].pk,
        },
    )

    assert response.status_code == 200
    assert {"question", "counselling_case"} <= response.context["form"].errors.keys()
    assert_nothing_of_it(response)
    assert not Introduction.objects.filter(organisation=other_member.organisation).exists()


# Others' assignments and API tokens.


def test_an_expert_cannot_decline_another_experts_assignment(client_for, brianza):
    assignment = AssignmentFactory(question=brianza["question"])
    someone_else = ExpertFactory()

    response = client_for(someone_else).post(reverse("forum:decline", args=[assignment.pk]), {"reason": "No"})

    assert response.status_code == 404
    assignment.refresh_from_db()
    assert (assignment.status, assignment.decline_reason) == (Assignment.Status.OPEN, "")


def test_an_administrator_cannot_see_or_revoke_anothers_api_token(client_for, administrator):
    token, _raw = tokens.create_token(user=administrator, name=f"Token {TOKEN_WORD}")
    colleague = client_for(UserFactory(role=Role.ADMINISTRATOR, organisation=None, with_mfa=True))
    url = reverse("metrics:token_revoke", args=[token.pk])

    shown = colleague.get(url)
    revoked = colleague.post(url)

    assert (shown.status_code, revoked.status_code) == (404, 404)
    assert TOKEN_WORD not in body(shown) + body(colleague.get(reverse("metrics:tokens")))
    token.refresh_from_db()
    assert token.revoked_at is None


# The guidelines' draft is the board's: its PDF is not made, nor found, for a member.


def test_a_member_cannot_have_the_drafts_pdf_made_or_find_it(member_client, staff_user):
    draft = DraftFactory()
    SectionFactory(version=draft, body_it=f"Bozza: {DRAFT_WORD}.")
    made = Rendition.objects.create(version=draft, language="it", revision=draft.revision)

    requested = member_client.post(reverse("guidelines:request_pdf"), {"version": "draft", "language": "it"})
    status = member_client.get(reverse("guidelines:pdf", args=[made.pk]) + "?format=json")
    download = member_client.get(reverse("guidelines:pdf_download", args=[made.pk]))

    assert (requested.status_code, status.status_code, download.status_code) == (404, 404, 404)
    assert list(Rendition.objects.values_list("pk", flat=True)) == [made.pk]
