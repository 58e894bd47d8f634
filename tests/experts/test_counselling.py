"""Counselling of funded projects: who may do what on every URL, the workflow
from request to closing, what never leaks to another organisation, form
errors, and a fixed number of queries whatever the number of rows.

Personas: anonymous, ``member`` (of Brianza Medical Devices, a beneficiary of
the project and the requester of the case), ``other_member`` (NeuroPasso, not a
beneficiary), ``expert`` (assigned to the case), ``staff_user``, ``administrator``.
"""

import datetime
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from experts import services
from experts.models import CounsellingCase, CounsellingMeeting, FundedProject, Topic
from experts.permissions import can_see_case, get_case_for_user
from forum.models import Question
from portal.accounts.models import Notification
from portal.accounts.roles import Role
from tests.conftest import PERSONAS
from tests.factories import (
    CounsellingCaseFactory,
    CounsellingMeetingFactory,
    FundedProjectFactory,
    OrganisationFactory,
    QuestionFactory,
    UserFactory,
)
from tests.factories.experts import HUB_CALL

# Personas are fixtures fetched by name at run time: declare the database use.
pytestmark = pytest.mark.django_db

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = PERSONAS
LOGIN = "login"
USERS = {
    MEMBER: "member",
    OTHER_MEMBER: "other_member",
    EXPERT: "expert",
    STAFF: "staff_user",
    ADMIN: "administrator",
}
NEEDS = "Percorso regolatorio e dimensione del campione per la nostra medicazione intelligente."
NOTES = "Nota riservata: il CET competente e il calcolo della dimensione del campione."

EVERYONE_200 = dict.fromkeys(PERSONAS, 200)
MANAGERS_200 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 200, ADMIN: 200}
MANAGERS_302 = MANAGERS_200 | {STAFF: 302, ADMIN: 302}
CASE_READERS_200 = {ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 404, EXPERT: 200, STAFF: 200, ADMIN: 200}
CASE_WORKERS_302 = {ANONYMOUS: LOGIN, MEMBER: 403, OTHER_MEMBER: 404, EXPERT: 302, STAFF: 302, ADMIN: 302}
REQUESTERS = {ANONYMOUS: LOGIN, MEMBER: 200, OTHER_MEMBER: 403, EXPERT: 403, STAFF: 403, ADMIN: 403}


def matrix(expected: dict) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("persona", "expected"), list(expected.items()))


def client_and_user(request, persona):
    client = request.getfixturevalue(persona)
    user = request.getfixturevalue(USERS[persona]) if persona in USERS else None
    return client, user


def assert_status(response, expected, url: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def in_english(*users) -> None:
    """Signed-in users read the portal in their profile's language."""
    for user in users:
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture(autouse=True)
def _english_service_errors():
    # Services word their refusals in the active language; tests match the English.
    with translation.override("en"):
        yield


@pytest.fixture
def partner(db):
    return OrganisationFactory(name="CNR – Istituto di Tecnologie Biomediche", kind="research_organisation")


@pytest.fixture
def project(organisation, partner):
    return FundedProjectFactory(
        title="Medicazione intelligente per le ulcere del piede diabetico",
        acronym="SMART-HEAL",
        beneficiaries=[organisation, partner],
    )


@pytest.fixture
def case(project, organisation, member, expert):
    case = CounsellingCaseFactory(
        project=project, organisation=organisation, requested_by=member, needs=NEEDS, experts=[expert]
    )
    CounsellingMeetingFactory(case=case, notes=NOTES, recorded_by=expert)
    return case


@pytest.fixture
def another_expert(db):
    return UserFactory(role=Role.EXPERT, with_mfa=True, full_name="Marco Conti")


def project_data(**changes) -> dict:
    data = {
        "title": "Esoscheletro per la riabilitazione dell'arto superiore",
        "acronym": "EXO-ARM",
        "call": HUB_CALL,
        "cup": "",
        "status": FundedProject.Status.ONGOING,
        "beneficiaries": [],
        "start_date": "2024-01-01",
        "end_date": "2026-12-31",
        "clinical_aims": "Migliorare la **funzione motoria** dopo l'ictus.",
    }
    return data | changes


def meeting_data(**changes) -> dict:
    data = {
        "held_on": timezone.localdate().isoformat(),
        "attendees": "Giulia Ferrari, Elena Bianchi",
        "notes": "Discusso l'**art. 62** del MDR.",
        "outcomes": "- Bozza del CIP entro un mese",
    }
    return data | changes


# Reading


@matrix(EVERYONE_200)
def test_project_registry_is_public(request, persona, expected, case):
    client, _user = client_and_user(request, persona)

    response = client.get(reverse("experts:projects"))

    assert response.status_code == expected
    assert list(response.context["page"]) == [case.project]
    page = response.content.decode()
    assert "SMART-HEAL – Medicazione intelligente per le ulcere del piede diabetico" in page
    assert "CNR – Istituto di Tecnologie Biomediche" in page
    assert (reverse("experts:project_new") in page) is (persona in (STAFF, ADMIN))
    assert (reverse("experts:cases") in page) is (persona != ANONYMOUS)
    assert NEEDS not in page


@matrix(EVERYONE_200)
def test_project_page_is_public_and_lists_cases_to_those_entitled(request, persona, expected, case):
    client, _user = client_and_user(request, persona)

    response = client.get(case.project.get_absolute_url())

    assert response.status_code == expected
    page = response.content.decode()
    assert "<strong>sicurezza</strong>" in page
    sees_case = persona in (MEMBER, EXPERT, STAFF, ADMIN)
    assert response.context["cases"] == ([case] if sees_case else [])
    assert (case.get_absolute_url() in page) is sees_case
    assert (reverse("experts:request_counselling", args=[case.project.pk]) in page) is (persona == MEMBER)
    assert (reverse("experts:project_edit", args=[case.project.pk]) in page) is (persona in (STAFF, ADMIN))
    assert NEEDS not in page
    assert NOTES not in page


@matrix({ANONYMOUS: LOGIN} | dict.fromkeys(PERSONAS[1:], 200))
def test_case_list_shows_the_cases_one_may_see(request, persona, expected, case):
    client, _user = client_and_user(request, persona)
    url = reverse("experts:cases")

    response = client.get(url)

    assert_status(response, expected, url)
    if expected == 200:
        assert list(response.context["page"]) == ([] if persona == OTHER_MEMBER else [case])
        assert (case.get_absolute_url() in response.content.decode()) is (persona != OTHER_MEMBER)


@matrix(CASE_READERS_200)
def test_case_page_is_for_the_board_staff_and_the_requesting_organisation(request, persona, expected, case):
    client, _user = client_and_user(request, persona)
    url = case.get_absolute_url()

    response = client.get(url)

    assert_status(response, expected, url)
    page = response.content.decode()
    assert (NEEDS in page) is (expected == 200)
    assert ("il calcolo della dimensione del campione" in page) is (expected == 200)
    works = persona in (EXPERT, STAFF, ADMIN)
    assert (reverse("experts:case_meeting", args=[case.pk]) in page) is works
    assert (reverse("experts:case_close", args=[case.pk]) in page) is works
    assert (reverse("experts:case_assign", args=[case.pk]) in page) is (persona in (STAFF, ADMIN))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["projects", "project", "cases", "case"])
def test_read_only_urls_refuse_post(request, persona, name, case):
    client, _user = client_and_user(request, persona)
    args = {"project": [case.project.pk], "case": [case.pk]}.get(name, [])

    assert client.post(reverse(f"experts:{name}", args=args)).status_code == 405


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["case_assign", "case_meeting", "case_close"])
def test_write_only_urls_refuse_get(request, persona, name, case):
    client, _user = client_and_user(request, persona)

    assert client.get(reverse(f"experts:{name}", args=[case.pk])).status_code == 405


def test_a_missing_case_or_project_is_404(staff_client):
    assert staff_client.get(reverse("experts:case", args=[999])).status_code == 404
    assert staff_client.get(reverse("experts:project", args=[999])).status_code == 404
    assert staff_client.get(reverse("experts:project_edit", args=[999])).status_code == 404


# The registry: staff register and edit projects


@matrix(MANAGERS_302)
def test_only_staff_register_projects(request, persona, expected, organisation, partner):
    client, _user = client_and_user(request, persona)
    url = reverse("experts:project_new")

    assert_status(client.get(url), MANAGERS_200[persona], url)
    response = client.post(url, project_data(beneficiaries=[organisation.pk, partner.pk], cup="e12b24000310009"))

    assert_status(response, expected, url)
    registered = FundedProject.objects.filter(acronym="EXO-ARM").first()
    if expected == 302:
        assert response["Location"] == registered.get_absolute_url()
        assert registered.title == "Esoscheletro per la riabilitazione dell'arto superiore"
        assert registered.cup == "E12B24000310009"
        assert registered.start_date == datetime.date(2024, 1, 1)
        assert registered.clinical_aims_html == "<p>Migliorare la <strong>funzione motoria</strong> dopo l'ictus.</p>"
        assert set(registered.beneficiaries.all()) == {organisation, partner}
    else:
        assert registered is None


@matrix(MANAGERS_302)
def test_only_staff_edit_projects(request, persona, expected, project, organisation):
    client, _user = client_and_user(request, persona)
    url = reverse("experts:project_edit", args=[project.pk])

    assert_status(client.get(url), MANAGERS_200[persona], url)
    response = client.post(
        url, project_data(title="Titolo aggiornato", status="previous", beneficiaries=[organisation.pk])
    )

    assert_status(response, expected, url)
    project.refresh_from_db()
    if expected == 302:
        assert (project.title, project.status) == ("Titolo aggiornato", FundedProject.Status.PREVIOUS)
        assert list(project.beneficiaries.all()) == [organisation]
        assert "<strong>funzione motoria</strong>" in project.clinical_aims_html
    else:
        assert project.title == "Medicazione intelligente per le ulcere del piede diabetico"
        assert project.beneficiaries.count() == 2


def test_a_project_cannot_end_before_it_starts(staff_client, staff_user, organisation):
    in_english(staff_user)

    response = staff_client.post(
        reverse("experts:project_new"),
        project_data(beneficiaries=[organisation.pk], start_date="2025-06-01", end_date="2025-05-31"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end_date": ["The project cannot end before it starts."]}
    assert not FundedProject.objects.exists()


def test_a_project_needs_beneficiaries_a_valid_cup_and_real_dates(staff_client, staff_user, project, organisation):
    in_english(staff_user)
    FundedProject.objects.filter(pk=project.pk).update(cup="E12B24000310009")

    response = staff_client.post(
        reverse("experts:project_new"), project_data(cup="e12b24000310009", start_date="2025-02-30")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "beneficiaries": ["Choose at least one beneficiary."],
        "start_date": ["Enter a valid date."],
        "cup": ["A project with this CUP is registered already."],
    }
    malformed = staff_client.post(
        reverse("experts:project_new"), project_data(cup="E12-B24", beneficiaries=[organisation.pk])
    )
    assert malformed.context["form"].errors == {"cup": ["A CUP is fifteen capital letters and digits."]}
    # Editing the project that holds the CUP keeps it.
    same = staff_client.post(
        reverse("experts:project_edit", args=[project.pk]),
        project_data(cup="E12B24000310009", beneficiaries=[organisation.pk]),
    )
    assert same.status_code == 302
    assert FundedProject.objects.count() == 1


def test_the_services_refuse_what_the_forms_would(staff_user, member, organisation):
    with pytest.raises(services.BoardError, match="cannot end before it starts"):
        services.register_project(
            staff=staff_user,
            title="Progetto",
            call=HUB_CALL,
            status="ongoing",
            clinical_aims="Obiettivi.",
            beneficiaries=[organisation],
            start_date=datetime.date(2025, 6, 1),
            end_date=datetime.date(2025, 1, 1),
        )
    with pytest.raises(services.BoardError, match="role does not allow"):
        services.register_project(
            staff=member,
            title="Progetto",
            call=HUB_CALL,
            status="ongoing",
            clinical_aims="Obiettivi.",
            beneficiaries=[],
        )
    assert not FundedProject.objects.exists()


def test_clinical_aims_are_sanitised(staff_user, organisation):
    project = services.register_project(
        staff=staff_user,
        title="Progetto",
        call=HUB_CALL,
        status="future",
        clinical_aims='Obiettivi <script>alert(1)</script> [link](javascript:alert(2)) <img src=x onerror="alert(3)">',
        beneficiaries=[organisation],
    )

    assert "<script" not in project.clinical_aims_html
    assert "javascript:" not in project.clinical_aims_html
    assert "onerror" not in project.clinical_aims_html


def test_the_registry_filters_by_status_and_call_and_searches_titles(anonymous_client):
    gait = FundedProjectFactory(title="Sensori indossabili per il cammino", acronym="PASSO", status="previous")
    wound = FundedProjectFactory(
        title="Medicazione intelligente", acronym="HEAL", call="PR FESR 2021-2027 – Collabora & Innova"
    )
    url = reverse("experts:projects")

    def listed(**query):
        return list(anonymous_client.get(url, query).context["page"])

    assert listed() == [wound, gait]
    assert listed(status="previous") == [gait]
    assert listed(call="PR FESR 2021-2027 – Collabora & Innova") == [wound]
    assert listed(q="cammino") == [gait]
    assert listed(q="heal") == [wound]
    assert listed(status="nonsense") == []
    page = anonymous_client.get(url).content.decode()
    assert '<option value="PR FESR 2021-2027 – Collabora &amp; Innova">' in page


# Requesting counselling


@matrix(REQUESTERS)
def test_only_members_of_a_beneficiary_request_counselling(request, persona, expected, project, staff_user):
    client, user = client_and_user(request, persona)
    url = reverse("experts:request_counselling", args=[project.pk])

    assert_status(client.get(url), expected, url)
    response = client.post(url, {"needs": NEEDS})

    created = CounsellingCase.objects.first()
    if persona == MEMBER:
        assert response.status_code == 302
        assert response["Location"] == created.get_absolute_url()
        assert (created.project, created.organisation, created.needs) == (project, user.organisation, NEEDS)
        assert created.status == CounsellingCase.Status.REQUESTED
    else:
        assert_status(response, expected, url)
        assert created is None


def test_a_member_of_a_non_beneficiary_cannot_request(other_member, project):
    with pytest.raises(services.BoardError, match="beneficiary organisations"):
        services.request_counselling(member=other_member, project=project, needs=NEEDS)

    assert not CounsellingCase.objects.exists()
    assert not Notification.objects.exists()


def test_a_member_without_an_organisation_cannot_request(client_for, project):
    loner = UserFactory(role=Role.MEMBER, organisation=None)

    assert client_for(loner).get(reverse("experts:request_counselling", args=[project.pk])).status_code == 403
    assert client_for(loner).get(reverse("experts:cases")).context["page"].paginator.count == 0
    with pytest.raises(services.BoardError):
        services.request_counselling(member=loner, project=project, needs=NEEDS)


def test_one_open_case_per_organisation_and_project(member_client, member, project, expert):
    in_english(member)
    url = reverse("experts:request_counselling", args=[project.pk])
    member_client.post(url, {"needs": NEEDS})

    again = member_client.post(url, {"needs": "Una seconda richiesta sullo stesso progetto, ancora aperta."})

    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        "Your organisation has already requested counselling for this project: it is open."
    ]
    assert CounsellingCase.objects.count() == 1
    first = CounsellingCase.objects.get()
    services.assign_counsellors(staff=UserFactory(role=Role.STAFF), case=first, experts=[expert])
    services.close_case(user=expert, case=first, outcome="Concluso.")

    assert member_client.post(url, {"needs": "Una nuova richiesta dopo la chiusura del primo caso."}).status_code == 302
    assert CounsellingCase.objects.count() == 2


def test_a_request_says_enough(member_client, member, project):
    in_english(member)

    response = member_client.post(reverse("experts:request_counselling", args=[project.pk]), {"needs": "Aiuto"})

    assert response.status_code == 200
    assert "needs" in response.context["form"].errors
    assert not CounsellingCase.objects.exists()


# Working on a case


@matrix(MANAGERS_302)
def test_only_staff_assign_experts(request, persona, expected, project, member, another_expert):
    client, user = client_and_user(request, persona)
    case = CounsellingCaseFactory(project=project, organisation=member.organisation, requested_by=member)
    url = reverse("experts:case_assign", args=[case.pk])

    response = client.post(url, {"experts": [another_expert.pk]})

    assert_status(response, expected, url)
    case.refresh_from_db()
    if expected == 302:
        assert list(case.experts.all()) == [another_expert]
        assert (case.status, case.assigned_by) == (CounsellingCase.Status.IN_PROGRESS, user)
        assert kinds_for(another_expert) == [Notification.Kind.COUNSELLING_ASSIGNED]
    else:
        assert list(case.experts.all()) == []
        assert case.status == CounsellingCase.Status.REQUESTED
        assert kinds_for(another_expert) == []


@matrix(CASE_WORKERS_302)
def test_staff_and_assigned_experts_record_meetings(request, persona, expected, case):
    client, user = client_and_user(request, persona)
    url = reverse("experts:case_meeting", args=[case.pk])

    response = client.post(url, meeting_data())

    assert_status(response, expected, url)
    if expected == 302:
        meeting = case.meetings.order_by("-created_at").first()
        assert (case.meetings.count(), meeting.recorded_by) == (2, user)
        assert meeting.notes_html == "<p>Discusso l'<strong>art. 62</strong> del MDR.</p>"
        assert meeting.outcomes_html == "<ul>\n<li>Bozza del CIP entro un mese</li>\n</ul>"
    else:
        assert case.meetings.count() == 1


@matrix(CASE_WORKERS_302)
def test_staff_and_assigned_experts_close_cases(request, persona, expected, case):
    client, _user = client_and_user(request, persona)
    url = reverse("experts:case_close", args=[case.pk])

    response = client.post(url, {"outcome": "Il CIP è pronto per il comitato etico."})

    assert_status(response, expected, url)
    case.refresh_from_db()
    if expected == 302:
        assert (case.status, case.outcome) == (CounsellingCase.Status.CLOSED, "Il CIP è pronto per il comitato etico.")
        assert case.closed_at is not None
    else:
        assert (case.status, case.closed_at, case.outcome) == (CounsellingCase.Status.IN_PROGRESS, None, "")


def test_an_expert_not_assigned_reads_but_does_not_work_on_the_case(client_for, case, another_expert):
    client = client_for(another_expert)

    page = client.get(case.get_absolute_url())
    meeting = client.post(reverse("experts:case_meeting", args=[case.pk]), meeting_data())
    close = client.post(reverse("experts:case_close", args=[case.pk]), {"outcome": "Chiuso."})

    assert page.status_code == 200
    assert reverse("experts:case_meeting", args=[case.pk]) not in page.content.decode()
    assert (meeting.status_code, close.status_code) == (403, 403)
    assert case.meetings.count() == 1
    with pytest.raises(services.BoardError):
        services.record_meeting(
            author=another_expert, case=case, held_on=timezone.localdate(), attendees="X", notes="Y"
        )


def test_only_experts_of_the_board_are_assigned(staff_client, staff_user, case, member, another_expert):
    in_english(staff_user)

    response = staff_client.post(reverse("experts:case_assign", args=[case.pk]), {"experts": [member.pk]})
    empty = staff_client.post(reverse("experts:case_assign", args=[case.pk]), {})

    assert response.status_code == 400
    assert "experts" in response.context["assign_form"].errors
    assert empty.context["assign_form"].errors == {"experts": ["Choose at least one expert."]}
    with pytest.raises(services.BoardError, match="Only active experts"):
        services.assign_counsellors(staff=staff_user, case=case, experts=[member])
    another_expert.is_active = False
    another_expert.save()
    with pytest.raises(services.BoardError, match="Only active experts"):
        services.assign_counsellors(staff=staff_user, case=case, experts=[another_expert])
    assert [expert.full_name for expert in case.experts.all()] == ["Elena Bianchi"]


def test_reassigning_tells_only_the_newly_assigned(staff_user, case, expert, another_expert):
    services.assign_counsellors(staff=staff_user, case=case, experts=[expert, another_expert])

    assert kinds_for(expert) == []
    assert kinds_for(another_expert) == [Notification.Kind.COUNSELLING_ASSIGNED]
    assert set(case.experts.all()) == {expert, another_expert}


def test_a_meeting_cannot_be_recorded_before_it_is_held_or_before_the_request(expert_client, expert, case):
    in_english(expert)
    url = reverse("experts:case_meeting", args=[case.pk])
    CounsellingCase.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=10))

    future = expert_client.post(url, meeting_data(held_on=(timezone.localdate() + timedelta(days=1)).isoformat()))
    early = expert_client.post(url, meeting_data(held_on=(timezone.localdate() - timedelta(days=11)).isoformat()))
    invalid = expert_client.post(url, meeting_data(held_on="2026-13-01", notes=""))

    assert future.status_code == early.status_code == invalid.status_code == 400
    assert future.context["meeting_form"].errors == {"held_on": ["Record a meeting once it has been held."]}
    assert early.context["meeting_form"].errors == {
        "held_on": ["The meeting cannot precede the request for counselling."]
    }
    assert invalid.context["meeting_form"].errors == {
        "held_on": ["Enter a valid date."],
        "notes": ["This field is required."],
    }
    assert "Record a meeting once it has been held." in future.content.decode()
    assert case.meetings.count() == 1


def test_a_closed_case_takes_no_more_meetings_or_experts(expert_client, staff_client, staff_user, case, expert):
    in_english(expert)
    services.close_case(user=expert, case=case, outcome="Concluso.")

    page = expert_client.get(case.get_absolute_url()).content.decode()
    meeting = expert_client.post(reverse("experts:case_meeting", args=[case.pk]), meeting_data())
    meeting_messages = message_texts(meeting)
    again = expert_client.post(reverse("experts:case_close", args=[case.pk]), {"outcome": "Di nuovo."}, follow=True)
    assign = staff_client.post(reverse("experts:case_assign", args=[case.pk]), {"experts": [expert.pk]})

    assert reverse("experts:case_meeting", args=[case.pk]) not in page
    assert "Concluso." in page
    assert meeting.status_code == assign.status_code == 302
    assert meeting_messages == ["This counselling case is closed."]
    assert again.redirect_chain == [(case.get_absolute_url(), 302)]
    assert again.content.decode().count("This counselling case is closed.") == 2
    assert case.meetings.count() == 1
    case.refresh_from_db()
    assert case.outcome == "Concluso."
    with translation.override("en"), pytest.raises(services.BoardError, match="closed"):
        services.assign_counsellors(staff=staff_user, case=case, experts=[expert])


def test_meeting_notes_are_sanitised(staff_user, case):
    meeting = services.record_meeting(
        author=staff_user,
        case=case,
        held_on=timezone.localdate(),
        attendees="Tutti",
        notes="<script>alert(1)</script>**Note**",
        outcomes='<a href="javascript:alert(2)">x</a>',
    )

    assert "<script" not in meeting.notes_html
    assert "<strong>Note</strong>" in meeting.notes_html
    assert "javascript:" not in meeting.outcomes_html


def test_the_case_constraint_requires_a_closing_date(case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CounsellingCase.objects.filter(pk=case.pk).update(status=CounsellingCase.Status.CLOSED)


# The whole workflow


def test_request_assign_record_close(
    client_for, member, staff_user, administrator, expert, another_expert, project, django_capture_on_commit_callbacks
):
    member_client, staff_client = client_for(member), client_for(staff_user)
    expert_client = client_for(expert)
    other_staff_member = UserFactory(role=Role.MEMBER, organisation=member.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("experts:request_counselling", args=[project.pk]), {"needs": NEEDS})
    case = CounsellingCase.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert (case.requested_by, case.organisation, case.status) == (member, member.organisation, "requested")
    assert kinds_for(staff_user) == kinds_for(administrator) == [Notification.Kind.COUNSELLING_REQUESTED]
    assert kinds_for(member) == kinds_for(expert) == []
    request_note = Notification.objects.get(recipient=staff_user)
    assert (request_note.actor_name, request_note.target_title, request_note.target_url) == (
        "Giulia Ferrari",
        "SMART-HEAL – Medicazione intelligente per le ulcere del piede diabetico",
        case.get_absolute_url(),
    )
    assert {message.to[0] for message in mail.outbox} == {staff_user.email, administrator.email}
    assert "Giulia Ferrari" in mail.outbox[0].body
    assert case.get_absolute_url() in mail.outbox[0].body

    response = staff_client.post(
        reverse("experts:case_assign", args=[case.pk]), {"experts": [expert.pk, another_expert.pk]}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.assigned_by) == (CounsellingCase.Status.IN_PROGRESS, staff_user)
    assert case.assigned_at is not None
    assert kinds_for(expert) == kinds_for(another_expert) == [Notification.Kind.COUNSELLING_ASSIGNED]

    response = expert_client.post(
        reverse("experts:case_meeting", args=[case.pk]),
        meeting_data(notes="Parere del **CET** e notifica al Ministero della Salute."),
    )
    assert response.status_code == 302
    meeting = CounsellingMeeting.objects.get()
    assert (meeting.case, meeting.recorded_by, meeting.held_on) == (case, expert, timezone.localdate())
    assert kinds_for(member) == [Notification.Kind.COUNSELLING_MEETING]
    assert Notification.Kind.COUNSELLING_MEETING in kinds_for(another_expert)
    assert Notification.Kind.COUNSELLING_MEETING not in kinds_for(expert)
    # Colleagues in the same organisation read the case, but only the requester is notified.
    assert kinds_for(other_staff_member) == []

    response = expert_client.post(reverse("experts:case_close", args=[case.pk]), {"outcome": "CIP pronto."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CounsellingCase.Status.CLOSED, "CIP pronto.")
    assert kinds_for(member) == [Notification.Kind.COUNSELLING_CLOSED, Notification.Kind.COUNSELLING_MEETING]

    in_english(member)
    page = member_client.get(case.get_absolute_url()).content.decode()
    assert "Parere del <strong>CET</strong> e notifica al Ministero della Salute." in page
    assert "CIP pronto." in page
    assert "Elena Bianchi" in page and "Marco Conti" in page
    assert "<form" not in page.split('id="main-content"')[1]
    colleague_page = client_for(other_staff_member).get(case.get_absolute_url())
    assert colleague_page.status_code == 200


def test_staff_record_a_first_meeting_before_assigning(staff_user, member, project):
    case = CounsellingCaseFactory(project=project, organisation=member.organisation, requested_by=member)

    services.record_meeting(author=staff_user, case=case, held_on=timezone.localdate(), attendees="X", notes="Y")

    case.refresh_from_db()
    assert case.status == CounsellingCase.Status.IN_PROGRESS
    assert kinds_for(member) == [Notification.Kind.COUNSELLING_MEETING]


# Confidentiality


def test_notes_never_reach_another_organisation_even_a_co_beneficiary(
    client_for, case, other_member, expert, staff_user, django_capture_on_commit_callbacks
):
    # NeuroPasso becomes a beneficiary too, and asks for its own counselling.
    case.project.beneficiaries.add(other_member.organisation)
    other_client = client_for(other_member)
    with django_capture_on_commit_callbacks(execute=True):
        other_client.post(reverse("experts:request_counselling", args=[case.project.pk]), {"needs": "x" * 40})
        services.record_meeting(author=expert, case=case, held_on=timezone.localdate(), attendees="A", notes=NOTES)
        services.close_case(user=expert, case=case, outcome="Esito riservato del caso.")
    own = CounsellingCase.objects.get(organisation=other_member.organisation)

    listing = other_client.get(reverse("experts:cases"))
    project_page = other_client.get(case.project.get_absolute_url())
    detail = other_client.get(case.get_absolute_url())

    assert list(listing.context["page"]) == [own]
    assert project_page.context["cases"] == [own]
    assert detail.status_code == 404
    for response in (listing, project_page, detail):
        page = response.content.decode()
        assert NEEDS not in page
        assert "il calcolo della dimensione del campione" not in page
        assert "Esito riservato del caso." not in page
    for response in (listing, project_page):
        assert case.get_absolute_url() not in response.content.decode()
    assert Notification.objects.filter(recipient=other_member).count() == 0
    assert not [message for message in mail.outbox if other_member.email in message.to]
    for write in ("case_meeting", "case_close"):
        assert other_client.post(reverse(f"experts:{write}", args=[case.pk]), meeting_data()).status_code == 404


def test_a_requester_who_changed_organisation_loses_the_case(client_for, case, member, expert, other_member):
    member.organisation = other_member.organisation
    member.save()

    services.record_meeting(author=expert, case=case, held_on=timezone.localdate(), attendees="A", notes="B")

    assert client_for(member).get(case.get_absolute_url()).status_code == 404
    assert Notification.objects.filter(recipient=member).count() == 0


def test_the_queryset_and_the_object_rule_agree(case, member, other_member, expert, staff_user, administrator):
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(role=Role.MEMBER, organisation=member.organisation, is_active=False)
    loner = UserFactory(role=Role.MEMBER, organisation=None)
    staff_elsewhere = UserFactory(role=Role.STAFF, organisation=OrganisationFactory())
    colleague_expert = UserFactory(role=Role.EXPERT, organisation=member.organisation)
    elsewhere = CounsellingCaseFactory(project=case.project, organisation=case.project.beneficiaries.last())
    users = [AnonymousUser(), member, other_member, expert, staff_user, administrator, inactive, loner]
    users += [staff_elsewhere, colleague_expert]

    for user in users:
        for item in (case, elsewhere):
            listed = CounsellingCase.objects.visible_to(user).filter(pk=item.pk).exists()
            assert listed is can_see_case(user, item), (user, item)
    assert can_see_case(member, case) and not can_see_case(member, elsewhere)
    assert not can_see_case(inactive, case)
    with pytest.raises(Http404):
        get_case_for_user(other_member, case.pk)


# Linked work


def test_the_case_page_has_an_empty_linked_work_section(expert_client, expert, case):
    in_english(expert)

    page = expert_client.get(case.get_absolute_url()).content.decode()

    assert 'id="linked-work-title"' in page
    assert "No question has been linked to this case yet." in page


def test_linked_questions_follow_the_forums_visibility(client_for, case, member, other_member, expert, staff_user):
    confidential = QuestionFactory(author=member, confidential=True, title="Quale CET per la nostra indagine?")
    hidden = QuestionFactory(author=member, is_hidden=True, title="Domanda nascosta dai moderatori")
    unlinked = QuestionFactory(author=member, title="Domanda non collegata al caso")
    Question.objects.filter(pk__in=[confidential.pk, hidden.pk]).update(counselling_case=case)

    def linked(user) -> set[str]:
        page = client_for(user).get(case.get_absolute_url()).content.decode()
        return {q.title for q in (confidential, hidden, unlinked) if f'href="{q.get_absolute_url()}"' in page}

    assert linked(member) == linked(expert) == {confidential.title}
    assert linked(staff_user) == {confidential.title, hidden.title}


def test_a_member_asks_a_question_from_their_case(client_for, case, member, other_member):
    ask = reverse("forum:ask")
    form = client_for(member).get(ask, {"case": case.pk}).context["form"]
    assert list(form.fields["counselling_case"].queryset) == [case]
    assert "counselling_case" not in client_for(other_member).get(ask).context["form"].fields

    response = client_for(member).post(
        ask,
        {
            "title": "Quale comitato etico per lo studio pilota del progetto?",
            "body": "Il progetto finanziato prevede uno studio pilota in due centri lombardi.",
            "topics": [Topic.objects.get(slug="ethics-authority-submission").pk],
            "visibility": "confidential",
            "counselling_case": case.pk,
        },
    )

    assert response.status_code == 302
    assert Question.objects.get().counselling_case == case


# Filters of the case list


def test_the_board_filters_cases_by_status_and_assignment(client_for, case, expert, another_expert, project):
    waiting = CounsellingCaseFactory(project=FundedProjectFactory(), status=CounsellingCase.Status.REQUESTED)
    theirs = CounsellingCaseFactory(project=FundedProjectFactory(), experts=[another_expert])
    client = client_for(expert)
    url = reverse("experts:cases")

    def listed(**query):
        return set(client.get(url, query).context["page"])

    assert listed() == {case, waiting, theirs}
    assert listed(status="requested") == {waiting}
    assert listed(mine="on") == {case}
    assert listed(mine="on", status="closed") == set()


def test_members_have_no_assigned_to_me_filter(member_client, case):
    response = member_client.get(reverse("experts:cases"), {"mine": "on"})

    assert "mine" not in response.context["filter"].form.fields
    assert list(response.context["page"]) == [case]


# Queries: constant whatever the number of rows

ANONYMOUS_BUDGET = 6
SIGNED_IN_BUDGET = 10


@pytest.mark.parametrize("rows", [1, 30])
def test_registry_queries(anonymous_client, staff_client, django_assert_max_num_queries, rows):
    for n in range(rows):
        FundedProjectFactory(
            beneficiaries=[OrganisationFactory(), OrganisationFactory()], call=f"Bando {n % 4}", acronym=f"P{n}"
        )

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        response = anonymous_client.get(reverse("experts:projects"))
    assert len(response.context["page"]) == min(rows, 20)
    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(reverse("experts:projects"), {"status": "ongoing", "q": "P"}).status_code == 200
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert staff_client.get(reverse("experts:projects")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_project_page_queries(anonymous_client, client_for, member, expert, django_assert_max_num_queries, rows):
    project = FundedProjectFactory(beneficiaries=[member.organisation, *(OrganisationFactory() for _ in range(rows))])
    for organisation in project.beneficiaries.all():
        case = CounsellingCaseFactory(project=project, organisation=organisation, experts=[expert])
        CounsellingMeetingFactory(case=case)

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        assert anonymous_client.get(project.get_absolute_url()).status_code == 200
    for client in [client_for(member), client_for(expert)]:
        with django_assert_max_num_queries(SIGNED_IN_BUDGET):
            assert client.get(project.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_case_list_queries(client_for, member, expert, staff_user, django_assert_max_num_queries, rows):
    experts = [expert, UserFactory(role=Role.EXPERT, with_mfa=True)]
    for _ in range(rows):
        case = CounsellingCaseFactory(
            project=FundedProjectFactory(beneficiaries=[member.organisation]), requested_by=member, experts=experts
        )
        CounsellingMeetingFactory.create_batch(2, case=case)

    clients = [client_for(user) for user in (member, expert, staff_user)]
    for client in clients:
        with django_assert_max_num_queries(SIGNED_IN_BUDGET):
            response = client.get(reverse("experts:cases"))
        assert response.context["page"].paginator.count == rows
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert clients[1].get(reverse("experts:cases"), {"mine": "on", "status": "in_progress"}).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_case_page_queries(client_for, case, member, expert, staff_user, django_assert_max_num_queries, rows):
    for n in range(rows):
        CounsellingMeetingFactory(case=case, held_on=timezone.localdate() - timedelta(days=n), recorded_by=expert)
    for _ in range(rows):
        UserFactory(role=Role.EXPERT, with_mfa=True)  # more experts to choose from in the assignment form

    for client in [client_for(user) for user in (member, expert, staff_user)]:
        # Two more for the linked introductions to clinics and facilitated investigations.
        with django_assert_max_num_queries(SIGNED_IN_BUDGET + 2):
            response = client.get(case.get_absolute_url())
        assert len(response.context["meetings"]) == rows + 1


def test_the_admin_shows_the_three_models(admin_client, case):
    meeting = case.meetings.get()
    for model, item in (("fundedproject", case.project), ("counsellingcase", case), ("counsellingmeeting", meeting)):
        assert admin_client.get(reverse(f"admin:experts_{model}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:experts_{model}_change", args=[item.pk])).status_code == 200


def test_the_question_page_links_its_case_for_those_who_may_read_it(client_for, case, member, other_member, expert):
    question = QuestionFactory(author=member, title="Quale CET per lo studio pilota del progetto?")
    Question.objects.filter(pk=question.pk).update(counselling_case=case)

    for user, shown in ((member, True), (expert, True), (other_member, False)):
        page = client_for(user).get(question.get_absolute_url()).content.decode()
        assert (f'href="{case.get_absolute_url()}"' in page) is shown
