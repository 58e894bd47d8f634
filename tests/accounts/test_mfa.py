import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

PRIVILEGED = [Role.EXPERT, Role.STAFF, Role.ADMINISTRATOR]


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def confirm_password(client):
    """allauth asks for the password again before a security change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("role", PRIVILEGED)
@pytest.mark.parametrize("url_name", ["dashboard", "accounts:profile", "admin:index"])
def test_privileged_role_without_mfa_is_sent_to_enable_it(db, client_for, role, url_name):
    client = client_for(UserFactory(role=role))

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_without_mfa_may_still_read_public_pages_and_set_up_mfa(db, client, role):
    response = sign_in(client, UserFactory(role=role))

    # After signing in they land on the set-up page, not the dashboard.
    assert client.get(response["Location"])["Location"] == reverse("mfa_activate_totp")
    confirm_password(client)

    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@pytest.mark.parametrize("role", PRIVILEGED)
def test_privileged_role_with_mfa_reaches_the_dashboard(db, client_for, role):
    client = client_for(UserFactory(role=role, with_mfa=True))

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.context["mfa_enabled"] is True


def test_member_without_mfa_reaches_the_dashboard(member_client):
    response = member_client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert response.context["mfa_enabled"] is False


def test_enabling_totp_opens_the_dashboard(db, client):
    sign_in(client, UserFactory(role=Role.EXPERT))
    confirm_password(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_in_with_mfa_asks_for_the_code(db, client):
    expert = UserFactory(role=Role.EXPERT, with_mfa=True)

    response = client.post(reverse("account_login"), {"login": expert.email, "password": PASSWORD})

    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(expert.totp_secret)})
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(expert.pk)


def test_wrong_totp_code_does_not_sign_in(db, client):
    expert = UserFactory(role=Role.EXPERT, with_mfa=True)
    client.post(reverse("account_login"), {"login": expert.email, "password": PASSWORD})

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member_client", 403),
        ("other_member_client", 403),
        ("expert_client", 403),
        ("staff_client", 403),
        ("admin_client", 200),
    ],
)
def test_only_administrators_use_the_admin_site(request, persona, expected):
    client = request.getfixturevalue(persona)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == expected


def test_anonymous_visitor_of_the_admin_is_sent_to_the_portal_login(anonymous_client):
    response = anonymous_client.get(reverse("admin:index"), follow=True)

    # The admin has no login form of its own: the portal's, rate-limited, with MFA.
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == 200


def test_admin_login_page_sends_to_the_portal_login(anonymous_client):
    response = anonymous_client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
