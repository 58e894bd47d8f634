"""The security tests' world: the six personas and one of everything a URL can
name, built once per module inside a transaction rolled back at its end (the
``world`` fixture of tests/security/conftest.py)."""

import secrets
from datetime import timedelta
from types import SimpleNamespace

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.utils import timezone

from experts.models import FacilitatedInvestigation
from guidelines import services as guideline_services
from guidelines.models import Rendition
from portal.accounts.roles import Role
from portal.metrics import tokens
from portal.metrics.models import Report
from portal.surveys import services as survey_services
from portal.surveys.models import Audience, Invitation
from portal.surveys.models import Question as SurveyQuestion
from tests.factories import (
    AnswerFactory,
    AssignmentFactory,
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    CommentFactory,
    CounsellingCaseFactory,
    CounsellingMeetingFactory,
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
from tests.security.routes import ready_pdf

ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN = (
    "anonymous",
    "member",
    "other_member",
    "expert",
    "staff",
    "admin",
)
PERSONAS = (ANONYMOUS, MEMBER, OTHER_MEMBER, EXPERT, STAFF, ADMIN)


def build_world() -> SimpleNamespace:
    """One of everything a URL can name: the member's organisation's rows (a
    confidential question, its attachment and answer, a counselling case, an
    introduction, an investigation), the guidelines, surveys, a report, a token."""
    w = SimpleNamespace()
    w.organisation = OrganisationFactory(name="Brianza Medical Devices S.r.l.")
    w.users = {
        MEMBER: UserFactory(role=Role.MEMBER, organisation=w.organisation, full_name="Giulia Ferrari"),
        OTHER_MEMBER: UserFactory(role=Role.MEMBER, organisation=OrganisationFactory(name="NeuroPasso S.r.l.")),
        # A listed expert of the board (with a profile, so that "my profile" exists), with MFA.
        EXPERT: ExpertFactory(full_name="Elena Bianchi", with_mfa=True),
        STAFF: UserFactory(role=Role.STAFF, organisation=None, with_mfa=True, full_name="Luca Rossi"),
        ADMIN: UserFactory(role=Role.ADMINISTRATOR, organisation=None, with_mfa=True, full_name="Sara Galli"),
    }
    member, expert, staff = w.users[MEMBER], w.users[EXPERT], w.users[STAFF]
    w.expert_profile = expert.expert_profile

    # The forum: the member's confidential question (with an attachment, an
    # answer, a clarification), a public one, an assignment, an FAQ entry.
    w.question = QuestionFactory(author=member, confidential=True, title="Domanda riservata della Brianza")
    w.attachment = add_pdf(w.question)
    w.answer = AnswerFactory(question=w.question, author=expert)
    CommentFactory(question=w.question)
    w.public_question = QuestionFactory(author=member, title="Domanda pubblica della Brianza")
    w.assignment = AssignmentFactory(question=w.public_question, expert=expert, assigned_by=staff)
    w.faq = FAQEntryFactory()

    # Counselling: a project of the member's organisation, its case with the expert assigned.
    w.project = FundedProjectFactory(beneficiaries=[w.organisation])
    w.case = CounsellingCaseFactory(project=w.project, requested_by=member, experts=[expert])
    CounsellingMeetingFactory(case=w.case, recorded_by=expert)

    # The clinical network: a listed clinic with its parts; the member's
    # introduction, sent, with a contact's feasibility request; an investigation.
    w.clinic = ClinicFactory()
    w.department = DepartmentFactory(clinic=w.clinic)
    w.population = ClinicalPopulationFactory(clinic=w.clinic)
    w.contact = ClinicContactFactory(clinic=w.clinic)
    w.introduction = IntroductionFactory(
        organisation=w.organisation, requested_by=member, clinics=[w.clinic], sent=True
    )
    w.feasibility = FeasibilityRequestFactory(introduction=w.introduction, contact=w.contact)
    w.investigation = FacilitatedInvestigationFactory(sponsor=w.organisation, clinics=[w.clinic])
    FacilitatedInvestigation.objects.filter(pk=w.investigation.pk).update(introduction=w.introduction)

    # The guidelines: version 1.0, and the draft after it with a comment thread;
    # a ready PDF of each.
    w.version = published_version(sections=3)
    draft = DraftFactory(based_on=w.version, revision=2)
    w.section = SectionFactory(version=draft)
    w.thread = guideline_services.start_thread(section=w.section, by=expert, body="Da rivedere.")
    w.rendition = ready_pdf(Rendition(version=w.version, language="it", revision=w.version.revision), "linee-guida.pdf")
    w.draft_rendition = ready_pdf(Rendition(version=draft, language="it", revision=draft.revision), "bozza.pdf")

    # Surveys: an open one for members with a question, the member's personal
    # invitation to it, and a public one with its public link.
    w.survey = SurveyFactory(created_by=staff, audience=Audience.MEMBERS)
    w.survey_question = SurveyQuestionFactory(survey=w.survey, kind=SurveyQuestion.Kind.TEXT)
    w.invitation_token, hashed = survey_services.new_token()
    Invitation.objects.create(survey=w.survey, user=member, token_hash=hashed)
    # A draft survey, for the builder's pages (a published one is frozen: they send to its page).
    w.draft_survey = SurveyFactory(created_by=staff, published_at=None)
    w.draft_survey_question = SurveyQuestionFactory(survey=w.draft_survey, kind=SurveyQuestion.Kind.TEXT)
    w.public_survey = SurveyFactory(audience=Audience.PUBLIC, public_key=secrets.token_urlsafe(16))
    SurveyQuestionFactory(survey=w.public_survey)

    # Metrics: a ready report; the administrator's API token.
    today = timezone.localdate()
    w.report = ready_pdf(
        Report(period_start=today - timedelta(days=180), period_end=today, language="it", requested_by=staff),
        "relazione.pdf",
    )
    w.api_token, w.api_token_raw = tokens.create_token(user=w.users[ADMIN], name="Regione")

    # Values of URLs that are not primary keys.
    w.feasibility_token = w.feasibility.token
    w.version_number = w.version.number
    w.public_survey_key = w.public_survey.public_key
    w.metric, w.extension = "all", "json"
    # allauth's links from emails: confirming the member's new address, resetting their password.
    new_address = EmailAddress.objects.create(user=member, email="nuovo@example.org", verified=False)
    w.email_key = EmailConfirmationHMAC(new_address).key
    w.reset_uid, w.reset_key = user_pk_to_url_str(member), default_token_generator.make_token(member)
    # The privileged personas have recovery codes beside their TOTP.
    for persona in (EXPERT, STAFF, ADMIN):
        RecoveryCodes.activate(w.users[persona])
    return w
