"""A funded project's counselling, in the browser: a member of a beneficiary
requests it, staff assign an expert, the expert records a meeting, the member
reads it. Selectors use form actions and field names, not the wording, so the
journey holds in either language."""

from experts.models import CounsellingCase
from portal.accounts.models import Notification
from portal.accounts.roles import Role
from tests.factories import FundedProjectFactory, OrganisationFactory, UserFactory
from tests.factories.accounts import PASSWORD


def test_member_requests_staff_assign_expert_records_member_reads(journey):
    company = OrganisationFactory(name="Brianza Medical Devices S.r.l.")
    institute = OrganisationFactory(name="CNR – Istituto di Tecnologie Biomediche", kind="research_organisation")
    project = FundedProjectFactory(
        title="Medicazione intelligente per le ulcere del piede diabetico",
        acronym="SMART-HEAL",
        beneficiaries=[company, institute],
    )
    member = UserFactory(email="giulia@example.org", full_name="Giulia Ferrari", organisation=company)
    expert = UserFactory(
        role=Role.EXPERT, email="elena@example.org", full_name="Elena Bianchi", organisation=None, with_mfa=True
    )
    staff = UserFactory(role=Role.STAFF, email="luca@example.org", full_name="Luca Rossi", with_mfa=True)
    page = journey.page

    # The member finds the project in the public registry and asks for counselling.
    journey.sign_in(member.email, PASSWORD)
    journey.goto("/board/projects/")
    journey.check_page()
    page.locator(f"main a[href='{project.get_absolute_url()}']").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == project.title
    journey.check_page()
    page.locator(f"main a[href$='/projects/{project.pk}/request/']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.fill(
        "textarea[name=needs]",
        "Integriamo sensori in una medicazione già marcata CE: serve un'indagine ai sensi dell'art. 62?",
    )
    journey.submit()
    case = CounsellingCase.objects.get()
    assert page.url.endswith(case.get_absolute_url())
    assert (case.organisation, case.requested_by, case.status) == (company, member, CounsellingCase.Status.REQUESTED)
    journey.check_page()
    journey.sign_out()

    # Staff assign the expert from the case page.
    journey.sign_in(staff.email, PASSWORD, totp_secret=staff.totp_secret)
    journey.goto("/board/counselling/")
    journey.check_page()
    page.locator(f"main a[href='{case.get_absolute_url()}']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    # Bootstrap Italia draws the checkbox on its label: click that, as a person would.
    checkbox_id = page.locator(f"form[action$='/assign/'] input[name=experts][value='{expert.pk}']").get_attribute("id")
    page.locator(f"form[action$='/assign/'] label[for='{checkbox_id}']").click()
    page.locator("form[action$='/assign/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    case.refresh_from_db()
    assert (list(case.experts.all()), case.status) == ([expert], CounsellingCase.Status.IN_PROGRESS)
    journey.check_page()
    # Staff also keep the registry: its form is checked too.
    journey.goto(f"/board/projects/{project.pk}/edit/")
    assert page.locator("input[name=title]").input_value() == project.title
    journey.check_page()
    journey.sign_out()

    # The expert records the first meeting.
    journey.sign_in(expert.email, PASSWORD, totp_secret=expert.totp_secret)
    journey.goto(case.get_absolute_url())
    journey.check_page()
    page.fill("input[name=attendees]", "Giulia Ferrari, Elena Bianchi")
    page.fill(
        "textarea[name=notes]",
        "Il prodotto finale non è marcato CE: si applica l'**art. 62** del MDR, con il parere del CET.",
    )
    page.fill("textarea[name=outcomes]", "- Bozza del piano di indagine clinica (ISO 14155)")
    page.locator("form[action$='/meetings/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert case.meetings.count() == 1
    assert page.locator("article strong", has_text="art. 62").is_visible()
    journey.check_page()
    journey.sign_out()

    # The member is told, and reads the notes.
    assert Notification.objects.filter(recipient=member, kind=Notification.Kind.COUNSELLING_MEETING).exists()
    journey.sign_in(member.email, PASSWORD)
    journey.goto("/accounts/notifications/")
    journey.check_page()
    page.locator(f"main a[href='{case.get_absolute_url()}']").first.click()
    page.wait_for_load_state("load")
    assert page.locator("article strong", has_text="art. 62").is_visible()
    assert page.get_by_text("Bozza del piano di indagine clinica (ISO 14155)").is_visible()
    assert page.locator("form[action$='/meetings/']").count() == 0
    journey.check_page()
