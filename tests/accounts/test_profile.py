import pytest
from django.urls import reverse

from portal.accounts.roles import Role
from tests.conftest import PERSONAS
from tests.factories import UserFactory


@pytest.mark.parametrize("persona", PERSONAS)
def test_dashboard_and_profile_need_a_signed_in_user(request, persona):
    client = request.getfixturevalue(persona)
    for url in (reverse("dashboard"), reverse("accounts:profile")):
        response = client.get(url)
        if persona == "anonymous_client":
            assert response.status_code == 302
            assert response["Location"] == f"{reverse('account_login')}?next={url}"
        else:
            assert response.status_code == 200


def test_dashboard_shows_the_users_own_data_only(member_client, member, other_member):
    page = member_client.get(reverse("dashboard")).content.decode()

    assert member.email in page
    assert "Brianza Medical Devices S.r.l." in page
    assert other_member.email not in page
    assert other_member.organisation.name not in page


def test_dashboard_offers_the_admin_site_to_administrators_only(admin_client, staff_client):
    assert reverse("admin:index") in admin_client.get(reverse("dashboard")).content.decode()
    assert reverse("admin:index") not in staff_client.get(reverse("dashboard")).content.decode()


def test_member_updates_name_and_language(member_client, member):
    response = member_client.post(
        reverse("accounts:profile"),
        {"full_name": " Giulia  Ferrari Rossi ", "preferred_language": "en", "notification_emails": "daily"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Giulia Ferrari Rossi"
    assert member.preferred_language == "en"
    assert member.notification_emails == "daily"
    page = member_client.get(reverse("accounts:profile")).content.decode()
    assert 'lang="en"' in page
    assert "Your profile has been saved." in page


def test_profile_with_blank_name_changes_nothing(member_client, member):
    response = member_client.post(
        reverse("accounts:profile"), {"full_name": "   ", "preferred_language": "en", "notification_emails": "daily"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]
    member.refresh_from_db()
    assert member.full_name == "Giulia Ferrari"
    assert member.preferred_language == "it"


def test_profile_cannot_change_role_or_organisation(member_client, member, other_member):
    member_client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Giulia",
            "preferred_language": "it",
            "role": Role.ADMINISTRATOR,
            "organisation": other_member.organisation_id,
        },
    )

    member.refresh_from_db()
    assert member.role == Role.MEMBER
    assert member.organisation_id != other_member.organisation_id


def test_profile_updates_are_rate_limited(member_client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "change_profile": "2/m/user"}
    statuses = [
        member_client.post(
            reverse("accounts:profile"),
            {"full_name": "Giulia", "preferred_language": "it", "notification_emails": "never"},
        ).status_code
        for _ in range(3)
    ]

    assert statuses == [302, 302, 429]


@pytest.mark.parametrize("rows", [1, 30])
def test_dashboard_query_count_does_not_grow_with_data(db, client_for, django_assert_max_num_queries, rows):
    users = [UserFactory(role=Role.ADMINISTRATOR, with_mfa=True) for _ in range(rows)]
    client = client_for(users[0])

    with django_assert_max_num_queries(8):
        assert client.get(reverse("dashboard")).status_code == 200
