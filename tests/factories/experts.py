"""Factories for the counselling of funded projects.

Plain rows, with their HTML rendered as ``experts.services`` renders it, so
that tests can set any state (a closed case, a meeting long ago) directly; the
workflows themselves are tested through the services and the pages.
"""

import datetime

import factory
from django.utils import timezone

from experts.models import CounsellingCase, CounsellingMeeting, FundedProject
from portal.accounts.roles import Role
from portal.markdown import render_markdown
from tests.factories.accounts import OrganisationFactory, UserFactory

HUB_CALL = "POR FESR 2014-2020, Asse I – Call HUB Ricerca e Innovazione"


class FundedProjectFactory(factory.django.DjangoModelFactory):
    """A project in the registry; ``FundedProjectFactory(beneficiaries=[org, ...])``
    names its beneficiaries (one new organisation otherwise)."""

    class Meta:
        model = FundedProject
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Progetto finanziato numero {n} per un dispositivo indossabile")
    acronym = factory.Sequence(lambda n: f"PRJ{n}")
    call = HUB_CALL
    status = FundedProject.Status.ONGOING
    clinical_aims = "Dimostrare la **sicurezza** e le prestazioni del dispositivo in un'indagine pilota."
    clinical_aims_html = factory.LazyAttribute(lambda project: render_markdown(project.clinical_aims))
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2026, 12, 31)

    @factory.post_generation
    def beneficiaries(self, create, extracted, **kwargs):
        if create:
            self.beneficiaries.set(extracted if extracted is not None else [OrganisationFactory()])


class CounsellingCaseFactory(factory.django.DjangoModelFactory):
    """A case requested by a member of one of the project's beneficiaries;
    ``CounsellingCaseFactory(experts=[...])`` assigns experts (and puts the
    case in progress unless a ``status`` is given)."""

    class Meta:
        model = CounsellingCase
        skip_postgeneration_save = True

    project = factory.SubFactory(FundedProjectFactory)
    organisation = factory.LazyAttribute(lambda case: case.project.beneficiaries.first())
    requested_by = factory.LazyAttribute(lambda case: UserFactory(role=Role.MEMBER, organisation=case.organisation))
    needs = "Ci serve aiuto per scegliere il percorso regolatorio e dimensionare il campione dell'indagine."
    status = CounsellingCase.Status.REQUESTED
    closed_at = factory.LazyAttribute(
        lambda case: timezone.now() if case.status == CounsellingCase.Status.CLOSED else None
    )
    outcome = factory.LazyAttribute(
        lambda case: "Piano di indagine clinica completato." if case.status == CounsellingCase.Status.CLOSED else ""
    )

    @factory.post_generation
    def experts(self, create, extracted, **kwargs):
        if create and extracted:
            self.experts.set(extracted)
            if self.status == CounsellingCase.Status.REQUESTED:
                self.status = CounsellingCase.Status.IN_PROGRESS
                self.assigned_at = timezone.now()
                self.save(update_fields=["status", "assigned_at"])


class CounsellingMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CounsellingMeeting

    case = factory.SubFactory(CounsellingCaseFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    attendees = "Il gruppo di progetto e gli esperti assegnati"
    notes = factory.Sequence(lambda n: f"Note dell'incontro numero {n}: discusso il **piano di indagine clinica**.")
    notes_html = factory.LazyAttribute(lambda meeting: render_markdown(meeting.notes))
    outcomes = "- Redigere la bozza del CIP"
    outcomes_html = factory.LazyAttribute(lambda meeting: render_markdown(meeting.outcomes))
    recorded_by = factory.LazyAttribute(lambda meeting: meeting.case.experts.first())
