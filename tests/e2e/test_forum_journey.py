from forum.models import Answer, Question
from portal.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD


def test_member_asks_expert_answers_member_accepts(journey):
    member = UserFactory(email="giulia@example.org", full_name="Giulia Ferrari")
    expert = UserFactory(role=Role.EXPERT, email="elena@example.org", full_name="Elena Bianchi", with_mfa=True)
    page = journey.page

    journey.sign_in(member.email, PASSWORD)
    journey.goto("/forum/")
    journey.check_page()
    page.get_by_role("link", name="Fai una domanda").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.fill("input[name=title]", "Serve un'indagine clinica per il nostro software di IA dermatologica?")
    page.fill(
        "textarea[name=body]",
        "Il software stima il rischio di melanoma da fotografie. Non è marcato CE. **Che percorso seguire?**",
    )
    page.locator("label", has_text="Software e intelligenza artificiale").click()
    page.locator("label", has_text="Riservata: solo la tua organizzazione").click()
    page.select_option("select[name=ce_marked]", "false")
    page.get_by_role("button", name="Anteprima").click()
    page.locator("[data-preview-target] strong").wait_for()
    assert page.locator("[data-preview-target] strong").inner_text() == "Che percorso seguire?"
    journey.check_page()
    journey.submit()

    question = Question.objects.get()
    assert question.visibility == Question.Visibility.CONFIDENTIAL
    assert page.locator("h1").inner_text() == question.title
    assert page.get_by_text("MDR art. 62").first.is_visible()
    journey.check_page()
    journey.sign_out()

    journey.sign_in(expert.email, PASSWORD, totp_secret=expert.totp_secret)
    journey.goto(question.get_absolute_url())
    journey.check_page()
    page.fill(
        "#id_body",
        "Per un software non marcato CE serve di norma un'indagine ai sensi dell'art. 62 (MDCG 2020-1).",
    )
    page.get_by_role("button", name="Pubblica la mia risposta").click()
    page.wait_for_load_state("load")
    assert Answer.objects.filter(question=question, author=expert).exists()
    journey.check_page()
    journey.sign_out()

    journey.sign_in(member.email, PASSWORD)
    journey.goto(question.get_absolute_url())
    page.get_by_role("button", name="Accetta questa risposta").click()
    page.wait_for_load_state("load")
    question.refresh_from_db()
    assert question.status == Question.Status.ACCEPTED
    assert page.get_by_text("Accettata da chi ha posto la domanda").is_visible()
    journey.check_page()
