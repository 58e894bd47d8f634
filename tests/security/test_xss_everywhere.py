"""Cross-site scripting beyond the forum: the corpus of ``tests/security/xss.py``
written into every field that some page shows back — people's and
organisations' names, expert profiles, the clinical network (clinics,
departments, populations, contacts), introductions and feasibility answers,
counselling (projects, cases, meeting notes), the guidelines (titles, sections
in Markdown, references, review comments, changelogs), surveys (titles,
introductions, questions, options, free-text answers), notifications — and
read back as every persona who sees it. Nothing executable may come back, in
pages, the Atom feed or the HTML emails; CSV exports turn formula-like cells
into text.

Rows are written with factories and services, not through the forms: the forms
may refuse some payloads, the pages must be safe whatever is stored.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from experts.models import ExpertProfile, Sector, StageChange, Topic
from guidelines import services as guideline_services
from guidelines.models import Version
from portal.accounts import services as account_services
from portal.accounts.models import Notification
from portal.surveys import services as survey_services
from portal.surveys.models import Question as SurveyQuestion
from tests.factories import (
    AnswerFactory,
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    CounsellingCaseFactory,
    CounsellingMeetingFactory,
    DepartmentFactory,
    FundedProjectFactory,
    OrganisationFactory,
    QuestionFactory,
)
from tests.factories.guidelines import DraftFactory, ReferenceFactory, SectionFactory
from tests.factories.introductions import (
    FacilitatedInvestigationFactory,
    FeasibilityRequestFactory,
    IntroductionFactory,
)
from tests.factories.surveys import OptionFactory, SurveyFactory
from tests.factories.surveys import QuestionFactory as SurveyQuestionFactory
from tests.security.xss import PAYLOAD_IDS, PAYLOADS, assert_safe, assert_safe_feed

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("https://evil.example.org","clicca")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture(params=PAYLOADS, ids=PAYLOAD_IDS)
def payload(request):
    return request.param


def cut(text: str, length: int) -> str:
    return text[:length]


@pytest.fixture
def world(payload, member, expert, staff_user, other_member, django_capture_on_commit_callbacks):
    """The payload in every field shown back outside the forum."""
    organisation = member.organisation
    organisation.name = cut(f"Azienda {payload}", 200)
    organisation.save()
    member.full_name = cut(f"Giulia {payload}", 150)
    member.save()
    expert.full_name = cut(f"Elena {payload}", 150)
    expert.save()
    profile = ExpertProfile.objects.create(
        user=expert,
        sector=Sector.CLINICAL,
        affiliation=cut(f"Ospedale {payload}", 200),
        bio=f"Cardiologa {payload}",
        declaration_of_interests=f"Nessuno {payload}",
        is_listed=True,
        accepts_questions=True,
    )
    profile.topics.set(Topic.objects.active()[:1])

    question = QuestionFactory(author=member, title=cut(f"Domanda sulla classe {payload}", 200))
    with django_capture_on_commit_callbacks(execute=True):
        AnswerFactory(question=question, author=expert, body=f"Risposta {payload}")
        account_services.notify(
            recipients=[member],
            kind=Notification.Kind.ANSWERED,
            actor=expert,
            target_title=cut(f"Notifica {payload}", 200),
            target_url=question.get_absolute_url(),
        )

    clinic = ClinicFactory(
        name=cut(f"Policlinico {payload}", 200),
        city=cut(f"Pavia {payload}", 100),
        ethics_committee=cut(f"Comitato {payload}", 200),
        description=f"Descrizione {payload}",
        website="https://example.org/?q=%22onmouseover=alert(1)",
    )
    department = DepartmentFactory(clinic=clinic, name=cut(f"Reparto {payload}", 150))
    population = ClinicalPopulationFactory(
        clinic=clinic, department=department, condition=cut(f"Diabete {payload}", 200)
    )
    contact = ClinicContactFactory(
        clinic=clinic, full_name=cut(f"Marta {payload}", 150), role=cut(f"Ufficio {payload}", 150)
    )
    introduction = IntroductionFactory(
        organisation=organisation,
        requested_by=member,
        device=f"Dispositivo {payload}",
        investigation=f"Indagine {payload}",
        clinics=[clinic],
        populations=[population],
        sent=True,
        message=f"Messaggio {payload}",
    )
    feasibility = FeasibilityRequestFactory(
        introduction=introduction, contact=contact, answer="interested", comment=f"Commento {payload}"
    )
    investigation = FacilitatedInvestigationFactory(
        title=cut(f"Indagine facilitata {payload}", 250), sponsor=organisation, clinics=[clinic]
    )
    StageChange.objects.create(
        investigation=investigation, stage="plan", on=timezone.localdate(), note=cut(f"Nota {payload}", 500)
    )

    project = FundedProjectFactory(
        title=cut(f"Progetto {payload}", 255),
        acronym=cut(payload, 40),
        call=cut(f"Bando {payload}", 200),
        clinical_aims=f"Obiettivi {payload}",
        beneficiaries=[organisation],
    )
    case = CounsellingCaseFactory(
        project=project, organisation=organisation, requested_by=member, needs=f"Bisogni {payload}", experts=[expert]
    )
    CounsellingMeetingFactory(
        case=case, attendees=cut(f"Presenti {payload}", 300), notes=f"Note {payload}", outcomes=f"Esiti {payload}"
    )

    draft = DraftFactory(title_it=cut(f"Linee guida {payload}", 200), title_en=cut(f"Guidelines {payload}", 200))
    section = SectionFactory(
        version=draft,
        title_it=cut(f"Sezione {payload}", 200),
        title_en=cut(f"Section {payload}", 200),
        body_it=f"Testo {payload}\n\n[link](javascript:alert('md'))",
        body_en=f"Text {payload}",
    )
    ReferenceFactory(section=section, document=cut(f"MDCG {payload}", 120), title=cut(f"Titolo {payload}", 300))
    guideline_services.publish_version(
        by=staff_user, step=guideline_services.Step.MAJOR, changelog_it=f"Novità {payload}", changelog_en="First."
    )
    draft = Version.objects.draft().get()
    guideline_services.start_thread(section=draft.sections.get(), by=expert, body=f"Osservazione {payload}")

    survey = SurveyFactory(
        title_it=cut(f"Questionario {payload}", 200),
        title_en=cut(f"Survey {payload}", 200),
        intro_it=f"Introduzione {payload}",
        intro_en=f"Introduction {payload}",
        created_by=staff_user,
        anonymous=False,
    )
    text = SurveyQuestionFactory(
        survey=survey, kind=SurveyQuestion.Kind.TEXT, text_it=f"Domanda {payload}", text_en=f"Question {payload}"
    )
    single = SurveyQuestionFactory(survey=survey, kind=SurveyQuestion.Kind.SINGLE, help_it=f"Aiuto {payload}")
    first = OptionFactory(question=single, text_it=cut(f"Opzione {payload}", 200), text_en="Option")
    OptionFactory(question=single, text_it="Altra", text_en="Other")
    for user in (other_member,):
        respondent = survey_services.respondent_for_user(survey=survey, user=user)
        survey_services.submit_response(
            survey=survey,
            respondent=respondent,
            answers={str(text.pk): f"Risposta libera {payload}", str(single.pk): first.pk},
        )
    return {
        "question": question,
        "clinic": clinic,
        "contact": contact,
        "introduction": introduction,
        "feasibility": feasibility,
        "investigation": investigation,
        "project": project,
        "case": case,
        "section": draft.sections.get(),
        "survey": survey,
        "text": text,
    }


def assert_pages_safe(client, urls) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe(response.content.decode())


def test_names_and_profiles_are_safe_wherever_shown(world, anonymous_client, member_client, staff_client, expert):
    question = world["question"]
    assert_pages_safe(
        anonymous_client,
        [
            question.get_absolute_url(),
            reverse("experts:board"),
            reverse("experts:profile", args=[expert.expert_profile.pk]),
        ],
    )
    assert_pages_safe(
        member_client, [reverse("dashboard"), reverse("accounts:notifications"), reverse("accounts:profile")]
    )
    assert_pages_safe(
        staff_client,
        [reverse("dashboard"), reverse("forum:triage"), reverse("forum:assign", args=[question.pk])],
    )


def test_expert_pages_are_safe(world, expert_client):
    assert_pages_safe(
        expert_client,
        [reverse("dashboard"), reverse("forum:expert_dashboard"), reverse("experts:edit_own_profile")],
    )


def test_the_clinical_network_is_safe(world, anonymous_client, expert_client, staff_client):
    clinic, contact = world["clinic"], world["contact"]
    for client in (anonymous_client, expert_client, staff_client):
        assert_pages_safe(client, [reverse("experts:clinics"), clinic.get_absolute_url()])
    assert_pages_safe(
        staff_client,
        [
            reverse("experts:clinic_edit", args=[clinic.pk]),
            reverse("experts:contact_edit", args=[clinic.pk, contact.pk]),
            reverse("experts:clinics") + "?q=Policlinico",
        ],
    )


def test_introductions_and_investigations_are_safe(world, member_client, staff_client, expert_client):
    introduction, investigation = world["introduction"], world["investigation"]
    for client in (member_client, staff_client, expert_client):
        assert_pages_safe(client, [reverse("experts:introductions"), introduction.get_absolute_url()])
    assert_pages_safe(member_client, [reverse("experts:introduction_new")])
    for client in (staff_client, expert_client):
        assert_pages_safe(client, [reverse("experts:investigations"), investigation.get_absolute_url()])


def test_the_feasibility_link_is_safe(world, anonymous_client):
    request = FeasibilityRequestFactory(
        introduction=world["introduction"], contact=ClinicContactFactory(clinic=world["clinic"])
    )
    assert_pages_safe(anonymous_client, [reverse("experts:feasibility_answer", args=[request.token])])


def test_counselling_is_safe(world, anonymous_client, member_client, expert_client, staff_client):
    project, case = world["project"], world["case"]
    assert_pages_safe(anonymous_client, [reverse("experts:projects"), project.get_absolute_url()])
    for client in (member_client, expert_client, staff_client):
        assert_pages_safe(client, [reverse("experts:cases"), case.get_absolute_url()])
    assert_pages_safe(staff_client, [reverse("experts:project_edit", args=[project.pk])])


def test_the_guidelines_are_safe(world, anonymous_client, expert_client, staff_client):
    assert_pages_safe(
        anonymous_client,
        [reverse("guidelines:current"), reverse("guidelines:versions"), reverse("guidelines:version", args=["1.0"])],
    )
    section = world["section"]
    assert_pages_safe(
        expert_client, [reverse("guidelines:draft"), reverse("guidelines:compare") + "?from=1.0&to=draft"]
    )
    assert_pages_safe(
        staff_client,
        [
            reverse("guidelines:edit_section", args=[section.pk]),
            reverse("guidelines:edit_title"),
            reverse("guidelines:review"),
            reverse("guidelines:publish"),
        ],
    )
    assert_safe_feed(anonymous_client.get(reverse("guidelines:feed")).content.decode())
    page = anonymous_client.get(reverse("guidelines:version", args=["1.0"])).content.decode()
    assert "javascript:alert('md')" not in page


def test_surveys_are_safe(world, member_client, staff_client):
    survey, text = world["survey"], world["text"]
    assert_pages_safe(member_client, [reverse("surveys:mine"), reverse("surveys:respond", args=[survey.pk])])
    assert_pages_safe(
        staff_client,
        [
            reverse("surveys:list"),
            reverse("surveys:detail", args=[survey.pk]),
            reverse("surveys:preview", args=[survey.pk]),
            reverse("surveys:results", args=[survey.pk]),
            reverse("surveys:texts", args=[survey.pk, text.pk]),
        ],
    )


def test_metrics_pages_are_safe(world, staff_client):
    assert_pages_safe(staff_client, [reverse("metrics:dashboard"), reverse("metrics:reports")])


def test_html_emails_are_safe(world, payload):
    html = [body for message in mail.outbox for body, kind in getattr(message, "alternatives", []) if "html" in kind]

    assert mail.outbox, "the answer and the notification send emails"
    for body in html:
        assert_safe(body)
    for message in mail.outbox:
        assert "\n" not in message.subject


# CSV: the text a spreadsheet would run


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _formula_cells(rows) -> list[str]:
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_survey_export_turns_formulas_into_text(formula, staff_client, staff_user, other_member):
    survey = SurveyFactory(title_it=formula, created_by=staff_user, anonymous=False)
    text = SurveyQuestionFactory(survey=survey, kind=SurveyQuestion.Kind.TEXT, text_it=formula, text_en=formula)
    other_member.full_name = formula
    other_member.save()
    respondent = survey_services.respondent_for_user(survey=survey, user=other_member)
    survey_services.submit_response(survey=survey, respondent=respondent, answers={str(text.pk): formula})

    rows = _csv(staff_client.get(reverse("surveys:export", args=[survey.pk])))

    assert _formula_cells(rows) == []
    assert f"'{formula}" in [cell for row in rows for cell in row]


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_metrics_exports_turn_formulas_into_text(formula, staff_client, member, expert):
    expert.full_name = formula
    expert.save()
    ExpertProfile.objects.create(user=expert, sector=Sector.CLINICAL, affiliation=formula, is_listed=True)
    AnswerFactory(question=QuestionFactory(author=member), author=expert, body="Una risposta articolata e utile.")
    SurveyFactory(title_it=formula, title_en=formula)
    today = timezone.localdate()
    period = {"start": (today - timedelta(days=10)).isoformat(), "end": today.isoformat()}

    cells = []
    for metric in ("experts", "surveys", "topics"):
        response = staff_client.get(reverse("metrics:export", args=[metric, "csv"]), period)
        assert response.status_code == 200
        rows = _csv(response)
        assert _formula_cells(rows) == []
        cells += [cell for row in rows for cell in row]
    assert f"'{formula}" in cells


def test_an_organisation_name_is_text_in_the_metrics_export(staff_client):
    OrganisationFactory(name="=1+1")
    response = staff_client.get(reverse("metrics:export", args=["daily", "csv"]))

    assert response.status_code == 200
    assert _formula_cells(_csv(response)) == []
