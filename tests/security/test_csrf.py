"""CSRF on every state change.

Every URL pattern of the project (walked from ``get_resolver()``, so a new view
is covered the day it is added) is sent a POST and a DELETE by a signed-in
session of a persona that may use it, carrying the CSRF cookie as a victim's
browser would, but not the token a forged cross-site form cannot know. Each is
refused with 403 by Django's CSRF check, before the view runs, and nothing is
written to the database.

Then each view is "tried" with a valid token, to record which ones accept POST
(every other answers 405): the module checks that the known state changes are
among them.

Three views are exempt on purpose and checked for what protects them instead:
the metrics API (a bearer token in a header, never a cookie: it ignores the
session), and the two personal links answered without an account (a clinic
contact's feasibility request, a survey invitation: the secret token in the URL
is the proof a CSRF token would give, see docs/architecture.md).
"""

import logging
import re
import secrets

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import _client_for
from tests.security.routes import Route, project_routes
from tests.security.world import ADMIN

pytestmark = pytest.mark.django_db

# The views that do not use Django's CSRF check, each with what protects it instead.
CSRF_EXEMPT = {
    "metrics:api": "a bearer token in the Authorization header; no session, no cookie",
    "experts:feasibility_answer": "the personal link's secret token; no account",
    "surveys:invitation": "the personal link's secret token; the invitation's user, never the session's",
}

# Views a signed-in member uses (their own question, projects, introductions, account).
MEMBER_VIEWS = {
    "dashboard",
    "switch_language",
    "forum:ask",
    "forum:edit",
    "forum:comment",
    "forum:follow",
    "forum:flag",
    "forum:public_copy",
    "forum:accept",
    "forum:helpful",
    "forum:preview",
    "experts:request_counselling",
    "experts:introduction_new",
    "surveys:respond",
    "surveys:mine",
    "guidelines:subscription",
}
EXPERT_VIEWS = {
    "forum:expert_dashboard",
    "forum:decline",
    "forum:answer",
    "forum:board_answer",
    "forum:edit_answer",
    "forum:cosign",
    "forum:claim",
    "forum:conflict",
    "experts:edit_own_profile",
    "guidelines:mark_reviewed",
}
# No session at all: signing up, signing in, resetting a password, personal links.
ANONYMOUS_VIEWS = {
    "account_signup",
    "account_login",
    "account_reset_password",
    "account_reset_password_from_key",
    "account_confirm_email",
    "account_confirm_login_code",
    "surveys:public",
    *CSRF_EXEMPT,
}


def persona_for(name: str) -> str:
    """The persona whose session sends the forged request: one that may use the view."""
    if name in ANONYMOUS_VIEWS:
        return "anonymous"
    if name in MEMBER_VIEWS or name.startswith(("accounts:", "account_", "mfa_")):
        return "member"
    if name in EXPERT_VIEWS:
        return "expert"
    if name.startswith("admin:") or name in {"metrics:tokens", "metrics:token_revoke"}:
        return ADMIN
    return "staff"


ROUTES = project_routes()

# Which world object fills a pattern's ``pk`` (and ``item``), by URL name (prefix).
PK_OWNERS = [
    ("forum:faq_edit", "faq"),
    ("forum:decline", "assignment"),
    ("forum:cancel_assignment", "assignment"),
    ("forum:", "question"),
    ("experts:profile", "expert_profile"),
    ("experts:project", "project"),
    ("experts:request_counselling", "project"),
    ("experts:case", "case"),
    ("experts:clinic", "clinic"),
    ("experts:department", "clinic"),
    ("experts:population", "clinic"),
    ("experts:contact", "clinic"),
    ("experts:introduction", "introduction"),
    ("experts:investigation", "investigation"),
    ("guidelines:reply", "thread"),
    ("guidelines:resolve", "thread"),
    ("guidelines:pdf", "rendition"),
    ("guidelines:", "section"),
    ("surveys:", "survey"),
    ("metrics:report", "report"),
    ("metrics:token_revoke", "api_token"),
]
ITEM_OWNERS = {"department": "department", "population": "population", "contact": "contact"}


def _value(route: Route, kwarg: str, world) -> str:
    name = route.name
    if kwarg == "pk":
        owner = next(attribute for prefix, attribute in PK_OWNERS if name.startswith(prefix))
        return str(getattr(world, owner).pk)
    if kwarg == "item":
        return str(getattr(world, ITEM_OWNERS[name.split(":")[1].split("_")[0]]).pk)
    if kwarg in ("object_id", "id"):
        row = route.admin_model.objects.order_by("pk").first() if route.admin_model else None
        return str(row.pk) if row else "1"
    simple = {
        "question_pk": world.survey_question.pk if name.startswith("surveys:") else world.question.pk,
        "attachment_pk": world.attachment.pk,
        "answer_pk": world.answer.pk,
        "token": world.feasibility.token if name.startswith("experts:") else world.invitation_token,
        "key": world.public_survey.public_key if name.startswith("surveys:") else world.email_key,
        "number": world.version.number,
        "metric": "all",
        "extension": "json",
        "uidb36": world.reset_uid,
        "app_label": "forum",
        "content_type_id": "1",
        "url": "nothing-here/",
    }
    if kwarg == "key" and name == "account_reset_password_from_key":
        return world.reset_key
    return str(simple[kwarg])


ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_ARGUMENT = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def url_of(route: Route, world) -> str:
    """The route's path with every argument filled from the world."""
    path = REGEX_ARGUMENT.sub(lambda match: _value(route, match.group(1), world), route.path)
    path = ROUTE_ARGUMENT.sub(lambda match: _value(route, match.group(1), world), path)
    return "/" + path.replace("^", "").replace("$", "")


CSRF_COOKIE = "k" * 32


def forger(world, persona: str) -> Client:
    """A browser holding ``persona``'s session and the CSRF cookie, as a forged
    cross-site request carries them; it cannot read the token."""
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    client.cookies["csrftoken"] = CSRF_COOKIE
    return client


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def writes(queries) -> list[str]:
    return [query["sql"][:200] for query in queries if WRITE.match(query["sql"])]


PROTECTED = [route for route in ROUTES if route.name not in CSRF_EXEMPT]


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_a_state_change_without_the_csrf_token_is_refused_and_writes_nothing(route, world, caplog):
    client = forger(world, persona_for(route.name))
    url = url_of(route, world)

    with caplog.at_level(logging.WARNING, logger="django.security.csrf"), CaptureQueriesContext(connection) as queries:
        posted = client.post(url, {"body": "Testo inviato da un altro sito.", "title": "Contraffatto"})
        deleted = client.delete(url)

    assert (posted.status_code, deleted.status_code) == (403, 403)
    refusals = [record.getMessage() for record in caplog.records if record.name == "django.security.csrf"]
    assert refusals == [f"Forbidden (CSRF token missing.): {url}"] * 2
    assert writes(queries.captured_queries) == []


def test_every_route_is_enumerated_with_its_arguments(world):
    urls = {route.name: url_of(route, world) for route in ROUTES}

    assert len(ROUTES) > 150  # the portal's views, allauth's and the admin's
    assert urls["forum:accept"] == f"/forum/{world.question.pk}/answers/{world.answer.pk}/accept/"
    assert urls["guidelines:version"] == f"/guidelines/{world.version.number}/"
    assert urls["experts:contact_edit"] == f"/board/clinics/{world.clinic.pk}/contacts/{world.contact.pk}/edit/"
    assert urls["surveys:question_edit"] == f"/surveys/{world.survey.pk}/questions/{world.survey_question.pk}/edit/"
    for route in ROUTES:
        assert "<" not in urls[route.name] and "(?P" not in urls[route.name], route


def test_only_the_intended_views_are_exempt():
    exempt = {route.name for route in ROUTES if getattr(route.callback, "csrf_exempt", False)}

    assert exempt == set(CSRF_EXEMPT)


# Trying each view with a valid token: which ones accept POST.


def _tries_post(route, world) -> bool:
    client = _client_for(world.users[persona_for(route.name)]) if persona_for(route.name) != "anonymous" else Client()
    with transaction.atomic():
        response = client.post(url_of(route, world), {})
        transaction.set_rollback(True)
    return response.status_code != 405


def test_the_views_that_accept_post_include_every_known_state_change(world):
    portal_routes = [route for route in ROUTES if not route.name.startswith("admin:")]
    accepting = {route.name for route in portal_routes if _tries_post(route, world)}

    # A sample of the writes of each area, reached by POST; a forged one is refused above.
    assert {
        "account_signup",
        "account_login",
        "account_logout",
        "account_reset_password",
        "account_change_password",
        "switch_language",
        "accounts:profile",
        "forum:ask",
        "forum:answer",
        "forum:comment",
        "forum:accept",
        "forum:hide",
        "forum:assign",
        "experts:clinic_edit",
        "experts:contact_delete",
        "experts:introduction_new",
        "experts:investigation_stage",
        "guidelines:publish",
        "guidelines:request_pdf",
        "surveys:publish",
        "surveys:respond",
        "metrics:request_report",
        "metrics:tokens",
        "metrics:token_revoke",
    } <= accepting
    # Read-only pages refuse the method itself.
    assert {"forum:list", "experts:clinics", "guidelines:versions", "forum:attachment"}.isdisjoint(accepting)


# The exempt views


def test_the_metrics_api_ignores_cookies(world):
    url = reverse("metrics:api")
    signed_in = _client_for(world.users[ADMIN])  # a session, and a CSRF cookie
    signed_in.cookies["csrftoken"] = CSRF_COOKIE

    with CaptureQueriesContext(connection) as queries:
        without_token = signed_in.get(url)
        posted = signed_in.post(url, {"anything": "1"})
        with_token = signed_in.get(url, headers={"Authorization": f"Bearer {world.api_token_raw}"})

    # An administrator's session is no credential here: only the bearer token is.
    assert without_token.status_code == 401
    assert without_token.json()["error"] == "invalid_token"
    assert posted.status_code == 405
    assert with_token.status_code == 200
    for response in (without_token, posted, with_token):
        assert not response.cookies  # sets no cookie, touches no session
    # Its only write: the token's last use (at most once a minute).
    written = writes(queries.captured_queries)
    assert len(written) <= 1
    assert all(sql.startswith('UPDATE "metrics_apitoken"') for sql in written)


@pytest.mark.parametrize("name", ["experts:feasibility_answer", "surveys:invitation"])
def test_a_personal_link_needs_its_secret_whatever_the_session(name, world):
    client = forger(world, "member")  # signed in, cookie, no token: what a forger can make a victim send
    guessed = reverse(name, args=[secrets.token_urlsafe(32)])

    with CaptureQueriesContext(connection) as queries:
        response = client.post(guessed, {"answer": "interested", "submit": "1"})

    assert response.status_code == 404
    assert writes(queries.captured_queries) == []
