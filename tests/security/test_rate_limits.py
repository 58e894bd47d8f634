"""Rate limits on the writes a robot would repeat: sign-up, login, password
reset, asking, answering, commenting and the metrics API. Past its limit each
answers 429 and writes nothing more.

Tests elsewhere cover more of them and are not repeated here:
tests/accounts/test_signup.py (login attempts by address, failed logins per
account), tests/forum/test_workflows.py (new accounts ask five questions an
hour), tests/metrics/test_api.py (the API per token owner, with Retry-After),
tests/metrics/test_tokens.py, test_reports.py, tests/surveys/test_responding.py,
tests/experts/test_introductions.py, tests/accounts/test_profile.py.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from experts.models import Topic
from forum.models import Answer, Comment, Question
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role
from portal.metrics.tokens import create_token
from tests.factories import QuestionFactory, UserFactory
from tests.factories.accounts import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def limit(settings):
    """``limit("signup", "2/h/ip")``: one rate, the others as configured."""

    def set_rate(action: str, rate: str) -> None:
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, action: rate}

    return set_rate


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _signup(n: int) -> dict:
    return {
        "full_name": f"Persona {n}",
        "email": f"persona{n}@example.org",
        "organisation_name": f"Impresa {n} S.r.l.",
        "organisation_kind": Organisation.Kind.SME,
        "password1": "a-sound-passphrase-42",
        "password2": "a-sound-passphrase-42",
        "accept_privacy": "on",
    }


def test_sign_up_past_the_limit_is_429_and_creates_no_account(db, english, limit, django_capture_on_commit_callbacks):
    limit("signup", "2/h/ip")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [english.post(reverse("account_signup"), _signup(n)).status_code for n in range(3)]
        english.logout()

    assert statuses == [302, 302, 429]
    assert sorted(User.objects.values_list("email", flat=True)) == ["persona0@example.org", "persona1@example.org"]
    assert EmailAddress.objects.count() == 2
    assert Organisation.objects.count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["persona0@example.org", "persona1@example.org"]


def test_login_past_the_limit_is_429_even_with_the_right_password(db, english, limit, member):
    limit("login", "2/m/ip")
    for _ in range(2):
        english.post(reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"})

    response = english.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in english.session
    member.refresh_from_db()
    assert member.last_login is None


def test_password_reset_past_the_limit_by_address_is_429_and_sends_nothing(
    db, english, limit, member, django_capture_on_commit_callbacks
):
    limit("reset_password", "2/m/ip")

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            english.post(reverse("account_reset_password"), {"email": member.email}).status_code for _ in range(3)
        ]

    assert statuses == [302, 302, 429]
    assert [message.to for message in mail.outbox] == [[member.email], [member.email]]


def test_password_reset_past_the_limit_for_one_email_sends_nothing_more(
    db, english, limit, member, django_capture_on_commit_callbacks
):
    limit("reset_password", "20/m/ip,2/h/key")

    with django_capture_on_commit_callbacks(execute=True):
        responses = [english.post(reverse("account_reset_password"), {"email": member.email}) for _ in range(3)]

    assert [response.status_code for response in responses] == [302, 302, 429]
    assert len(mail.outbox) == 2


def _ask(client, n: int):
    return client.post(
        reverse("forum:ask"),
        {
            "title": f"Domanda numero {n} sul percorso regolatorio",
            "body": "Testo sufficientemente lungo della domanda.",
            "topics": [Topic.objects.first().pk],
            "visibility": "public",
        },
    )


def test_asking_past_the_hourly_limit_of_established_accounts_is_429(db, client_for, limit):
    limit("ask_question", "2/h/user")
    established = UserFactory(role=Role.MEMBER, date_joined=timezone.now() - timedelta(days=365))
    client = client_for(established)

    statuses = [_ask(client, n).status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert Question.objects.filter(author=established).count() == 2


def test_answering_past_the_limit_is_429_and_publishes_nothing(db, client_for, limit, member, expert):
    limit("forum_write", "2/h/user")
    question = QuestionFactory(author=member)
    client = client_for(expert)

    statuses = [
        client.post(
            reverse("forum:answer", args=[question.pk]), {"body": f"Risposta numero {n}, abbastanza articolata."}
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert sorted(Answer.objects.filter(question=question).values_list("body", flat=True)) == [
        "Risposta numero 0, abbastanza articolata.",
        "Risposta numero 1, abbastanza articolata.",
    ]
    question.refresh_from_db()
    assert question.answer_count == 2


def test_commenting_past_the_limit_is_429_and_publishes_nothing(db, client_for, limit, member):
    limit("forum_write", "2/h/user")
    question = QuestionFactory(author=member)
    client = client_for(member)

    statuses = [
        client.post(reverse("forum:comment", args=[question.pk]), {"body": f"Chiarimento {n}"}).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert sorted(Comment.objects.filter(question=question).values_list("body", flat=True)) == [
        "Chiarimento 0",
        "Chiarimento 1",
    ]


def test_the_api_limit_counts_every_token_of_one_owner(db, client, limit, administrator):
    limit("metrics_api", "2/m/user")
    _, first = create_token(user=administrator, name="Cruscotto regionale")
    _, second = create_token(user=administrator, name="Foglio di calcolo")
    url = reverse("metrics:api")

    statuses = [
        client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code for token in (first, second, second)
    ]

    assert statuses == [200, 200, 429]
    # A second owner has a budget of their own.
    _, other = create_token(user=UserFactory(role=Role.ADMINISTRATOR, with_mfa=True), name="Altro")
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 200


# Every action the code limits has a rate: allauth treats an action it does
# not find in ACCOUNT_RATE_LIMITS as unlimited.
ACTION_IN_CODE = re.compile(
    r"""(?:throttled\(\s*request\s*,\s*|consume(?:_or_429)?\([^)]*?action\s*=\s*)["']([a-z_]+)["']"""
)
ACTION_CHOICE_IN_CODE = re.compile(
    r"""throttled\(\s*request\s*,\s*["']([a-z_]+)["']\s+if\s+.+?\s+else\s+["']([a-z_]+)["']"""
)
RATE_CONSTANT = re.compile(r"""^RATE_LIMIT_ACTION\s*=\s*["']([a-z_]+)["']""", re.MULTILINE)


def _actions_in_code() -> dict[str, str]:
    actions = {}
    for package in ("portal", "forum", "experts", "guidelines"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            found = set(ACTION_IN_CODE.findall(text)) | set(RATE_CONSTANT.findall(text))
            for pair in ACTION_CHOICE_IN_CODE.findall(text):
                found |= set(pair)
            for action in found:
                actions[action] = str(path.relative_to(ROOT))
    return actions


def test_every_limited_action_has_a_rate():
    actions = _actions_in_code()

    # The scan finds the limits this module tests.
    assert {"ask_question", "ask_question_new_account", "forum_write", "metrics_api"} <= set(actions)
    missing = {action: path for action, path in actions.items() if action not in django_settings.ACCOUNT_RATE_LIMITS}
    assert missing == {}
    for action in ("signup", "login", "login_failed", "reset_password", "reset_password_from_key"):
        assert django_settings.ACCOUNT_RATE_LIMITS[action]
