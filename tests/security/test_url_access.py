"""Every URL of the project, for every persona: nothing is reachable beyond its role.

The table ``ACCESS`` below is the specification: one entry per URL name saying
who may use it. ``test_every_url_pattern_has_an_access_rule`` walks the URL
resolver and fails for a pattern without an entry (or an entry without a
pattern), so that nobody adds a view without deciding who may use it.

Each URL is then requested by each persona (anonymous, ``member``,
``other_member`` of another organisation, ``expert``, ``staff``,
``administrator``): with GET, and with POST (empty or minimal data, a valid
CSRF token) for the views that change state. An allowed persona gets a page
(2xx), a redirect somewhere other than the sign-in or MFA set-up pages, or a
400 form error for an empty POST; a refused one gets exactly the refusal the
rule names: anonymous visitors a redirect to sign in (or 403/404 where the
rule says so), signed-in users 403 (a role's area) or 404 (an object they may
not know exists). The entry also names the methods a view serves: any other
must answer 405 (or the refusal, when the access check comes first).

The objects named in URLs are the ``member``'s organisation's (a confidential
question, its attachment and answer, a counselling case, an introduction, an
investigation), so that the other organisation's member shows the object-level
refusals; tests/security/test_object_access.py checks what such pages show.

One set of rows serves the whole module (built once inside a transaction that
is rolled back at the end); each request runs in a savepoint of its own, rolled
back after it, so that a POST by one persona does not change what the next one
finds.
"""

from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import _client_for
from tests.security.routes import project_routes
from tests.security.world import ADMIN, ANONYMOUS, EXPERT, MEMBER, OTHER_MEMBER, PERSONAS, STAFF

pytestmark = pytest.mark.django_db

# A fixed CSRF token (the cookie's secret, sent back unmasked in the form, which Django accepts).
CSRF_TOKEN = "s" * 32


@pytest.fixture(scope="module")
def world(world, django_db_blocker):
    """The shared world (tests/security/conftest.py), with each persona's client."""
    with django_db_blocker.unblock():
        world.clients = {ANONYMOUS: Client(enforce_csrf_checks=True)}
        for persona, user in world.users.items():
            client = _client_for(user)
            client.handler.enforce_csrf_checks = True
            world.clients[persona] = client
    for client in world.clients.values():
        client.cookies["csrftoken"] = CSRF_TOKEN
    world.cookies = {
        persona: {name: morsel.value for name, morsel in client.cookies.items()}
        for persona, client in world.clients.items()
    }
    return world


# The rules: what each persona gets. OK is "allowed"; LOGIN a redirect to sign in.

OK = "ok"
LOGIN = "login"
LETTERS = {"A": ANONYMOUS, "M": MEMBER, "O": OTHER_MEMBER, "E": EXPERT, "S": STAFF, "D": ADMIN}


def rule(allowed: str, *, refused: int = 403, anonymous: str | int = LOGIN, **exceptions) -> dict:
    """Who may use a URL: ``allowed`` in persona letters (A anonymous, M member,
    O member of another organisation, E expert, S staff, D administrator);
    the other signed-in personas get ``refused``, an anonymous visitor
    ``anonymous``; ``exceptions`` name a persona's own answer."""
    expected = {}
    for letter, persona in LETTERS.items():
        if letter in allowed.split():
            expected[persona] = OK
        else:
            expected[persona] = anonymous if persona == ANONYMOUS else refused
    return expected | exceptions


PUBLIC = rule("A M O E S D")
SIGNED_IN = rule("M O E S D")
MEMBERS = rule("M O")  # members' capabilities: ask, request introductions
EXPERTS = rule("E")  # the board's own work: answer, claim, co-sign, their dashboard
BOARD = rule("E S D")  # the board and the centre's staff: the draft, introductions
CENTRE_STAFF = rule("S D")  # staff's capabilities (moderate, triage, directory, surveys, metrics)
ADMINS = rule("D")
# A secret link (a token in the URL) is the access: whoever holds it, signed in or not.
TOKEN = PUBLIC
# An object of the member's organisation that the board and staff see too;
# another organisation's member (and an anonymous visitor) are told it does not exist.
OWN_ORG = rule("M E S D", refused=404)
OWN_ORG_PUBLIC_URL = rule("M E S D", refused=404, anonymous=404)  # views open to anonymous visitors
# Work on an object of the member's organisation: its member may read but not act (403).
OWN_ORG_BOARD_WORK = rule("E S D", refused=404, member=403)


@dataclass(frozen=True)
class Entry:
    """One URL name's access rule; ``args`` name attributes of the world
    (their ``pk``, or the value itself for strings); ``methods`` the ones it serves."""

    expected: dict
    args: tuple = ()
    methods: str = "GET"
    query: str = ""
    data: dict = field(default_factory=dict)


def E(expected: dict, *args: str, methods: str = "GET", query: str = "", **data) -> Entry:
    return Entry(expected, args, methods, query, data)


GP = "GET POST"
# A library's view that does not restrict the method: a POST is read as a GET, and changes nothing.
ANY = "GET POST"

ACCESS: dict[str, Entry] = {
    # The portal's pages.
    "home": E(PUBLIC),
    "privacy": E(PUBLIC),
    "accessibility": E(PUBLIC),
    "switch_language": E(PUBLIC, methods="POST", language="en", next="/"),
    "dashboard": E(SIGNED_IN),
    "healthz": E(PUBLIC),
    # The forum.
    "forum:list": E(PUBLIC),
    "forum:ask": E(MEMBERS, methods=GP),
    "forum:similar": E(PUBLIC, query="title=Domanda"),
    "forum:preview": E(SIGNED_IN, methods="POST", body="Testo"),
    "forum:feed": E(PUBLIC),
    "forum:faq": E(PUBLIC),
    "forum:faq_new": E(CENTRE_STAFF, methods=GP),
    "forum:faq_edit": E(CENTRE_STAFF, "faq", methods=GP),
    "forum:moderation": E(CENTRE_STAFF, methods=GP),
    "forum:expert_dashboard": E(EXPERTS),
    "forum:triage": E(CENTRE_STAFF),
    "forum:decline": E(EXPERTS, "assignment", methods="POST"),
    "forum:cancel_assignment": E(CENTRE_STAFF, "assignment", methods="POST"),
    "forum:question": E(OWN_ORG_PUBLIC_URL, "question"),
    "forum:edit": E(rule("M S D", refused=404), "question", methods=GP),
    "forum:answer": E(EXPERTS, "question", methods="POST"),
    "forum:board_answer": E(EXPERTS, "question", methods=GP),
    "forum:comment": E(OWN_ORG, "question", methods="POST"),
    "forum:follow": E(OWN_ORG, "question", methods="POST"),
    "forum:flag": E(OWN_ORG, "question", methods="POST"),
    # Only the asker makes a public copy of their confidential question.
    "forum:public_copy": E(rule("M", refused=404), "question", methods=GP),
    "forum:close": E(CENTRE_STAFF, "question", methods=GP),
    "forum:reopen": E(CENTRE_STAFF, "question", methods="POST"),
    "forum:hide": E(CENTRE_STAFF, "question", methods="POST"),
    "forum:history": E(CENTRE_STAFF, "question"),
    "forum:assign": E(CENTRE_STAFF, "question", methods=GP),
    "forum:claim": E(EXPERTS, "question", methods="POST"),
    "forum:conflict": E(EXPERTS, "question", methods="POST"),
    "forum:to_faq": E(CENTRE_STAFF, "question", methods=GP),
    "forum:attachment": E(OWN_ORG_PUBLIC_URL, "question", "attachment"),
    # The expert's own answer: its author and moderators.
    "forum:edit_answer": E(rule("E S D", refused=404), "question", "answer", methods=GP),
    "forum:accept": E(OWN_ORG, "question", "answer", methods="POST"),
    "forum:helpful": E(OWN_ORG, "question", "answer", methods="POST"),
    "forum:cosign": E(EXPERTS, "question", "answer", methods="POST"),
    # The board and counselling.
    "experts:board": E(PUBLIC),
    "experts:edit_own_profile": E(EXPERTS, methods=GP),
    "experts:invite": E(CENTRE_STAFF, methods=GP),
    "experts:profile": E(PUBLIC, "expert_profile"),
    "experts:projects": E(PUBLIC),
    "experts:project_new": E(CENTRE_STAFF, methods=GP),
    "experts:project": E(PUBLIC, "project"),
    "experts:project_edit": E(CENTRE_STAFF, "project", methods=GP),
    # A member of one of the project's beneficiaries.
    "experts:request_counselling": E(rule("M"), "project", methods=GP),
    "experts:cases": E(SIGNED_IN),
    "experts:case": E(OWN_ORG, "case"),
    "experts:case_assign": E(CENTRE_STAFF, "case", methods="POST"),
    # Staff, and the experts assigned to the case.
    "experts:case_meeting": E(OWN_ORG_BOARD_WORK, "case", methods="POST"),
    "experts:case_close": E(OWN_ORG_BOARD_WORK, "case", methods="POST"),
    # The clinical network's directory.
    "experts:clinics": E(PUBLIC),
    "experts:clinic_new": E(CENTRE_STAFF, methods=GP),
    "experts:clinic": E(PUBLIC, "clinic"),
    "experts:clinic_edit": E(CENTRE_STAFF, "clinic", methods=GP),
    "experts:clinic_delete": E(CENTRE_STAFF, "clinic", methods=GP),
    "experts:department_new": E(CENTRE_STAFF, "clinic", methods=GP),
    "experts:department_edit": E(CENTRE_STAFF, "clinic", "department", methods=GP),
    "experts:department_delete": E(CENTRE_STAFF, "clinic", "department", methods=GP),
    "experts:population_new": E(CENTRE_STAFF, "clinic", methods=GP),
    "experts:population_edit": E(CENTRE_STAFF, "clinic", "population", methods=GP),
    "experts:population_delete": E(CENTRE_STAFF, "clinic", "population", methods=GP),
    "experts:contact_new": E(CENTRE_STAFF, "clinic", methods=GP),
    "experts:contact_edit": E(CENTRE_STAFF, "clinic", "contact", methods=GP),
    "experts:contact_delete": E(CENTRE_STAFF, "clinic", "contact", methods=GP),
    # Introductions and facilitated investigations.
    "experts:introductions": E(SIGNED_IN),
    "experts:introduction_new": E(MEMBERS, methods=GP),
    "experts:introduction": E(OWN_ORG, "introduction"),
    "experts:introduction_send": E(OWN_ORG_BOARD_WORK, "introduction", methods="POST"),
    "experts:introduction_clinics": E(OWN_ORG_BOARD_WORK, "introduction", methods="POST"),
    "experts:introduction_close": E(OWN_ORG_BOARD_WORK, "introduction", methods="POST"),
    "experts:feasibility_answer": E(TOKEN, "feasibility_token", methods=GP),
    "experts:investigations": E(SIGNED_IN),
    "experts:investigation_new": E(BOARD, methods=GP, query="introduction={introduction}"),
    "experts:investigation": E(OWN_ORG, "investigation"),
    "experts:investigation_stage": E(OWN_ORG_BOARD_WORK, "investigation", methods="POST"),
    "experts:investigation_edit": E(OWN_ORG_BOARD_WORK, "investigation", methods="POST"),
    # The guidelines: published versions for everyone, the draft for the board.
    "guidelines:current": E(PUBLIC),
    "guidelines:version": E(PUBLIC, "version_number"),
    "guidelines:versions": E(PUBLIC),
    "guidelines:feed": E(PUBLIC),
    "guidelines:compare": E(PUBLIC),
    "guidelines:subscription": E(SIGNED_IN, methods="POST"),
    "guidelines:draft": E(BOARD),
    "guidelines:edit_title": E(CENTRE_STAFF, methods=GP),
    "guidelines:add_section": E(CENTRE_STAFF, methods=GP),
    "guidelines:edit_section": E(CENTRE_STAFF, "section", methods=GP),
    "guidelines:move_section": E(CENTRE_STAFF, "section", methods="POST"),
    "guidelines:delete_section": E(CENTRE_STAFF, "section", methods=GP),
    "guidelines:comment": E(BOARD, "section", methods="POST"),
    "guidelines:mark_reviewed": E(EXPERTS, "section", methods="POST"),
    "guidelines:reply": E(BOARD, "thread", methods="POST"),
    "guidelines:resolve": E(BOARD, "thread", methods="POST"),
    "guidelines:review": E(CENTRE_STAFF, methods=GP),
    "guidelines:publish": E(CENTRE_STAFF, methods=GP),
    "guidelines:editors": E(CENTRE_STAFF, methods=GP),
    "guidelines:request_pdf": E(PUBLIC, methods="POST", version="1.0", language="it"),
    # The draft's PDF: for the board; its existence hidden from the others.
    "guidelines:pdf": E(rule("E S D", refused=404, anonymous=404), "draft_rendition"),
    "guidelines:pdf_download": E(rule("E S D", refused=404, anonymous=404), "draft_rendition"),
    # Surveys: staff build them and read the results; members answer the members' ones.
    "surveys:list": E(CENTRE_STAFF),
    "surveys:create": E(CENTRE_STAFF, methods=GP),
    "surveys:detail": E(CENTRE_STAFF, "draft_survey"),
    "surveys:edit": E(CENTRE_STAFF, "draft_survey", methods=GP),
    "surveys:preview": E(CENTRE_STAFF, "draft_survey"),
    "surveys:publish": E(CENTRE_STAFF, "draft_survey", methods="POST"),
    "surveys:invite": E(CENTRE_STAFF, "draft_survey", methods="POST"),
    "surveys:remind": E(CENTRE_STAFF, "draft_survey", methods="POST"),
    "surveys:question_new": E(CENTRE_STAFF, "draft_survey", methods=GP),
    "surveys:question_edit": E(CENTRE_STAFF, "draft_survey", "draft_survey_question", methods=GP),
    "surveys:question_move": E(CENTRE_STAFF, "draft_survey", "draft_survey_question", methods="POST"),
    "surveys:question_delete": E(CENTRE_STAFF, "draft_survey", "draft_survey_question", methods=GP),
    "surveys:results": E(CENTRE_STAFF, "survey"),
    "surveys:texts": E(CENTRE_STAFF, "survey", "survey_question"),
    "surveys:export": E(CENTRE_STAFF, "survey"),
    "surveys:mine": E(SIGNED_IN),
    # The survey's audience (members); not revealed to the others.
    "surveys:respond": E(rule("M O", refused=404), "survey", methods=GP),
    "surveys:thanks": E(PUBLIC, "survey"),
    "surveys:invitation": E(TOKEN, "invitation_token", methods=GP),
    "surveys:public": E(TOKEN, "public_survey_key", methods=GP),
    # Metrics: staff; the API answers bearer tokens only, never a session.
    "metrics:dashboard": E(CENTRE_STAFF),
    "metrics:export": E(CENTRE_STAFF, "metric", "extension"),
    "metrics:api": E(rule("", refused=401, anonymous=401)),
    "metrics:reports": E(CENTRE_STAFF),
    "metrics:request_report": E(CENTRE_STAFF, methods="POST"),
    "metrics:report": E(CENTRE_STAFF, "report"),
    "metrics:report_download": E(CENTRE_STAFF, "report"),
    "metrics:tokens": E(ADMINS, methods=GP),
    "metrics:token_revoke": E(ADMINS, "api_token", methods=GP),
    # The user's account.
    "accounts:profile": E(SIGNED_IN, methods=GP),
    "accounts:notifications": E(SIGNED_IN),
    "accounts:notifications_read": E(SIGNED_IN, methods="POST"),
    "accounts:personal_data": E(SIGNED_IN),
    "accounts:delete_account": E(SIGNED_IN, methods=GP),
    # The audit log of staff's and administrators' actions: read by them, written by no one.
    "audit:log": E(CENTRE_STAFF),
    # allauth: signing in, signing up, passwords, email addresses, the second factor.
    "account_login": E(PUBLIC, methods=GP),
    "account_logout": E(PUBLIC, methods=GP),
    "account_inactive": E(PUBLIC),
    "account_signup": E(PUBLIC, methods=GP),
    "account_reauthenticate": E(SIGNED_IN, methods=GP),
    "account_email": E(SIGNED_IN, methods=GP),
    "account_email_verification_sent": E(PUBLIC),
    "account_change_password": E(SIGNED_IN, methods=GP),
    "account_set_password": E(SIGNED_IN, methods=GP),
    "account_reset_password": E(PUBLIC, methods=GP),
    "account_confirm_login_code": E(PUBLIC, methods=GP),
    "account_confirm_email": E(TOKEN, "email_key", methods=GP),
    "account_reset_password_from_key_done": E(PUBLIC),
    "account_reset_password_from_key": E(TOKEN, "reset_uid", "reset_key", methods=GP),
    "account_reset_password_done": E(PUBLIC),
    "mfa_index": E(SIGNED_IN),
    "mfa_authenticate": E(PUBLIC, methods=GP),
    "mfa_reauthenticate": E(SIGNED_IN, methods=GP),
    "mfa_activate_totp": E(SIGNED_IN, methods=GP),
    # Pages about one's own second factor: members have none (404).
    "mfa_deactivate_totp": E(rule("E S D", refused=404), methods=GP),
    "mfa_view_recovery_codes": E(rule("E S D", refused=404)),
    "mfa_generate_recovery_codes": E(SIGNED_IN, methods=GP),
    "mfa_download_recovery_codes": E(rule("E S D", refused=404), methods=ANY),
    # The Django admin: administrators only. Its other pages are the admin's own
    # (each checks has_permission and model permissions): see SKIPPED.
    # Signed-in users without the admin's permission are sent to sign in as someone else.
    "admin:index": E(rule("D", refused=LOGIN), methods=ANY),
}

# Patterns not requested, and why. Everything else must be in ACCESS.
SKIPPED_NAMESPACES = {
    # Beyond its index the admin's pages are Django's own: every one checks
    # admin.site.has_permission (active staff) and the model permissions, and
    # the whole namespace requires MFA (RequireMFAMiddleware). Only the index is
    # requested here, for each persona. Static files and media are not URL
    # patterns at all (WhiteNoise serves the former; media are never served).
    "admin": {"admin:index"},
}


def _requested_names() -> set[str]:
    names = set()
    for name in (route.name for route in project_routes()):
        namespace = name.split(":", 1)[0] if ":" in name else ""
        if namespace in SKIPPED_NAMESPACES and name not in SKIPPED_NAMESPACES[namespace]:
            continue
        names.add(name)
    return names


def test_every_url_pattern_has_an_access_rule():
    names = _requested_names()

    assert sorted(names - ACCESS.keys()) == [], "URL patterns without an entry in ACCESS: decide who may use them"
    assert sorted(ACCESS.keys() - names) == [], "entries of ACCESS without a URL pattern"


def test_the_walk_finds_the_projects_patterns():
    # The walk goes into namespaces and includes (a guard against a walk that finds nothing).
    names = {route.name for route in project_routes()}

    assert {"home", "forum:question", "experts:case", "account_login", "admin:index"} <= names
    assert len(names) > 150


# Requests.


def _value(world, name: str):
    value = getattr(world, name)
    return value if isinstance(value, str) else value.pk


def _url(world, url_name: str, entry: Entry) -> str:
    url = reverse(url_name, args=[_value(world, name) for name in entry.args])
    if entry.query:
        url += "?" + entry.query.format(**{name: _value(world, name) for name in ("introduction",)})
    return url


def _client(world, persona: str) -> Client:
    """The persona's client with its first cookies back: whatever a request did
    to them (signing out) does not reach the next one. (A client is reused, not
    made anew: each new one loads the middleware, and WhiteNoise scans the static files.)"""
    client = world.clients[persona]
    client.cookies = SimpleCookie()
    for name, value in world.cookies[persona].items():
        client.cookies[name] = value
    return client


def _request(world, persona: str, method: str, url: str, data: dict):
    client = _client(world, persona)
    # Every request in a savepoint rolled back after it: a POST changes nothing the next one sees.
    with transaction.atomic():
        post = {**data, "csrfmiddlewaretoken": CSRF_TOKEN}
        response = client.post(url, post) if method == "POST" else client.generic(method, url)
        transaction.set_rollback(True)
    return response


def _outcome(response, url: str) -> str:
    """What a response means: ok, login, or its status code."""
    status = response.status_code
    location = response.get("Location", "")
    login = reverse("account_login")
    if status in (301, 302, 303):
        if location.startswith(f"{login}?next=") or location.startswith("/admin/login/"):
            return LOGIN
        if location.startswith(reverse("mfa_activate_totp")):
            return f"{status} to MFA set-up"
        if not location.startswith("/") or location.startswith("//"):
            return f"{status} off the site"
        return OK
    if 200 <= status < 300:
        return OK
    return str(status)


CASES = [(name, method) for name, entry in ACCESS.items() for method in ("GET", "POST")]


@pytest.mark.parametrize(("url_name", "method"), CASES, ids=[f"{name}-{method}" for name, method in CASES])
def test_url_answers_each_persona_as_its_rule_says(world, url_name, method):
    entry = ACCESS[url_name]
    url = _url(world, url_name, entry)
    wrong = {}
    for persona in PERSONAS:
        found = _outcome(_request(world, persona, method, url, entry.data), url)
        wanted = _acceptable(entry, persona, method)
        if found not in wanted:
            wrong[persona] = f"{found}, expected {' or '.join(sorted(wanted))}"

    assert wrong == {}, f"{method} {url}"


SERVING_GET = [name for name, entry in ACCESS.items() if "GET" in entry.methods.split()]


@pytest.mark.parametrize("url_name", SERVING_GET)
def test_a_url_answers_head_as_it_answers_get(world, url_name):
    # HTTP requires HEAD wherever GET is served (RFC 9110, 9.1): link checkers,
    # feed readers and health probes use it.
    entry = ACCESS[url_name]
    url = _url(world, url_name, entry)
    persona = next((p for p in PERSONAS if str(entry.expected[p]) == OK), ANONYMOUS)

    get = _outcome(_request(world, persona, "GET", url, entry.data), url)
    head = _outcome(_request(world, persona, "HEAD", url, entry.data), url)

    assert head == get, f"HEAD {url} as {persona}"


def _acceptable(entry: Entry, persona: str, method: str) -> set[str]:
    """What the rule lets ``persona`` get from ``method``."""
    expected = str(entry.expected[persona])
    if method not in entry.methods.split():
        # A method the view does not serve: 405, or the refusal when the access check comes first.
        return {"405"} | ({expected} if expected != OK else set())
    if expected == OK and method == "POST":
        return {OK, "400"}  # an empty or minimal form may be refused as such
    return {expected}
