"""Factories for introductions to clinics, feasibility requests and
facilitated investigations.

Plain rows, so that tests can set any state directly (an expired link, an
answer long ago, an investigation already submitted); the workflows themselves
are tested through the services and the pages. A ``FeasibilityRequestFactory``
keeps the token it was made with on ``.token`` (only its hash is stored), so a
test can open the personal link as the contact would.
"""

import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from experts.models import FacilitatedInvestigation, FeasibilityRequest, Introduction, InvestigationStage, StageChange
from experts.models.introductions import hash_token
from portal.accounts.roles import Role
from tests.factories.accounts import OrganisationFactory, UserFactory
from tests.factories.network import ClinicContactFactory, ClinicFactory


class IntroductionFactory(factory.django.DjangoModelFactory):
    """A member's request; ``IntroductionFactory(clinics=[...], populations=[...])``
    names what they chose (one new listed clinic otherwise)."""

    class Meta:
        model = Introduction
        skip_postgeneration_save = True

    class Params:
        # Sent to clinics: the state the constraint requires (a date and a deadline).
        sent = factory.Trait(
            status=Introduction.Status.SENT,
            sent_at=factory.LazyFunction(timezone.now),
            reply_by=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7)),
            message="Vi chiediamo se il vostro centro è interessato a un'indagine pilota.",
        )

    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.LazyAttribute(
        lambda introduction: UserFactory(role=Role.MEMBER, organisation=introduction.organisation)
    )
    device = factory.Sequence(lambda n: f"Sensore indossabile numero {n} per il monitoraggio del cammino, classe IIa")
    investigation = "Indagine pilota su 40 soggetti con malattia di Parkinson, sei mesi, ai sensi dell'art. 62 del MDR."
    status = Introduction.Status.REQUESTED

    @factory.post_generation
    def clinics(self, create, extracted, **kwargs):
        if create:
            self.clinics.set(extracted if extracted is not None else [ClinicFactory()])

    @factory.post_generation
    def populations(self, create, extracted, **kwargs):
        if create and extracted:
            self.populations.set(extracted)


class FeasibilityRequestFactory(factory.django.DjangoModelFactory):
    """One contact's part of a sent introduction, open for a week unless told otherwise."""

    class Meta:
        model = FeasibilityRequest

    introduction = factory.SubFactory(IntroductionFactory, sent=True)
    contact = factory.SubFactory(ClinicContactFactory)
    clinic = factory.LazyAttribute(lambda request: request.contact.clinic)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    token_hash = factory.LazyAttribute(lambda request: hash_token(request.token))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    answered_at = factory.LazyAttribute(lambda request: timezone.now() if request.answer else None)
    answer = ""
    comment = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The token is not a field: keep it on the instance for the test's use.
        token = kwargs.pop("token")
        instance = super()._create(model_class, *args, **kwargs)
        instance.token = token
        return instance


class FacilitatedInvestigationFactory(factory.django.DjangoModelFactory):
    """An investigation at the feasibility stage (with that first stage recorded);
    ``FacilitatedInvestigationFactory(clinics=[...])`` names its clinics."""

    class Meta:
        model = FacilitatedInvestigation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Indagine pilota numero {n} del sensore indossabile")
    sponsor = factory.SubFactory(OrganisationFactory)
    stage = InvestigationStage.FEASIBILITY

    @factory.post_generation
    def clinics(self, create, extracted, **kwargs):
        if create:
            self.clinics.set(extracted if extracted is not None else [ClinicFactory()])

    @factory.post_generation
    def first_stage(self, create, extracted, **kwargs):
        if create:
            on = extracted or timezone.localdate() - timedelta(days=30)
            StageChange.objects.create(investigation=self, stage=InvestigationStage.FEASIBILITY, on=on)
