"""Administrators' API tokens: who reaches the pages, the token shown once,
only its hash stored, revoking, and finding a token's owner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.metrics import tokens
from portal.metrics.models import ApiToken, hash_api_token
from tests.conftest import PERSONAS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKENS_URL = reverse("metrics:tokens")


def revoke_url(token: ApiToken) -> str:
    return reverse("metrics:token_revoke", args=[token.pk])


EXPECTED_STATUS = {
    "anonymous_client": 302,
    "member_client": 403,
    "other_member_client": 403,
    "expert_client": 403,
    "staff_client": 403,
    "admin_client": 200,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_tokens_page_access(request, persona):
    client = request.getfixturevalue(persona)

    response = client.get(TOKENS_URL)

    assert response.status_code == EXPECTED_STATUS[persona]
    if persona == "anonymous_client":
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_and_revoke_refused_to_all_but_administrators(request, persona, administrator):
    if persona == "admin_client":
        return
    client = request.getfixturevalue(persona)
    token, _ = tokens.create_token(user=administrator, name="Regione")

    assert client.post(TOKENS_URL, {"name": "Mine"}).status_code == EXPECTED_STATUS[persona]
    assert client.get(revoke_url(token)).status_code == EXPECTED_STATUS[persona]
    assert client.post(revoke_url(token)).status_code == EXPECTED_STATUS[persona]
    assert list(ApiToken.objects.values_list("name", "revoked_at")) == [("Regione", None)]


def test_administrator_without_mfa_sent_to_set_it_up(client_for):
    administrator = UserFactory(role=Role.ADMINISTRATOR)

    response = client_for(administrator).get(TOKENS_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_create_token_shown_once_and_only_hash_stored(admin_client, administrator):
    response = admin_client.post(TOKENS_URL, {"name": "Cruscotto regionale"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    raw = response.context["created"]["raw"]
    assert raw.startswith("ctcc_")
    assert len(raw) == len("ctcc_") + 43
    assert raw in response.text
    assert (token.user, token.name, token.prefix, token.token_hash) == (
        administrator,
        "Cruscotto regionale",
        raw[:12],
        hash_api_token(raw),
    )
    # Nowhere else: not in a message, not in the database in clear, not on the list afterwards.
    assert list(response.context["messages"]) == []
    assert not any(raw in str(value) for value in ApiToken.objects.values().get().values())
    listed = admin_client.get(TOKENS_URL)
    assert raw not in listed.text
    assert "Cruscotto regionale" in listed.text
    assert f"{raw[:12]}…" in listed.text
    assert "no-store" in listed["Cache-Control"]


def test_create_token_needs_a_name(admin_client):
    response = admin_client.post(TOKENS_URL, {"name": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["created"] is None
    assert ApiToken.objects.count() == 0


def test_create_token_rate_limited(admin_client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api_token_create": "2/h/user"}
    for n in range(2):
        assert admin_client.post(TOKENS_URL, {"name": f"Token {n}"}).status_code == 200

    assert admin_client.post(TOKENS_URL, {"name": "One too many"}).status_code == 429
    assert ApiToken.objects.count() == 2


def test_list_shows_own_tokens_only(admin_client, administrator):
    tokens.create_token(user=administrator, name="Mio")
    tokens.create_token(user=UserFactory(role=Role.ADMINISTRATOR, with_mfa=True), name="Di un altro")

    response = admin_client.get(TOKENS_URL)

    assert [token.name for token in response.context["tokens"]] == ["Mio"]
    assert "Di un altro" not in response.text


@pytest.mark.parametrize("count", [1, 5])
def test_list_query_count(admin_client, administrator, django_assert_max_num_queries, count):
    for n in range(count):
        token, _ = tokens.create_token(user=administrator, name=f"Token {n}")
    tokens.revoke_token(token=token, user=administrator)

    with django_assert_max_num_queries(12):
        response = admin_client.get(TOKENS_URL)

    assert len(response.context["tokens"]) == count


def test_revoke_after_confirmation(admin_client, administrator):
    token, raw = tokens.create_token(user=administrator, name="Regione")

    confirmation = admin_client.get(revoke_url(token))
    assert confirmation.status_code == 200
    assert "Regione" in confirmation.text
    token.refresh_from_db()
    assert token.revoked_at is None

    response = admin_client.post(revoke_url(token))

    assert response.status_code == 302
    assert response["Location"] == TOKENS_URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.user_for_token(raw) is None


def test_another_administrator_cannot_revoke_my_token(administrator, client_for):
    token, _ = tokens.create_token(user=administrator, name="Regione")
    other = client_for(UserFactory(role=Role.ADMINISTRATOR, with_mfa=True))

    assert other.get(revoke_url(token)).status_code == 404
    assert other.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_service_refuses_others_token(administrator):
    token, _ = tokens.create_token(user=administrator, name="Regione")

    with pytest.raises(tokens.ApiTokenError):
        tokens.revoke_token(token=token, user=UserFactory(role=Role.ADMINISTRATOR))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_create_service_refuses_non_administrators(staff_user):
    with pytest.raises(tokens.ApiTokenError):
        tokens.create_token(user=staff_user, name="Staff")
    assert ApiToken.objects.count() == 0


def test_user_for_token_finds_active_administrator(administrator):
    _, raw = tokens.create_token(user=administrator, name="Regione")

    assert tokens.user_for_token(raw) == administrator
    assert tokens.user_for_token(f"  {raw} ") == administrator


def test_user_for_token_unknown_or_malformed():
    assert tokens.user_for_token("ctcc_" + "x" * 43) is None
    assert tokens.user_for_token("") is None
    assert tokens.user_for_token("not-a-token") is None


def test_user_for_token_revoked(administrator):
    token, raw = tokens.create_token(user=administrator, name="Regione")
    tokens.revoke_token(token=token, user=administrator)

    assert tokens.user_for_token(raw) is None


def test_user_for_token_inactive_owner(administrator):
    _, raw = tokens.create_token(user=administrator, name="Regione")
    administrator.is_active = False
    administrator.save(update_fields=["is_active"])

    assert tokens.user_for_token(raw) is None


def test_user_for_token_owner_no_longer_administrator(administrator):
    _, raw = tokens.create_token(user=administrator, name="Regione")
    administrator.role = Role.STAFF
    administrator.save(update_fields=["role"])

    assert tokens.user_for_token(raw) is None


def test_last_used_updated_at_most_once_a_minute(administrator, monkeypatch, django_assert_num_queries):
    token, raw = tokens.create_token(user=administrator, name="Regione")
    start = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: start)

    with django_assert_num_queries(2):  # the token with its owner, the update
        tokens.user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == start

    monkeypatch.setattr("django.utils.timezone.now", lambda: start + timedelta(seconds=59))
    with django_assert_num_queries(1):  # read only
        tokens.user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == start

    later = start + timedelta(seconds=61)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    tokens.user_for_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_profile_links_tokens_for_administrators_only(admin_client, staff_client):
    link = f'href="{TOKENS_URL}"'

    admin_page = admin_client.get(reverse("accounts:profile"))
    assert link in admin_page.text
    assert "Authorization: Bearer" in admin_page.text
    assert link not in staff_client.get(reverse("accounts:profile")).text
