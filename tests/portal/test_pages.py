import pytest
from django.urls import reverse

from experts.models import Topic
from tests.conftest import PERSONAS


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", ["home", "privacy", "accessibility"])
def test_public_pages_open_for_everyone(request, persona, url_name):
    response = request.getfixturevalue(persona).get(reverse(url_name))

    assert response.status_code == 200


def test_home_speaks_italian_by_default_and_lists_the_taxonomy(anonymous_client):
    page = anonymous_client.get(reverse("home")).content.decode()

    assert '<html lang="it">' in page
    assert "Centro di competenza per le sperimentazioni cliniche" in page
    assert "Percorso regolatorio e classificazione del dispositivo" in page
    assert Topic.objects.count() == 12


def test_home_in_english_when_the_visitor_chose_it(anonymous_client):
    anonymous_client.cookies["django_language"] = "en"

    page = anonymous_client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in page
    assert "Clinical Trials Competence Centre" in page
    assert "Regulatory pathway and device classification" in page


def test_home_follows_the_browser_language(anonymous_client):
    page = anonymous_client.get(reverse("home"), headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()

    assert '<html lang="en">' in page


def test_inactive_topics_are_not_listed(anonymous_client):
    Topic.objects.filter(slug="usability").update(is_active=False)

    page = anonymous_client.get(reverse("home")).content.decode()

    assert "Usabilità e fattori umani" not in page


@pytest.mark.parametrize(("language", "title"), [("it", "Informativa sul trattamento"), ("en", "Privacy notice")])
def test_privacy_notice_in_each_language(anonymous_client, settings, language, title):
    settings.CENTRE_PRIVACY_EMAIL = "dpo@centre.example.org"
    anonymous_client.cookies["django_language"] = language

    page = anonymous_client.get(reverse("privacy")).content.decode()

    assert title in page
    assert "mailto:dpo@centre.example.org" in page


@pytest.mark.parametrize(
    ("language", "title"), [("it", "Dichiarazione di accessibilità"), ("en", "Accessibility statement")]
)
def test_accessibility_statement_in_each_language(anonymous_client, language, title):
    anonymous_client.cookies["django_language"] = language

    assert f"<h1>{title}</h1>" in anonymous_client.get(reverse("accessibility")).content.decode()


def test_footer_links_to_privacy_and_accessibility(anonymous_client):
    page = anonymous_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("privacy")}"' in page
    assert f'href="{reverse("accessibility")}"' in page


def test_navigation_offers_my_area_only_when_signed_in(anonymous_client, member_client):
    assert f'href="{reverse("dashboard")}"' not in anonymous_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboard")}"' in member_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("topics", [1, 30])
def test_home_query_count_does_not_grow_with_topics(anonymous_client, django_assert_max_num_queries, topics):
    Topic.objects.bulk_create(
        Topic(slug=f"extra-{i}", name_it=f"Tema {i}", name_en=f"Topic {i}") for i in range(topics)
    )

    with django_assert_max_num_queries(2):
        anonymous_client.get(reverse("home"))


def test_home_query_count_signed_in(member_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        member_client.get(reverse("home"))


def test_content_security_policy_forbids_inline_code(anonymous_client):
    policy = anonymous_client.get(reverse("home"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].split()[0] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_carry_no_inline_script_or_style(anonymous_client, member_client):
    for client in (anonymous_client, member_client):
        for url in (reverse("home"), reverse("account_login"), reverse("account_signup"), reverse("privacy")):
            page = client.get(url).content.decode()
            assert "<script>" not in page
            assert " style=" not in page
            assert "<style" not in page


def test_unknown_page_is_a_friendly_404(anonymous_client):
    response = anonymous_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_health_check_answers_without_redirect(anonymous_client):
    response = anonymous_client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"


def test_health_check_answers_a_probes_head_and_refuses_a_post(anonymous_client):
    assert anonymous_client.head(reverse("healthz")).status_code == 200
    assert anonymous_client.post(reverse("healthz")).status_code == 405


def test_request_for_an_unknown_host_is_a_400_not_a_500(anonymous_client):
    response = anonymous_client.get(reverse("home"), headers={"host": "evil.example.com"})

    assert response.status_code == 400
    assert "Richiesta non valida" in response.content.decode()
