"""The signed-in user of each request, read from the cache
(portal/accounts/backends.py): no query while nothing changed, and every
committed change to an account takes effect on the next request. The tests
commit, as production does: a change is only seen once committed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.models import User
from portal.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def _user_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, sum('FROM "accounts_user"' in query["sql"] for query in queries)


def test_the_user_is_read_once_while_nothing_changes(cache_on, member_client):
    assert _user_queries(member_client, reverse("dashboard")) == (200, 1)
    assert _user_queries(member_client, reverse("dashboard")) == (200, 0)


def test_without_the_cache_every_request_reads_the_user(settings, member_client):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert _user_queries(member_client, reverse("dashboard")) == (200, 1)


def test_a_deactivated_account_is_signed_out_on_its_next_request(cache_on, member, member_client):
    member_client.get(reverse("dashboard"))

    User.objects.filter(pk=member.pk).update(is_active=False)  # a bulk update, no signal

    response = member_client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_new_password_signs_out_the_other_sessions(cache_on, member, member_client):
    member_client.get(reverse("dashboard"))

    member.set_password("a-new-passphrase-2026")
    member.save()

    assert member_client.get(reverse("dashboard")).status_code == 302


def test_a_changed_role_takes_effect_on_the_next_request(cache_on, member, member_client):
    staff_page = reverse("forum:moderation")
    assert member_client.get(staff_page).status_code == 403

    User.objects.filter(pk=member.pk).update(role=Role.STAFF)

    # Staff must set up two-factor authentication before their pages open.
    response = member_client.get(staff_page)
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp"))
