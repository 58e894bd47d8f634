from forum.models import Answer, Assignment
from portal.accounts.roles import Role
from tests.factories import ExpertFactory, QuestionFactory, UserFactory
from tests.factories.accounts import PASSWORD


def test_staff_assign_the_expert_answers_from_the_dashboard(journey):
    staff = UserFactory(role=Role.STAFF, email="luca@example.org", full_name="Luca Rossi", with_mfa=True)
    expert = ExpertFactory(email="elena@example.org", full_name="Elena Bianchi", topics=["regulatory-pathway"])
    question = QuestionFactory(title="Il nostro sensore indossabile richiede un'indagine ai sensi dell'art. 62?")
    page = journey.page

    journey.sign_in(staff.email, PASSWORD, totp_secret=staff.totp_secret)
    journey.goto("/forum/triage/")
    journey.check_page()
    assert page.locator("#count-triage").inner_text() == "1"
    assert "Elena Bianchi" in page.locator(f"#triage-{question.pk}").inner_text()  # the suggested expert
    page.locator(f"#triage-{question.pk} a.btn").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.locator(f"label[for=expert-{expert.pk}]").click()
    journey.submit()

    assignment = Assignment.objects.get()
    assert (assignment.expert, assignment.status) == (expert, Assignment.Status.OPEN)
    assert page.locator("#count-triage").inner_text() == "0"
    assert page.locator("#count-open").inner_text() == "1"
    assert "Elena Bianchi" in page.locator(f"#open-assignment-{assignment.pk}").inner_text()
    journey.check_page()
    journey.sign_out()

    journey.sign_in(expert.email, PASSWORD, totp_secret=expert.totp_secret)
    page.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Cruscotto del board"
    ).click()
    page.wait_for_load_state("load")
    assert page.locator("#count-assigned").inner_text() == "1"
    card = page.locator(f"#assignment-{assignment.pk}")
    card.locator("summary", has_text="Rispondi qui").click()
    journey.check_page()
    card.locator(f"#answer-{assignment.pk}").fill(
        "Sì: il sensore non è marcato CE e serve un'indagine ai sensi dell'art. 62 del MDR (MDCG 2021-6)."
    )
    card.get_by_role("button", name="Pubblica la mia risposta").click()
    page.wait_for_load_state("load")

    assert page.url.endswith("/forum/dashboard/")
    assert page.locator("#count-assigned").inner_text() == "0"
    assert page.get_by_text("La tua risposta è stata pubblicata.").is_visible()
    assert question.title in page.locator("#recent-title + ul").inner_text()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ANSWERED
    assert Answer.objects.get().question == question
    journey.check_page()
    journey.sign_out()

    # Another member of staff (a TOTP code is accepted only once, so not the same one).
    administrator = UserFactory(role=Role.ADMINISTRATOR, email="sara@example.org", with_mfa=True)
    journey.sign_in(administrator.email, PASSWORD, totp_secret=administrator.totp_secret)
    journey.goto("/forum/triage/")
    assert page.locator("#count-open").inner_text() == "0"
    assert page.locator(f"#load-{expert.pk}").inner_text().split()[-1] == "1"  # answered in the last 90 days
    journey.check_page()
