import pytest
from django.urls import reverse


def test_switching_language_sets_the_cookie_and_returns_to_the_page(anonymous_client):
    response = anonymous_client.post(reverse("switch_language"), {"language": "en", "next": "/privacy/"})

    assert response.status_code == 302
    assert response["Location"] == "/privacy/"
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in anonymous_client.get("/privacy/").content.decode()


def test_switching_language_saves_the_preference_of_a_signed_in_user(member_client, member):
    member_client.post(reverse("switch_language"), {"language": "en", "next": "/"})

    member.refresh_from_db()
    assert member.preferred_language == "en"


def test_signed_in_user_reads_their_preferred_language_on_any_browser(client_for, member):
    member.preferred_language = "en"
    member.save()
    client = client_for(member)
    client.cookies["django_language"] = "it"

    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"])
def test_switching_language_never_redirects_off_site(anonymous_client, next_url):
    response = anonymous_client.post(reverse("switch_language"), {"language": "en", "next": next_url})

    assert response["Location"] == "/"


def test_unknown_language_is_refused(anonymous_client):
    response = anonymous_client.post(reverse("switch_language"), {"language": "xx", "next": "/"})

    assert response.status_code == 400
    assert "django_language" not in response.cookies


def test_switching_language_needs_post(anonymous_client):
    assert anonymous_client.get(reverse("switch_language")).status_code == 405


def test_switching_language_needs_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    assert client.post(reverse("switch_language"), {"language": "en"}).status_code == 403


def test_a_form_without_its_token_gets_a_friendly_page_in_italian(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("account_login"), {"login": "a@example.org", "password": "x"}
    )

    assert response.status_code == 403
    assert "Il modulo è scaduto" in response.content.decode()
