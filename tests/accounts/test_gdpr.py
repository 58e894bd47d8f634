"""Personal data (GDPR): the JSON export of everything the portal holds about a
user, and the erasure of their account (``portal.accounts.gdpr``)."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from experts.models import CounsellingCase, ExpertProfile
from forum import services as forum_services
from forum.models import Answer, Assignment, BoardSignature, Comment, ConflictOfInterest, Flag, Follow, HelpfulVote
from forum.models import Question as ForumQuestion
from guidelines.models import Comment as GuidelineComment
from guidelines.models import Editor, Subscription, Thread
from portal.accounts import gdpr
from portal.accounts.models import Notification, User
from portal.accounts.roles import Role
from portal.audit.models import Action, AuditEntry
from portal.jobs import services as jobs
from portal.jobs.models import Job
from portal.mail import serialise_message
from portal.metrics.models import ApiToken
from portal.surveys.models import Answer as SurveyAnswer
from portal.surveys.models import Invitation, Response
from portal.tasks import deliver_email
from tests.conftest import PERSONAS
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    CommentFactory,
    CounsellingCaseFactory,
    ExpertFactory,
    FundedProjectFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD
from tests.factories.forum import add_pdf
from tests.factories.guidelines import SectionFactory, publish, the_draft
from tests.factories.introductions import IntroductionFactory
from tests.factories.surveys import QuestionFactory as SurveyQuestionFactory
from tests.factories.surveys import SurveyFactory

EXPORT = reverse("accounts:personal_data")
DELETE = reverse("accounts:delete_account")


def _fill(user: User, n: int) -> None:
    """``n`` rows of every kind of personal data a member has."""
    expert = ExpertFactory()
    project = None
    for i in range(n):
        question = QuestionFactory(author=user, confidential=bool(i % 2), title=f"Domanda riservata {user.pk}-{i}")
        CommentFactory(question=question, author=user, body=f"Il mio chiarimento {i}")
        answer = AnswerFactory(question=question, author=expert)
        forum_services.toggle_helpful(answer=answer, user=user)
        forum_services.flag_content(question=question, reporter=user, reason=f"Segnalazione {i}")
        add_pdf(question, user=user, name=f"protocollo-{i}.pdf")
        Notification.objects.create(
            recipient=user, kind=Notification.Kind.ANSWERED, actor_name="Elena", target_title="T", target_url="/x/"
        )
        IntroductionFactory(requested_by=user, organisation=user.organisation)
        project = FundedProjectFactory(beneficiaries=[user.organisation])
        CounsellingCaseFactory(project=project, organisation=user.organisation, requested_by=user)
        thread = Thread.objects.create(section=SectionFactory(), started_by=user)
        GuidelineComment.objects.create(thread=thread, author=user, body=f"Commento alle linee guida {i}")
        survey = SurveyFactory(anonymous=False)
        survey_question = SurveyQuestionFactory(survey=survey, text_en=f"How useful is the forum? {i}")
        invitation = Invitation.objects.create(survey=survey, user=user, token_hash=f"{user.pk}-{i}".ljust(64, "0"))
        response = Response.objects.create(
            survey=survey, anonymous=False, user=user, invitation=invitation, submitted_at=timezone.now()
        )
        SurveyAnswer.objects.create(response=response, question=survey_question, score=4)
        ApiToken.objects.create(user=user, name=f"Regione {i}", prefix=f"ctcc_{i}", token_hash=f"secret-hash-{i}")
    Subscription.objects.get_or_create(user=user)


def _download(client) -> dict:
    response = client.get(EXPORT)
    assert response.status_code == 200
    return json.loads(response.content)


# Export


def test_export_is_a_json_attachment_not_stored_by_caches(member_client):
    response = member_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    name = f"ctcc-personal-data-{timezone.localdate().isoformat()}.json"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Cache-Control"] == "no-store"


def test_export_holds_the_account_and_everything_the_member_wrote(member, member_client):
    _fill(member, 2)

    data = _download(member_client)

    assert data["account"] == {
        "id": member.pk,
        "full_name": "Giulia Ferrari",
        "email": member.email,
        "preferred_language": "it",
        "role": "member",
        "organisation": {"name": "Brianza Medical Devices S.r.l.", "kind": "sme", "city": "Milano"},
        "email_notifications": "immediately",
        "date_joined": member.date_joined.isoformat(),
        "last_login": data["account"]["last_login"],
        "is_active": True,
    }
    assert data["email_addresses"] == [{"email": member.email, "verified": True, "primary": True}]
    assert data["two_factor_authentication"] == []
    forum = data["forum"]
    assert [q["title"] for q in forum["questions"]] == [
        f"Domanda riservata {member.pk}-0",
        f"Domanda riservata {member.pk}-1",
    ]
    # The confidential one is theirs too.
    assert [q["visibility"] for q in forum["questions"]] == ["public", "confidential"]
    assert forum["questions"][0]["topics"] == ["regulatory-pathway"]
    assert [c["body"] for c in forum["comments"]] == ["Il mio chiarimento 0", "Il mio chiarimento 1"]
    assert len(forum["helpful_votes"]) == 2
    assert len(forum["follows"]) == 2  # askers follow their questions
    assert [f["reason"] for f in forum["reports"]] == ["Segnalazione 0", "Segnalazione 1"]
    assert [a["name"] for a in forum["attachments"]] == ["protocollo-0.pdf", "protocollo-1.pdf"]
    assert forum["answers"] == []
    assert len(data["introductions"]) == 2
    assert len(data["counselling"]["requests"]) == 2
    assert data["counselling"]["cases_as_expert"] == []
    assert [c["body"] for c in data["guidelines"]["comments"]] == [
        "Commento alle linee guida 0",
        "Commento alle linee guida 1",
    ]
    assert data["guidelines"]["editor_since"] is None
    assert data["guidelines"]["subscribed_since"] is not None
    assert len(data["surveys"]["invitations"]) == 2
    assert [r["answers"][0]["score"] for r in data["surveys"]["responses"]] == [4, 4]
    assert "anonymous" in data["surveys"]["anonymous_responses"]
    assert [t["name"] for t in data["api_tokens"]] == ["Regione 0", "Regione 1"]
    assert data["visits"] == gdpr.VISITS_NOTE
    # The notifications the member received, not those of the expert.
    assert len(data["notifications"]) >= 2
    assert data["board"] == {
        "expert_profile": None,
        "assignments": [],
        "board_signatures": [],
        "conflicts_of_interest": [],
    }


def test_export_never_holds_secrets(expert, expert_client):
    ApiToken.objects.create(user=expert, name="Regione", prefix="ctcc_ab", token_hash="f" * 64)

    response = expert_client.get(EXPORT)
    data = json.loads(response.content)

    assert [entry["method"] for entry in data["two_factor_authentication"]] == ["totp"]
    assert expert.totp_secret not in response.content.decode()
    assert "f" * 64 not in response.content.decode()
    assert "pbkdf2" not in response.content.decode()
    assert set(data["api_tokens"][0]) == {"name", "prefix", "created_at", "last_used_at", "revoked_at"}


def test_export_of_an_expert_holds_their_board_work(expert, expert_client):
    profile = ExpertProfile.objects.create(user=expert, sector="research", affiliation="Università di Pavia")
    question = QuestionFactory()
    AssignmentFactory(question=question, expert=expert)
    forum_services.declare_conflict(question=QuestionFactory(), expert=expert, reason="Consulente del fabbricante")
    board = AnswerFactory(question=QuestionFactory(), board=True, cosigners=[expert])
    AnswerFactory(question=question, author=expert, body="La mia risposta.")
    CounsellingCaseFactory(experts=[expert])
    Editor.objects.create(user=expert)

    data = _download(expert_client)

    assert data["board"]["expert_profile"]["affiliation"] == profile.affiliation
    assert [a["status"] for a in data["board"]["assignments"]] == ["answered"]
    assert [c["reason"] for c in data["board"]["conflicts_of_interest"]] == ["Consulente del fabbricante"]
    assert [s["answer"] for s in data["board"]["board_signatures"]] == [board.pk]
    assert [a["body"] for a in data["forum"]["answers"]] == ["La mia risposta."]
    assert len(data["counselling"]["cases_as_expert"]) == 1
    assert data["guidelines"]["editor_since"] is not None


def test_export_holds_nothing_of_other_people(member, member_client, other_member):
    _fill(other_member, 1)

    data = _download(member_client)

    text = json.dumps(data)
    assert other_member.email not in text
    assert other_member.full_name not in text
    assert data["forum"]["questions"] == []
    assert data["surveys"]["responses"] == []


@pytest.mark.parametrize("rows", [1, 4])
def test_export_runs_a_fixed_number_of_queries(member, rows, django_assert_max_num_queries):
    _fill(member, rows)

    with django_assert_max_num_queries(27):
        data = gdpr.personal_data(member)

    assert len(data["forum"]["questions"]) == rows


@pytest.mark.parametrize("rows", [1, 4])
def test_export_of_an_expert_runs_a_fixed_number_of_queries(expert, rows, django_assert_max_num_queries):
    ExpertProfile.objects.create(user=expert, sector="research", affiliation="Università di Pavia")
    for _ in range(rows):
        AnswerFactory(author=expert)
        AnswerFactory(question=QuestionFactory(), board=True, cosigners=[expert])

    with django_assert_max_num_queries(28):
        data = gdpr.personal_data(expert)

    assert len(data["board"]["board_signatures"]) == rows


@pytest.mark.parametrize("persona", PERSONAS)
def test_export_access_per_persona(persona, request):
    client = request.getfixturevalue(persona)

    response = client.get(EXPORT)

    if persona == "anonymous_client":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200
        assert json.loads(response.content)["account"]["email"].endswith("@example.org")


def test_export_is_rate_limited(member_client):
    statuses = [member_client.get(EXPORT).status_code for _ in range(11)]

    assert statuses == [200] * 10 + [429]


def test_profile_links_to_the_export_and_the_erasure(member_client):
    page = member_client.get(reverse("accounts:profile")).content.decode()

    assert f'href="{EXPORT}"' in page
    assert f'href="{DELETE}"' in page


# Erasure: the confirmation page


@pytest.mark.parametrize("persona", PERSONAS)
def test_delete_page_access_per_persona(persona, request):
    client = request.getfixturevalue(persona)

    response = client.get(DELETE)

    if persona == "anonymous_client":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200


def test_delete_page_says_what_happens_and_asks_for_the_password(member, member_client):
    member.preferred_language = "en"
    member.save()

    page = member_client.get(DELETE).content.decode()

    assert (
        "Your questions and answers stay, attributed to “former member”; everything else about you is deleted." in page
    )
    assert 'type="password" name="password"' in page
    assert 'autocomplete="current-password"' in page


def test_delete_page_says_the_audit_log_keeps_names_and_links_the_privacy_notice(member_client):
    page = member_client.get(DELETE).content.decode()  # Italian, the default

    assert "Il registro delle attività del personale e degli amministratori conserva i nomi" in page
    assert f'<a href="{reverse("privacy")}">informativa sulla privacy</a>' in page


def test_wrong_password_erases_nothing(member, member_client):
    question = QuestionFactory(author=member)

    response = member_client.post(DELETE, {"password": "not-my-password"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"password": [gettext_it("The password is not correct.")]}
    member.refresh_from_db()
    assert member.is_active
    assert member.full_name == "Giulia Ferrari"
    assert ForumQuestion.objects.get(pk=question.pk).author == member
    assert member_client.get(reverse("accounts:profile")).status_code == 200


def gettext_it(message: str) -> str:
    with translation.override("it"):
        return gettext(message)


def test_erasure_is_rate_limited(member, member_client):
    statuses = [member_client.post(DELETE, {"password": "wrong"}).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    member.refresh_from_db()
    assert member.is_active


# Erasure: what it does


def _erase(client):
    return client.post(DELETE, {"password": PASSWORD})


def test_erasure_anonymises_the_account_and_signs_out(member, member_client):
    pk = member.pk

    response = _erase(member_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(pk=pk)
    assert user.full_name == ""
    assert user.email == f"erased-{pk}@erased.invalid"
    assert user.organisation is None
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.notification_emails == "never"
    assert user.last_login is None
    assert not EmailAddress.objects.filter(user=user).exists()
    # Signed out: the profile asks to sign in again.
    profile = member_client.get(reverse("accounts:profile"))
    assert profile.status_code == 302
    assert profile["Location"].startswith(reverse("account_login"))


def test_erased_member_cannot_sign_in(member, member_client):
    email = member.email
    _erase(member_client)

    assert Client().login(email=email, password=PASSWORD) is False
    response = Client().post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_other_sessions_stop_working(member, member_client, client_for):
    elsewhere = client_for(member)
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200

    _erase(member_client)

    response = elsewhere.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_email_address_can_register_again(member, member_client, django_capture_on_commit_callbacks):
    email = member.email
    _erase(member_client)

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("account_signup"),
            {
                "full_name": "Giulia Ferrari",
                "email": email,
                "organisation_name": "Nuova Impresa S.r.l.",
                "organisation_kind": "sme",
                "password1": "a-sound-passphrase-42",
                "password2": "a-sound-passphrase-42",
                "accept_privacy": "on",
            },
        )

    assert response.status_code == 302
    again = User.objects.get(email=email)
    assert again.pk != member.pk
    assert again.is_active


def test_questions_and_answers_stay_attributed_to_a_former_member(member, member_client, anonymous_client):
    question = QuestionFactory(author=member, title="Percorso per un dispositivo di classe IIa")
    comment = CommentFactory(question=question, author=member, body="Aggiungo un dettaglio sul dispositivo.")
    answer = AnswerFactory(question=question)

    _erase(member_client)

    question.refresh_from_db()
    assert question.author is None
    assert question.title == "Percorso per un dispositivo di classe IIa"
    assert Comment.objects.get(pk=comment.pk).author is None
    assert Answer.objects.filter(pk=answer.pk).exists()
    page = anonymous_client.get(question.get_absolute_url()).content.decode()
    assert "Giulia Ferrari" not in page
    assert gettext_it("a former member") in page
    assert "Aggiungo un dettaglio sul dispositivo." in page


def test_erasure_withdraws_the_unsent_emails_to_the_person(member, member_client, other_member):
    def queue(to, cc=(), *, status=Job.Status.QUEUED):
        message = serialise_message(mail.EmailMessage("Avviso", "Testo", None, to, cc=list(cc)))
        job = jobs.enqueue_many(deliver_email, [(message,)], private=True)[0]
        Job.objects.filter(pk=job.pk).update(status=status)
        return job.pk

    queued = queue([member.email])
    failed = queue([member.email.upper()], status=Job.Status.FAILED)
    shared = queue([other_member.email], cc=[member.email])
    someone_elses = queue([other_member.email])

    _erase(member_client)

    assert not Job.objects.filter(pk__in=[queued, failed]).exists()
    assert Job.objects.get(pk=shared).args[0]["to"] == [other_member.email]
    assert Job.objects.get(pk=shared).args[0]["cc"] == []
    assert Job.objects.get(pk=someone_elses).args[0]["to"] == [other_member.email]


def test_erasure_deletes_what_only_served_the_person(member, member_client, other_member):
    _fill(member, 2)
    answer = Answer.objects.filter(question__author=member).first()
    votes_before = Answer.objects.get(pk=answer.pk).helpful_count
    someone_elses = Notification.objects.create(
        recipient=other_member,
        kind=Notification.Kind.COMMENTED,
        actor_name="Giulia Ferrari",
        target_title="Una domanda",
        target_url="/forum/1/",
    )

    _erase(member_client)

    assert not Notification.objects.filter(recipient=member).exists()
    assert not Follow.objects.filter(user=member).exists()
    assert not ApiToken.objects.filter(user=member).exists()
    assert not Subscription.objects.filter(user=member).exists()
    assert not Invitation.objects.filter(user=member).exists()
    assert not Authenticator.objects.filter(user=member).exists()
    # Kept: authored content, without a name; survey responses, unlinked.
    assert ForumQuestion.objects.filter(title__startswith=f"Domanda riservata {member.pk}-", author=None).count() == 2
    assert Flag.objects.filter(reason__startswith="Segnalazione", reporter=None).count() == 2
    assert GuidelineComment.objects.filter(body__startswith="Commento alle linee guida", author=None).count() == 2
    assert Response.objects.filter(user=None, invitation=None, anonymous=False).count() == 2
    assert SurveyAnswer.objects.filter(response__user=None).count() == 2
    assert CounsellingCase.objects.filter(requested_by=None).count() == 2
    # Votes stay on the anonymised account, so the answers' counts stay true.
    assert HelpfulVote.objects.filter(user=member).count() == 2
    assert Answer.objects.get(pk=answer.pk).helpful_count == votes_before
    # Other people's notifications no longer name the person.
    someone_elses.refresh_from_db()
    assert someone_elses.actor_name == ""


def test_notifications_naming_an_erased_person_read_a_former_user(member, member_client, other_member, client_for):
    Notification.objects.create(
        recipient=other_member,
        kind=Notification.Kind.COMMENTED,
        actor_name="Giulia Ferrari",
        target_title="Una domanda sul CIP",
        target_url="/forum/1/",
    )

    _erase(member_client)

    page = client_for(other_member).get(reverse("accounts:notifications")).content.decode()
    assert "Giulia Ferrari" not in page
    assert gettext_it("A former user") in page
    assert "Una domanda sul CIP" in page


def test_erasing_an_expert_closes_their_board_work(expert, expert_client, client_for):
    ExpertProfile.objects.create(user=expert, sector="research", affiliation="Università di Pavia")
    open_assignment = AssignmentFactory(expert=expert)
    conflict = forum_services.declare_conflict(question=QuestionFactory(), expert=expert, reason="Consulente")
    other_expert, third_expert = ExpertFactory(), ExpertFactory()
    published = AnswerFactory(
        question=QuestionFactory(), board=True, cosigners=[expert, third_expert], signed_by=[expert, third_expert]
    )
    pending = AnswerFactory(question=QuestionFactory(), board=True, author=other_expert, cosigners=[expert])
    case = CounsellingCaseFactory(experts=[expert, other_expert])
    Editor.objects.create(user=expert)

    _erase(expert_client)

    open_assignment.refresh_from_db()
    assert open_assignment.status == Assignment.Status.CANCELLED
    assert open_assignment.closed_at is not None
    assert not ExpertProfile.objects.filter(user=expert).exists()
    assert not ConflictOfInterest.objects.filter(pk=conflict.pk).exists()
    assert not BoardSignature.objects.filter(answer=pending, expert=expert).exists()
    assert BoardSignature.objects.filter(answer=published, expert=expert, signed_at__isnull=False).exists()
    assert list(case.experts.all()) == [other_expert]
    assert not Editor.objects.filter(user=expert).exists()
    page = Client().get(published.question.get_absolute_url()).content.decode()
    assert "Elena Bianchi" not in page
    assert gettext_it("a former expert") in page


def test_staff_may_erase_their_account(staff_user, staff_client):
    response = _erase(staff_client)

    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert not staff_user.is_active


def test_the_last_administrator_cannot_erase_their_account(administrator, admin_client):
    page = admin_client.get(DELETE)

    refusal = (
        "You are the only administrator of the portal: appoint another administrator before you delete your account."
    )
    assert escape(gettext_it(refusal)) in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    response = _erase(admin_client)
    assert response.status_code == 200
    administrator.refresh_from_db()
    assert administrator.is_active
    assert administrator.full_name == "Sara Galli"
    with pytest.raises(gdpr.AccountErasureError):
        gdpr.erase_account(user=administrator)


def test_an_administrator_may_erase_their_account_when_another_remains(administrator, admin_client):
    UserFactory(role=Role.ADMINISTRATOR)

    response = _erase(admin_client)

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_active


def test_an_inactive_administrator_does_not_count_as_another(administrator, admin_client):
    UserFactory(role=Role.ADMINISTRATOR, is_active=False)

    assert gdpr.erasure_refusal(administrator) is not None


def test_erasure_is_recorded_in_the_audit_log_without_the_name(member, member_client):
    _erase(member_client)

    entry = AuditEntry.objects.get(action=Action.ACCOUNT_ERASED)
    assert entry.target_id == str(member.pk)
    assert entry.target_repr == f"#{member.pk}"
    assert entry.actor_name == f"erased-{member.pk}@erased.invalid"
    assert "Giulia" not in json.dumps([entry.actor_name, entry.target_repr, entry.details])


def test_an_erased_account_cannot_be_erased_twice(member):
    gdpr.erase_account(user=member)

    with pytest.raises(gdpr.AccountErasureError):
        gdpr.erase_account(user=member)
    assert AuditEntry.objects.filter(action=Action.ACCOUNT_ERASED).count() == 1


def test_a_refused_erasure_writes_nothing(administrator):
    flag = forum_services.flag_content(question=QuestionFactory(), reporter=administrator, reason="Spam")
    Notification.objects.create(
        recipient=administrator, kind=Notification.Kind.ANSWERED, target_title="T", target_url="/x/"
    )

    with pytest.raises(gdpr.AccountErasureError):
        gdpr.erase_account(user=administrator)

    assert Flag.objects.get(pk=flag.pk).reporter == administrator
    assert Notification.objects.filter(recipient=administrator).count() == 1
    assert EmailAddress.objects.filter(user=administrator).exists()


def test_erasure_keeps_a_published_guidelines_version_intact(staff_user, staff_client, anonymous_client):
    section = SectionFactory(updated_by=staff_user)
    draft = the_draft()
    draft.published_by = staff_user
    version = publish(draft)

    response = _erase(staff_client)

    # Published versions never change: they stay linked to the anonymised account.
    assert response.status_code == 302
    section.refresh_from_db()
    version.refresh_from_db()
    assert section.updated_by_id == staff_user.pk
    assert version.published_by_id == staff_user.pk
    page = anonymous_client.get(reverse("guidelines:versions")).content.decode()
    assert "Luca Rossi" not in page


def test_erasure_clears_the_author_of_draft_sections(staff_user, staff_client):
    section = SectionFactory(updated_by=staff_user)

    _erase(staff_client)

    section.refresh_from_db()
    assert section.updated_by is None
