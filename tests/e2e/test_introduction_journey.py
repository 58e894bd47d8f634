"""An introduction to clinics, in the browser: a member requests it, staff send
the feasibility request, a clinic contact answers through the personal link in
their email (no account), the member reads the collated reply with the
contact's details; then an administrator starts the facilitated investigation
and records its submission. Selectors use form actions and field names, not the
wording, so the journey holds in either language."""

import re

from django.core import mail

from experts.models import FacilitatedInvestigation, FeasibilityRequest, Introduction
from portal.accounts.roles import Role
from tests.factories import ClinicContactFactory, ClinicFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD

DEVICE = "Soletta sensorizzata NeuroStep per l’analisi del cammino, classe IIa, non ancora marcata CE."
INVESTIGATION = "Indagine pilota su 40 pazienti con malattia di Parkinson, sei mesi, ai sensi dell’art. 62 del MDR."


def check(page, selector: str) -> None:
    """Tick a checkbox or radio button: Bootstrap Italia draws it on its label."""
    box_id = page.locator(selector).get_attribute("id")
    page.locator(f"label[for='{box_id}']").click()


def test_member_requests_staff_send_clinic_answers_member_reads_the_collated_reply(journey):
    company = OrganisationFactory(name="Brianza Medical Devices S.r.l.")
    member = UserFactory(email="giulia@example.org", full_name="Giulia Ferrari", organisation=company)
    staff = UserFactory(role=Role.STAFF, email="luca@example.org", full_name="Luca Rossi", with_mfa=True)
    administrator = UserFactory(role=Role.ADMINISTRATOR, email="sara@example.org", with_mfa=True)
    niguarda = ClinicFactory(name="ASST Grande Ospedale Metropolitano Niguarda", city="Milano")
    san_matteo = ClinicFactory(name="Fondazione IRCCS Policlinico San Matteo", city="Pavia", province="PV")
    colombo = ClinicContactFactory(
        clinic=niguarda,
        full_name="Marta Colombo",
        role="Responsabile Clinical Trial Office",
        email="marta.colombo@niguarda.example.org",
        phone="+39 02 6444 1234",
        language="it",
    )
    greco = ClinicContactFactory(
        clinic=san_matteo, full_name="Paolo Greco", email="paolo.greco@sanmatteo.example.org", language="en"
    )
    page = journey.page

    # The member comes from Niguarda's page (preselected) and adds San Matteo.
    journey.sign_in(member.email, PASSWORD)
    journey.goto(f"/board/introductions/new/?clinic={niguarda.pk}")
    assert page.locator(f"input[name=clinics][value='{niguarda.pk}']").is_checked()
    journey.check_page()
    page.fill("textarea[name=device]", DEVICE)
    page.fill("textarea[name=investigation]", INVESTIGATION)
    check(page, f"input[name=clinics][value='{san_matteo.pk}']")
    journey.submit()
    introduction = Introduction.objects.get()
    assert page.url.endswith(introduction.get_absolute_url())
    assert (introduction.organisation, introduction.status) == (company, Introduction.Status.REQUESTED)
    assert set(introduction.clinics.all()) == {niguarda, san_matteo}
    journey.check_page()
    journey.sign_out()

    # Staff find it in the list and send the feasibility request to both contacts.
    journey.sign_in(staff.email, PASSWORD, totp_secret=staff.totp_secret)
    journey.goto("/board/introductions/")
    journey.check_page()
    page.locator(f"main a[href='{introduction.get_absolute_url()}']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    send = "form[action$='/send/']"
    check(page, f"{send} input[name=contacts][value='{colombo.pk}']")
    check(page, f"{send} input[name=contacts][value='{greco.pk}']")
    page.fill(f"{send} textarea[name=message]", "Il vostro centro è interessato a un’indagine pilota sul cammino?")
    assert page.locator(f"{send} input[name=reply_by]").input_value()  # five working days, filled in
    page.locator(f"{send} button[type=submit]").click()
    page.wait_for_load_state("load")
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.SENT
    assert FeasibilityRequest.objects.count() == 2
    assert page.locator("#feasibility-requests").is_visible()
    journey.check_page()
    journey.sign_out()

    # The contact opens the personal link from their email, with no account, and answers.
    email = next(message for message in mail.outbox if message.to == [colombo.email])
    path = re.search(r"https?://[^/\s]+(/board/feasibility/[A-Za-z0-9_-]+/)", email.body).group(1)
    journey.goto(path)
    assert DEVICE in page.locator("main").inner_text()
    journey.check_page()
    check(page, "input[name=answer][value=interested]")
    page.fill("textarea[name=comment]", "La neurologia è disponibile da marzo.")
    journey.submit()
    assert page.locator("#answer-recorded").is_visible()
    assert FeasibilityRequest.objects.get(contact=colombo).answer == "interested"
    journey.check_page()
    # The link works once.
    journey.goto(path)
    assert page.locator("h1").inner_text() != ""
    assert FeasibilityRequest.objects.get(contact=colombo).answer == "interested"
    journey.check_page()

    # The member reads the collated reply: Niguarda interested, with whom to call; San Matteo awaited.
    journey.sign_in(member.email, PASSWORD)
    journey.goto(introduction.get_absolute_url())
    interested = page.locator(f"#reply-{niguarda.pk}").inner_text()
    for detail in ("Marta Colombo", "Responsabile Clinical Trial Office", colombo.email, colombo.phone):
        assert detail in interested
    assert "La neurologia è disponibile da marzo." in interested
    assert "Paolo Greco" not in page.locator("main").inner_text()
    journey.check_page()
    journey.sign_out()

    # An administrator turns it into a facilitated investigation and records the submission.
    journey.sign_in(administrator.email, PASSWORD, totp_secret=administrator.totp_secret)
    journey.goto(introduction.get_absolute_url())
    page.locator(f"main a[href$='?introduction={introduction.pk}']").click()
    page.wait_for_load_state("load")
    assert page.locator(f"input[name=clinics][value='{niguarda.pk}']").is_checked()
    journey.check_page()
    page.fill("input[name=title]", "Studio pilota NeuroStep")
    journey.submit()
    investigation = FacilitatedInvestigation.objects.get()
    assert page.url.endswith(investigation.get_absolute_url())
    journey.check_page()
    stage = "form[action$='/stage/']"
    page.select_option(f"{stage} select[name=stage]", "submitted")
    page.locator(f"{stage} button[type=submit]").click()
    page.wait_for_load_state("load")
    investigation.refresh_from_db()
    assert investigation.is_facilitated
    assert page.locator("#facilitated.alert-success").is_visible()
    journey.check_page()
    journey.goto("/board/investigations/")
    journey.check_page()
