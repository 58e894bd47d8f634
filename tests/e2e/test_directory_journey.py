"""The clinical network's directory, in the browser: a visitor searches and
filters it and opens a clinic (no contact persons shown), an expert sees the
contacts, staff add a population and correct a malformed ICD-10 code.
Selectors use field names and link targets, not the wording, so the journey
holds in either language."""

from experts.models import AgeGroup, CareSetting, ClinicalPopulation, DirectoryChange
from portal.accounts.roles import Role
from tests.factories import (
    ClinicalPopulationFactory,
    ClinicContactFactory,
    ClinicFactory,
    DepartmentFactory,
    UserFactory,
)
from tests.factories.accounts import PASSWORD

CONTACT_EMAIL = "chiara.verdi@niguarda.example.org"


def test_visitor_finds_a_clinic_expert_sees_contacts_staff_add_a_population(journey):
    niguarda = ClinicFactory(
        name="ASST Grande Ospedale Metropolitano Niguarda",
        ethics_committee="Comitato Etico Territoriale Lombardia 3",
        experience_pivotal=True,
    )
    cardiology = DepartmentFactory(clinic=niguarda, name="Cardiologia")
    ClinicalPopulationFactory(
        clinic=niguarda,
        department=cardiology,
        condition="Scompenso cardiaco cronico",
        icd10_code="I50.9",
        age_group=AgeGroup.ELDERLY,
        care_setting=CareSetting.INPATIENT,
        patients_per_year=850,
    )
    ClinicalPopulationFactory(
        clinic=niguarda,
        condition="Diabete mellito di tipo 1",
        icd10_code="E10.9",
        age_group=AgeGroup.PAEDIATRIC,
        includes_minors=True,
    )
    ClinicContactFactory(
        clinic=niguarda, department=cardiology, full_name="Chiara Verdi", email=CONTACT_EMAIL, role="Sperimentatrice"
    )
    monza = ClinicFactory(name="Fondazione IRCCS San Gerardo dei Tintori", city="Monza", province="MB")
    ClinicalPopulationFactory(clinic=monza, condition="Scompenso cardiaco acuto", icd10_code="I50.1")
    expert = UserFactory(role=Role.EXPERT, email="elena@example.org", full_name="Elena Bianchi", with_mfa=True)
    staff = UserFactory(role=Role.STAFF, email="luca@example.org", full_name="Luca Rossi", with_mfa=True)
    page = journey.page

    # A visitor searches the directory, narrows it down and opens the clinic.
    journey.goto("/board/clinics/")
    assert page.locator("main article").count() == 2
    journey.check_page()
    page.fill("input[name=q]", "scompenso")
    page.select_option("select[name=age_group]", "elderly")
    # Bootstrap Italia draws the checkbox on its label: click that, as a person would.
    checkbox_id = page.locator("input[name=experience][value=pivotal]").get_attribute("id")
    page.locator(f"label[for='{checkbox_id}']").click()
    journey.submit()
    assert page.locator("main article").count() == 1
    assert page.locator("main article h2").inner_text() == niguarda.name
    assert "Scompenso cardiaco cronico" in page.locator("main article").inner_text()
    journey.check_page()
    page.locator(f"main a[href='{niguarda.get_absolute_url()}']").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == niguarda.name
    assert "MDR" in page.locator("main").inner_text()
    assert CONTACT_EMAIL not in page.content()
    journey.check_page()

    # An expert of the board sees whom to write to.
    journey.sign_in(expert.email, PASSWORD, totp_secret=expert.totp_secret)
    journey.goto(niguarda.get_absolute_url())
    assert page.locator(f"main a[href='mailto:{CONTACT_EMAIL}']").is_visible()
    journey.check_page()
    journey.sign_out()

    # Staff add a population; a malformed ICD-10 code is refused, then corrected.
    journey.sign_in(staff.email, PASSWORD, totp_secret=staff.totp_secret)
    journey.goto(niguarda.get_absolute_url())
    journey.check_page()
    page.locator(f"main a[href='/board/clinics/{niguarda.pk}/populations/new/']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.select_option("select[name=department]", str(cardiology.pk))
    page.fill("input[name=condition]", "Fibrillazione atriale")
    page.fill("input[name=icd10_code]", "I4891")
    page.select_option("select[name=age_group]", "elderly")
    page.select_option("select[name=care_setting]", "outpatient")
    page.fill("input[name=patients_per_year]", "400")
    journey.submit()
    assert page.locator("#id_icd10_code_error").is_visible()
    assert page.locator("input[name=icd10_code]").get_attribute("aria-invalid") == "true"
    assert not ClinicalPopulation.objects.filter(condition="Fibrillazione atriale").exists()
    journey.check_page()
    page.fill("input[name=icd10_code]", "i48.91")
    journey.submit()
    population = ClinicalPopulation.objects.get(condition="Fibrillazione atriale")
    assert (population.clinic, population.department, population.icd10_code) == (niguarda, cardiology, "I48.91")
    assert page.url.endswith(niguarda.get_absolute_url())
    assert "I48.91" in page.locator("main table").first.inner_text()
    assert DirectoryChange.objects.filter(actor=staff, object_id=population.pk, action="created").exists()
    journey.check_page()
