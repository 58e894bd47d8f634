import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from experts.models import ExpertProfile, Sector, Topic
from forum import services as forum_services
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.conftest import PERSONAS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_profile(user=None, *, sector=Sector.CLINICAL, topics=("pmcf",), **fields):
    user = user or UserFactory(role=Role.EXPERT, with_mfa=True)
    profile = ExpertProfile.objects.create(user=user, sector=sector, affiliation="IRCCS di prova", **fields)
    profile.topics.set(Topic.objects.filter(slug__in=topics))
    return profile


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_board_page_and_profiles_are_public(request, persona):
    profile = make_profile(bio="Cardiologo interventista.")
    client = request.getfixturevalue(persona)

    board = client.get(reverse("experts:board"))
    page = client.get(profile.get_absolute_url())

    assert board.status_code == 200
    assert profile.user.full_name in board.content.decode()
    assert page.status_code == 200
    assert "Cardiologo interventista." in page.content.decode()


def test_the_board_groups_by_sector_and_filters_by_topic(anonymous_client):
    clinician = make_profile(sector=Sector.CLINICAL, topics=("pmcf",))
    statistician = make_profile(sector=Sector.RESEARCH, topics=("statistics-sample-size",))
    anonymous_client.cookies["django_language"] = "en"

    everyone = anonymous_client.get(reverse("experts:board")).content.decode()
    filtered = anonymous_client.get(reverse("experts:board"), {"topic": "statistics-sample-size"}).content.decode()

    assert everyone.index("Research") < everyone.index(statistician.user.full_name)
    assert everyone.index("Clinical") < everyone.index(clinician.user.full_name)
    assert statistician.user.full_name in filtered
    assert clinician.user.full_name not in filtered


@pytest.mark.parametrize("hide", ["unlisted", "inactive", "no longer expert"])
def test_unlisted_or_former_experts_are_not_shown(anonymous_client, hide):
    profile = make_profile()
    if hide == "unlisted":
        ExpertProfile.objects.filter(pk=profile.pk).update(is_listed=False)
    elif hide == "inactive":
        User.objects.filter(pk=profile.user_id).update(is_active=False)
    else:
        User.objects.filter(pk=profile.user_id).update(role=Role.MEMBER)

    assert profile.user.full_name not in anonymous_client.get(reverse("experts:board")).content.decode()
    assert anonymous_client.get(profile.get_absolute_url()).status_code == 404


def test_the_profile_links_to_the_experts_public_answers(anonymous_client, member):
    profile = make_profile()
    answered = forum_services.ask_question(
        author=member,
        title="Domanda pubblica con risposta",
        body="Testo lungo abbastanza.",
        topics=[],
        visibility="public",
    )
    forum_services.post_answer(question=answered, expert=profile.user, body="Una risposta articolata e completa.")
    secret = forum_services.ask_question(
        author=member,
        title="Domanda riservata con risposta",
        body="Testo lungo abbastanza.",
        topics=[],
        visibility="confidential",
    )
    forum_services.post_answer(question=secret, expert=profile.user, body="Una risposta articolata e completa.")
    forum_services.ask_question(
        author=member, title="Domanda senza risposta", body="Testo lungo abbastanza.", topics=[], visibility="public"
    )

    link = f"{reverse('forum:list')}?expert={profile.user_id}"
    assert link in anonymous_client.get(profile.get_absolute_url()).content.decode()
    page = anonymous_client.get(link).content.decode()
    assert "Domanda pubblica con risposta" in page
    assert "Domanda riservata con risposta" not in page
    assert "Domanda senza risposta" not in page


def test_an_answer_shows_the_experts_sector_and_affiliation(anonymous_client, member):
    profile = make_profile(sector=Sector.INDUSTRY)
    question = forum_services.ask_question(
        author=member, title="Domanda pubblica", body="Testo lungo abbastanza.", topics=[], visibility="public"
    )
    forum_services.post_answer(question=question, expert=profile.user, body="Una risposta articolata e completa.")
    anonymous_client.cookies["django_language"] = "en"

    page = anonymous_client.get(question.get_absolute_url()).content.decode()

    assert (
        f'<strong><a href="{profile.get_absolute_url()}">{profile.user.full_name}</a></strong>, '
        "IRCCS di prova · SME and industry · Expert of the board" in page
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous_client", 302),
        ("member_client", 403),
        ("other_member_client", 403),
        ("staff_client", 403),
        ("admin_client", 403),
    ],
)
def test_only_experts_edit_their_own_profile(request, persona, expected):
    assert request.getfixturevalue(persona).get(reverse("experts:edit_own_profile")).status_code == expected


def test_an_expert_edits_their_profile_and_the_declaration_is_dated(client_for):
    profile = make_profile()
    client = client_for(profile.user)

    response = client.post(
        reverse("experts:edit_own_profile"),
        {
            "sector": Sector.UNIVERSITY,
            "affiliation": "Università degli Studi di Pavia",
            "topics": [Topic.objects.get(slug="software-ai").pk],
            "speaks_italian": "on",
            "bio": "Nuova biografia.",
            "declaration_of_interests": "Consulente di una PMI del settore.",
            "is_listed": "on",
        },
    )

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.sector, profile.affiliation, profile.speaks_english, profile.accepts_questions) == (
        Sector.UNIVERSITY,
        "Università degli Studi di Pavia",
        False,
        False,
    )
    assert list(profile.topics.values_list("slug", flat=True)) == ["software-ai"]
    assert profile.declaration_updated_at is not None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous_client", 302),
        ("member_client", 403),
        ("other_member_client", 403),
        ("expert_client", 403),
        ("staff_client", 200),
        ("admin_client", 200),
    ],
)
def test_only_staff_invite_experts(request, persona, expected):
    client = request.getfixturevalue(persona)
    data = {
        "full_name": "Nuova Esperta",
        "email": "nuova@example.org",
        "language": "it",
        "sector": "clinical",
        "affiliation": "ASST Bergamo",
    }

    assert client.get(reverse("experts:invite")).status_code == expected
    client.post(reverse("experts:invite"), data)

    assert User.objects.filter(email="nuova@example.org").exists() is (expected == 200)


def test_an_invited_expert_sets_a_password_then_must_enable_mfa(
    staff_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("experts:invite"),
            {
                "full_name": "Chiara Neri",
                "email": "Chiara.Neri@example.org",
                "language": "en",
                "sector": "clinical",
                "affiliation": "ASST Papa Giovanni XXIII, Bergamo",
                "topics": [Topic.objects.get(slug="populations-sites").pk],
            },
        )

    assert response.status_code == 302
    expert = User.objects.get(email="chiara.neri@example.org")
    assert (expert.role, expert.has_usable_password(), expert.preferred_language) == (Role.EXPERT, False, "en")
    assert EmailAddress.objects.get(user=expert).verified
    assert expert.expert_profile.affiliation == "ASST Papa Giovanni XXIII, Bergamo"
    assert len(mail.outbox) == 1
    assert "invites you to the board of experts" in mail.outbox[0].body
    link = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": "a-sound-passphrase-42", "password2": "a-sound-passphrase-42"}
    )
    expert.refresh_from_db()
    assert expert.check_password("a-sound-passphrase-42")

    client.post(reverse("account_login"), {"login": expert.email, "password": "a-sound-passphrase-42"})
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_activate_totp")


def test_inviting_an_existing_address_says_so_and_creates_nothing(staff_client, member):
    staff_client.cookies["django_language"] = "en"

    response = staff_client.post(
        reverse("experts:invite"),
        {
            "full_name": "Doppio",
            "email": member.email.upper(),
            "language": "it",
            "sector": "clinical",
            "affiliation": "X",
        },
    )

    assert response.status_code == 200
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert not ExpertProfile.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("rows", [1, 30])
def test_board_page_query_count(anonymous_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        make_profile(topics=("pmcf", "software-ai"))

    with django_assert_max_num_queries(5):
        assert anonymous_client.get(reverse("experts:board")).status_code == 200
