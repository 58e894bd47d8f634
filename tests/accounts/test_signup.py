import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

SIGNUP = {
    "full_name": "  Anna   Verdi ",
    "email": "anna.verdi@example.org",
    "organisation_name": "Ortopedia Lariana S.r.l.",
    "organisation_kind": Organisation.Kind.SME,
    "password1": "a-sound-passphrase-42",
    "password2": "a-sound-passphrase-42",
    "accept_privacy": "on",
}


@pytest.fixture
def signup(client, django_capture_on_commit_callbacks):
    def post(data=None, language="it"):
        client.cookies["django_language"] = language
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("account_signup"), data or SIGNUP)

    return post


def test_signup_creates_a_member_with_their_organisation(db, signup):
    response = signup()

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="anna.verdi@example.org")
    assert user.full_name == "Anna Verdi"
    assert user.role == Role.MEMBER
    assert user.preferred_language == "it"
    assert user.organisation.name == "Ortopedia Lariana S.r.l."
    assert user.organisation.kind == Organisation.Kind.SME
    assert EmailAddress.objects.get(user=user).verified is False


def test_signup_sends_the_verification_email_in_the_page_language(db, signup):
    signup(language="en")

    assert User.objects.get(email="anna.verdi@example.org").preferred_language == "en"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna.verdi@example.org"]
    assert "Please Confirm Your Email Address" in message.subject
    assert re.search(r"/accounts/confirm-email/\S+/", message.body)


def test_signup_in_italian_writes_the_email_in_italian(db, signup):
    signup(language="it")

    assert "Conferma" in mail.outbox[0].subject


def test_signup_without_privacy_acknowledgement_writes_nothing(db, signup):
    data = {**SIGNUP}
    del data["accept_privacy"]

    response = signup(data, language="en")

    assert response.status_code == 200
    assert "Please confirm that you have read the privacy notice." in response.content.decode()
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("full_name", "   ", "This field is required."),
        ("organisation_kind", "spaceship", "Select a valid choice."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("password2", "something-else-entirely", "You must type the same password each time."),
    ],
)
def test_signup_errors_are_shown_next_to_the_field(db, signup, field, value, error):
    response = signup({**SIGNUP, field: value}, language="en")

    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_form_errors_speak_italian_by_default(db, signup):
    response = signup({**SIGNUP, "email": "not-an-email"}, language="it")

    assert "Inserisci un indirizzo email valido." in response.content.decode()


def test_signup_with_a_taken_email_creates_no_second_account(db, signup):
    UserFactory(email="anna.verdi@example.org")

    signup()

    assert User.objects.filter(email__iexact="anna.verdi@example.org").count() == 1
    assert Organisation.objects.filter(name="Ortopedia Lariana S.r.l.").count() == 0


def test_unverified_member_cannot_sign_in(db, client, signup):
    signup()
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "anna.verdi@example.org", "password": "a-sound-passphrase-42"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_the_verification_link_confirms_the_address_and_signs_in(db, client, signup):
    signup()
    link = re.search(r"(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)

    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="anna.verdi@example.org").verified is True
    assert client.get(reverse("dashboard")).status_code == 200


def test_verified_member_signs_in_with_email_and_password(db, client, member):
    response = client.post(reverse("account_login"), {"login": member.email.upper(), "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(member.pk)


def test_repeated_failed_logins_lock_the_account_for_a_while(db, client, member):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong-password"})
        assert "The email address and/or password you specified are not correct." in response.content.decode()

    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_attempts_from_one_address_are_capped(db, client, member, settings):
    client.cookies["django_language"] = "en"
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post(reverse("account_login"), {"login": f"nobody{i}@example.org", "password": "x"}).status_code
        for i in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    assert "Too many requests" in client.post(reverse("account_login"), {}).content.decode()
