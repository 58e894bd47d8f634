"""Factories for the clinical network: listed clinics (consent given, not
expired), their departments, populations and consenting contacts."""

from datetime import timedelta

import factory
from django.utils import timezone

from experts.models import AgeGroup, CareSetting, Clinic, ClinicalPopulation, ClinicContact, ClinicType, Department


class ClinicFactory(factory.django.DjangoModelFactory):
    """A listed clinic; ``ClinicFactory(expired=True)`` one whose consent has lapsed."""

    class Meta:
        model = Clinic

    class Params:
        expired = factory.Trait(
            listing_consent_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=800)),
            listing_consent_expires_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
        )

    name = factory.Sequence(lambda n: f"Ospedale di prova {n}")
    clinic_type = ClinicType.PUBLIC_HOSPITAL
    city = "Milano"
    province = "MI"
    ethics_committee = "Comitato Etico Territoriale Lombardia 1"
    experience_pilot = True
    listing_consent_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    listing_consent_expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=700))


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Reparto {n}")


class ClinicalPopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicalPopulation

    clinic = factory.SubFactory(ClinicFactory)
    condition = "Diabete mellito di tipo 2"
    icd10_code = "E11"
    age_group = AgeGroup.ADULT
    care_setting = CareSetting.OUTPATIENT
    patients_per_year = 1200


class ClinicContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicContact

    clinic = factory.SubFactory(ClinicFactory)
    full_name = factory.Sequence(lambda n: f"Referente {n}")
    role = "Clinical Trial Office"
    email = factory.Sequence(lambda n: f"referente{n}@ospedale.example.org")
    phone = "+39 02 0000 0000"
    consent_given_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
