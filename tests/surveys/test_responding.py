"""Invitations, reminders, and answering: personal links, drafts, required
answers, one response per person, anonymity."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from experts.models.introductions import hash_token
from portal.accounts.roles import Role
from portal.surveys import services
from portal.surveys.models import Answer, Audience, Draft, Invitation, Response
from tests.factories import ClinicContactFactory, UserFactory
from tests.factories.surveys import SurveyFactory
from tests.surveys.conftest import answers_for, build_questions

pytestmark = pytest.mark.django_db


def _link_token(message) -> str:
    line = next(line for line in message.body.splitlines() if "/surveys/invitation/" in line)
    return line.rsplit("/surveys/invitation/", 1)[1].strip("/")


def test_invitations_are_sent_once_in_each_persons_language(
    staff_client, survey, member, other_member, expert, django_capture_on_commit_callbacks
):
    other_member.preferred_language = "en"
    other_member.save()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("surveys:invite", args=[survey.pk]))
    assert set(Invitation.objects.values_list("user_id", flat=True)) == {member.pk, other_member.pk}
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {member.email, other_member.email}
    # The title in each person's language (the subject's wording follows once the catalogue is compiled).
    assert by_recipient[member.email].subject.endswith(": Gradimento")
    assert by_recipient[other_member.email].subject == "[CTCC] Survey: Satisfaction"
    assert "Satisfaction" in by_recipient[other_member.email].body
    # Only the hash is stored.
    token = _link_token(by_recipient[member.email])
    assert Invitation.objects.get(user=member).token_hash == hash_token(token)
    # Again: nobody new, nothing sent; a newcomer gets theirs.
    mail.outbox.clear()
    newcomer = UserFactory(role=Role.MEMBER, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("surveys:invite", args=[survey.pk]))
        staff_client.post(reverse("surveys:invite", args=[survey.pk]))
    assert [message.to for message in mail.outbox] == [[newcomer.email]]
    assert Invitation.objects.count() == 3


def test_clinic_contacts_are_invited_in_their_language(django_capture_on_commit_callbacks):
    survey = SurveyFactory(audience=Audience.CLINIC_CONTACTS, title_en="Clinics", title_it="Centri")
    build_questions(survey)
    english = ClinicContactFactory(language="en", email="en@clinic.example.org")
    ClinicContactFactory(language="it", email="")  # no address: not invited
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite_audience(survey.pk) >= 1
    messages = {message.to[0]: message for message in mail.outbox}
    assert messages["en@clinic.example.org"].subject == "[CTCC] Survey: Clinics"
    assert Invitation.objects.filter(contact=english).count() == 1
    assert not Invitation.objects.filter(contact__email="").exists()


def test_reminders_go_to_those_who_have_not_answered_once_a_day(
    survey, member, other_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_audience(survey.pk)
    token = _link_token(next(m for m in mail.outbox if m.to == [member.email]))
    services.submit_response(
        survey=survey,
        respondent=services.Respondent(invitation=Invitation.objects.get(user=member), user=member),
        answers={str(survey.q["likert"].pk): 5},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_invitees(survey.pk) == 1
        assert services.remind_invitees(survey.pk) == 0
    assert [m.to for m in mail.outbox] == [[other_member.email]]
    reminded = Invitation.objects.get(user=other_member)
    assert (reminded.reminded_on, reminded.reminders) == (timezone.localdate(), 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_invitees(survey.pk, today=timezone.localdate() + timedelta(days=1)) == 1
    assert Invitation.objects.get(user=other_member).reminders == 2
    assert token


def _invite(survey, person) -> str:
    token, hashed = services.new_token()
    Invitation.objects.create(
        survey=survey, token_hash=hashed, **{"contact" if hasattr(person, "clinic") else "user": person}
    )
    return token


def test_a_token_answers_once_without_signing_in(anonymous_client, survey, member):
    token = _invite(survey, member)
    url = reverse("surveys:invitation", args=[token])
    assert anonymous_client.get(url).status_code == 200
    response = anonymous_client.post(url, answers_for(survey) | {"submit": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks", args=[survey.pk])
    assert Response.objects.count() == 1
    assert Invitation.objects.get(user=member).used_at is not None
    again = anonymous_client.post(url, answers_for(survey) | {"submit": "1"})
    assert again.status_code == 410
    assert Response.objects.count() == 1


@pytest.mark.parametrize("token", ["wrong", "x" * 43, "a" * 200])
def test_a_wrong_token_is_not_found(anonymous_client, survey, token):
    assert anonymous_client.get(reverse("surveys:invitation", args=[token])).status_code == 404


def test_a_token_replaced_by_a_reminder_is_not_found(anonymous_client, survey, member):
    token = _invite(survey, member)
    services.remind_invitees(survey.pk)
    assert anonymous_client.get(reverse("surveys:invitation", args=[token])).status_code == 404


def test_a_token_of_a_closed_survey_says_it_closed(anonymous_client, closed_survey, member):
    token = _invite(closed_survey, member)
    response = anonymous_client.get(reverse("surveys:invitation", args=[token]))
    assert response.status_code == 200
    assert "Il questionario si è chiuso il" in response.content.decode()


def test_a_contact_answers_in_their_language(anonymous_client, survey):
    contact = ClinicContactFactory(language="it")
    token = _invite(survey, contact)
    page = anonymous_client.get(reverse("surveys:invitation", args=[token])).content.decode()
    assert "Soddisfatto?" in page


def test_save_and_resume_through_the_same_link(anonymous_client, survey, member):
    token = _invite(survey, member)
    url = reverse("surveys:invitation", args=[token])
    likert = survey.q["likert"]
    response = anonymous_client.post(url, {f"q{likert.pk}": "2", "save": "1"})
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.answers == {str(likert.pk): 2}
    assert not Response.objects.exists()
    resumed = anonymous_client.get(url)
    assert resumed.context["form"].initial[f"q{likert.pk}"] == 2
    anonymous_client.post(url, answers_for(survey, likert=3) | {"submit": "1"})
    assert not Draft.objects.exists()
    assert Answer.objects.get(question=likert).score == 3


def test_missing_required_answers_write_nothing(member_client, survey, member):
    member.preferred_language = "en"
    member.save()
    url = reverse("surveys:respond", args=[survey.pk])
    data = answers_for(survey)
    del data[f"q{survey.q['nps'].pk}"]
    data[f"q{survey.q['number'].pk}"] = "-4"
    response = member_client.post(url, data | {"submit": "1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"q{survey.q['nps'].pk}"] == ["This field is required."]
    assert errors[f"q{survey.q['number'].pk}"] == ["Ensure this value is greater than or equal to 0."]
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not Invitation.objects.exists()


def test_errors_are_in_the_respondents_language(client_for, survey):
    italian = UserFactory(role=Role.MEMBER, preferred_language="it")
    response = client_for(italian).post(reverse("surveys:respond", args=[survey.pk]), {"submit": "1"})
    assert response.context["form"].errors[f"q{survey.q['likert'].pk}"] == ["Questo campo è obbligatorio."]


def test_a_member_answers_once(member_client, survey, member):
    url = reverse("surveys:respond", args=[survey.pk])
    assert member_client.post(url, answers_for(survey) | {"submit": "1"}).status_code == 302
    page = member_client.get(url)
    assert "Ha già risposto a questo questionario." in page.content.decode()
    with pytest.raises(services.SurveyError):
        services.submit_response(
            survey=survey, respondent=services.respondent_for_user(survey=survey, user=member), answers={}
        )
    assert Response.objects.count() == 1


def test_the_database_refuses_a_second_response_of_a_user(survey, member):
    survey.anonymous = False
    survey.save()
    Response.objects.create(survey=survey, anonymous=False, user=member, submitted_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, anonymous=False, user=member, submitted_at=timezone.now())


def test_a_second_response_by_a_race_becomes_a_friendly_message(survey, member):
    survey.anonymous = False
    survey.save()
    respondent = services.respondent_for_user(survey=survey, user=member)
    # Another request answered between the check and the write (its invitation not yet marked).
    Response.objects.create(survey=survey, anonymous=False, user=member, submitted_at=timezone.now())
    with pytest.raises(services.SurveyError, match="already answered"):
        services.submit_response(survey=survey, respondent=respondent, answers={})
    assert Response.objects.count() == 1
    assert Invitation.objects.filter(used_at__isnull=False).count() == 0


def test_an_anonymous_response_has_no_link_to_its_author(member_client, survey, member):
    member_client.post(reverse("surveys:respond", args=[survey.pk]), answers_for(survey) | {"submit": "1"})
    response = Response.objects.get()
    assert (response.user, response.invitation, response.anonymous) == (None, None, True)
    assert timezone.localtime(response.submitted_at).time().isoformat() == "00:00:00"
    assert Invitation.objects.get(user=member).used_at is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, anonymous=True, user=member, submitted_at=timezone.now())


def test_an_identified_response_keeps_its_author(member_client, survey, member):
    survey.anonymous = False
    survey.save()
    member_client.post(reverse("surveys:respond", args=[survey.pk]), answers_for(survey) | {"submit": "1"})
    response = Response.objects.get()
    assert response.user == member
    assert response.invitation == Invitation.objects.get(user=member)


def test_public_link_saves_in_the_session_and_answers_once(anonymous_client):
    survey = SurveyFactory(audience=Audience.PUBLIC, public_key="p" * 32)
    survey.q = build_questions(survey)
    url = reverse("surveys:public", args=[survey.public_key])
    likert = survey.q["likert"]
    anonymous_client.post(url, {f"q{likert.pk}": "5", "save": "1"})
    draft = Draft.objects.get()
    assert draft.invitation is None and draft.resume_key_hash
    assert anonymous_client.get(url).context["form"].initial[f"q{likert.pk}"] == 5
    assert anonymous_client.post(url, answers_for(survey) | {"submit": "1"}).status_code == 302
    assert Response.objects.count() == 1
    assert not Draft.objects.exists()
    assert "You have already answered" in anonymous_client.get(url).content.decode()


def test_public_submissions_are_rate_limited(settings):
    from django.test import Client

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "survey_public": "2/h/ip"}
    survey = SurveyFactory(audience=Audience.PUBLIC, public_key="r" * 32)
    survey.q = build_questions(survey)
    url = reverse("surveys:public", args=[survey.public_key])
    statuses = [Client().post(url, answers_for(survey) | {"submit": "1"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Response.objects.count() == 2
