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
from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guidelines.models import Rendition
from portal.accounts.roles import Role
from portal.metrics import tokens
from portal.metrics.models import Report
from portal.surveys import services as survey_services
from portal.surveys.models import Audience, Invitation
from portal.surveys.models import Question as SurveyQuestion
from tests.conftest import _client_for
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    CounsellingCaseFactory,
    DepartmentFactory,
    FAQEntryFactory,
    FundedProjectFactory,
    OrganisationFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.forum import ExpertFactory, add_pdf
from tests.factories.guidelines import DraftFactory, SectionFactory, published_version
from tests.factories.introductions import (
    FacilitatedInvestigationFactory,
    FeasibilityRequestFactory,
    IntroductionFactory,
)
from tests.factories.surveys import QuestionFactory as SurveyQuestionFactory
from tests.factories.surveys import SurveyFactory
from tests.security.routes import Route, project_routes, ready_pdf

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
        return "administrator"
    return "staff"


ROUTES = project_routes()

# Which scene object fills a pattern's ``pk`` (and ``item``), by URL name (prefix).
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


def _value(route: Route, kwarg: str, scene) -> str:
    name = route.name
    if kwarg == "pk":
        owner = next(attribute for prefix, attribute in PK_OWNERS if name.startswith(prefix))
        return str(getattr(scene, owner).pk)
    if kwarg == "item":
        return str(getattr(scene, ITEM_OWNERS[name.split(":")[1].split("_")[0]]).pk)
    if kwarg in ("object_id", "id"):
        row = route.admin_model.objects.order_by("pk").first() if route.admin_model else None
        return str(row.pk) if row else "1"
    simple = {
        "question_pk": scene.survey_question.pk if name.startswith("surveys:") else scene.question.pk,
        "attachment_pk": scene.attachment.pk,
        "answer_pk": scene.answer.pk,
        "token": scene.feasibility.token if name.startswith("experts:") else scene.invitation_token,
        "key": scene.public_survey.public_key if name.startswith("surveys:") else scene.email_key,
        "number": scene.version.number,
        "metric": "all",
        "extension": "json",
        "uidb36": scene.reset_uid,
        "app_label": "forum",
        "content_type_id": "1",
        "url": "nothing-here/",
    }
    if kwarg == "key" and name == "account_reset_password_from_key":
        return scene.reset_key
    return str(simple[kwarg])


ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_ARGUMENT = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")


def url_of(route: Route, scene) -> str:
    """The route's path with every argument filled from the scene."""
    path = REGEX_ARGUMENT.sub(lambda match: _value(route, match.group(1), scene), route.path)
    path = ROUTE_ARGUMENT.sub(lambda match: _value(route, match.group(1), scene), path)
    return "/" + path.replace("^", "").replace("$", "")


def _build_scene() -> SimpleNamespace:
    s = SimpleNamespace()
    organisation = OrganisationFactory(name="Brianza Medical Devices S.r.l.")
    s.users = {
        "member": UserFactory(role=Role.MEMBER, organisation=organisation),
        "expert": ExpertFactory(with_mfa=True),
        "staff": UserFactory(role=Role.STAFF, organisation=None, with_mfa=True),
        "administrator": UserFactory(role=Role.ADMINISTRATOR, organisation=None, with_mfa=True),
    }
    member, expert, staff = s.users["member"], s.users["expert"], s.users["staff"]
    s.expert_profile = expert.expert_profile
    s.question = QuestionFactory(author=member, title="Domanda della Brianza sul percorso")
    s.attachment = add_pdf(s.question)
    s.answer = AnswerFactory(question=s.question, author=expert)
    s.assignment = AssignmentFactory(question=QuestionFactory(author=member), expert=expert, assigned_by=staff)
    s.faq = FAQEntryFactory()
    s.project = FundedProjectFactory(beneficiaries=[organisation])
    s.case = CounsellingCaseFactory(project=s.project, requested_by=member, experts=[expert])
    s.clinic = ClinicFactory()
    s.department = DepartmentFactory(clinic=s.clinic)
    s.population = ClinicalPopulationFactory(clinic=s.clinic)
    s.contact = ClinicContactFactory(clinic=s.clinic)
    s.introduction = IntroductionFactory(organisation=organisation, requested_by=member, clinics=[s.clinic], sent=True)
    s.feasibility = FeasibilityRequestFactory(introduction=s.introduction, contact=s.contact)
    s.investigation = FacilitatedInvestigationFactory(sponsor=organisation, clinics=[s.clinic])
    s.version = published_version(sections=2)
    draft = DraftFactory(based_on=s.version, revision=2)
    s.section = SectionFactory(version=draft)
    from guidelines import services as guideline_services

    s.thread = guideline_services.start_thread(section=s.section, by=expert, body="Da rivedere.")
    s.rendition = ready_pdf(Rendition(version=s.version, language="it", revision=s.version.revision), "linee-guida.pdf")
    s.survey = SurveyFactory(created_by=staff, audience=Audience.MEMBERS)
    s.survey_question = SurveyQuestionFactory(survey=s.survey, kind=SurveyQuestion.Kind.TEXT)
    s.invitation_token, hashed = survey_services.new_token()
    Invitation.objects.create(survey=s.survey, user=member, token_hash=hashed)
    s.public_survey = SurveyFactory(audience=Audience.PUBLIC, public_key=secrets.token_urlsafe(16))
    today = timezone.localdate()
    s.report = ready_pdf(
        Report(period_start=today - timedelta(days=180), period_end=today, language="it", requested_by=staff),
        "relazione.pdf",
    )
    s.api_token, s.api_token_raw = tokens.create_token(user=s.users["administrator"], name="Regione")
    address = EmailAddress.objects.create(user=member, email="nuovo@example.org", verified=False)
    s.email_key = EmailConfirmationHMAC(address).key
    s.reset_uid, s.reset_key = user_pk_to_url_str(member), default_token_generator.make_token(member)
    return s


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """One set of rows for the module, rolled back at its end; each test runs in a
    transaction of its own inside it (``pytestmark``), rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_scene()
        transaction.set_rollback(True)


CSRF_COOKIE = "k" * 32


def forger(scene, persona: str) -> Client:
    """A browser holding ``persona``'s session and the CSRF cookie, as a forged
    cross-site request carries them; it cannot read the token."""
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        client.force_login(scene.users[persona])
    client.cookies["csrftoken"] = CSRF_COOKIE
    return client


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def writes(queries) -> list[str]:
    return [query["sql"][:200] for query in queries if WRITE.match(query["sql"])]


PROTECTED = [route for route in ROUTES if route.name not in CSRF_EXEMPT]


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_a_state_change_without_the_csrf_token_is_refused_and_writes_nothing(route, scene, caplog):
    client = forger(scene, persona_for(route.name))
    url = url_of(route, scene)

    with caplog.at_level(logging.WARNING, logger="django.security.csrf"), CaptureQueriesContext(connection) as queries:
        posted = client.post(url, {"body": "Testo inviato da un altro sito.", "title": "Contraffatto"})
        deleted = client.delete(url)

    assert (posted.status_code, deleted.status_code) == (403, 403)
    refusals = [record.getMessage() for record in caplog.records if record.name == "django.security.csrf"]
    assert refusals == [f"Forbidden (CSRF token missing.): {url}"] * 2
    assert writes(queries.captured_queries) == []


def test_every_route_is_enumerated_with_its_arguments(scene):
    urls = {route.name: url_of(route, scene) for route in ROUTES}

    assert len(ROUTES) > 150  # the portal's views, allauth's and the admin's
    assert urls["forum:accept"] == f"/forum/{scene.question.pk}/answers/{scene.answer.pk}/accept/"
    assert urls["guidelines:version"] == f"/guidelines/{scene.version.number}/"
    assert urls["experts:contact_edit"] == f"/board/clinics/{scene.clinic.pk}/contacts/{scene.contact.pk}/edit/"
    assert urls["surveys:question_edit"] == f"/surveys/{scene.survey.pk}/questions/{scene.survey_question.pk}/edit/"
    for route in ROUTES:
        assert "<" not in urls[route.name] and "(?P" not in urls[route.name], route


def test_only_the_intended_views_are_exempt():
    exempt = {route.name for route in ROUTES if getattr(route.callback, "csrf_exempt", False)}

    assert exempt == set(CSRF_EXEMPT)


# Trying each view with a valid token: which ones accept POST.


def _tries_post(route, scene) -> bool:
    client = _client_for(scene.users[persona_for(route.name)]) if persona_for(route.name) != "anonymous" else Client()
    with transaction.atomic():
        response = client.post(url_of(route, scene), {})
        transaction.set_rollback(True)
    return response.status_code != 405


def test_the_views_that_accept_post_include_every_known_state_change(scene):
    portal_routes = [route for route in ROUTES if not route.name.startswith("admin:")]
    accepting = {route.name for route in portal_routes if _tries_post(route, scene)}

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


def test_the_metrics_api_ignores_cookies(scene):
    url = reverse("metrics:api")
    signed_in = _client_for(scene.users["administrator"])  # a session, and a CSRF cookie
    signed_in.cookies["csrftoken"] = CSRF_COOKIE

    with CaptureQueriesContext(connection) as queries:
        without_token = signed_in.get(url)
        posted = signed_in.post(url, {"anything": "1"})
        with_token = signed_in.get(url, headers={"Authorization": f"Bearer {scene.api_token_raw}"})

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
def test_a_personal_link_needs_its_secret_whatever_the_session(name, scene):
    client = forger(scene, "member")  # signed in, cookie, no token: what a forger can make a victim send
    guessed = reverse(name, args=[secrets.token_urlsafe(32)])

    with CaptureQueriesContext(connection) as queries:
        response = client.post(guessed, {"answer": "interested", "submit": "1"})

    assert response.status_code == 404
    assert writes(queries.captured_queries) == []
