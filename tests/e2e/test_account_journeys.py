import re

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.utils import timezone

from experts.models import ExpertProfile, Sector, Topic
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD


def test_member_signs_up_verifies_switches_language_and_signs_out(journey):
    page = journey.page
    journey.goto("/")
    assert page.locator("h1").inner_text() == "Indagini cliniche sui dispositivi medici, progettate con gli esperti"
    journey.check_page()

    page.get_by_role("link", name="Registrati").first.click()
    journey.check_page()
    page.fill("input[name=full_name]", "Chiara Fontana")
    page.fill("input[name=email]", "chiara.fontana@example.org")
    page.fill("input[name=organisation_name]", "Ortopedia Lariana S.r.l.")
    page.select_option("select[name=organisation_kind]", "startup")
    page.fill("input[name=password1]", "una-password-solida-42")
    page.fill("input[name=password2]", "una-password-solida-42")
    journey.submit()

    # Without the privacy acknowledgement nothing is saved and the error says why.
    assert page.get_by_text("Conferma di aver letto l'informativa sulla privacy.").is_visible()
    assert page.input_value("input[name=full_name]") == "Chiara Fontana"
    assert not User.objects.exists()
    journey.check_page()

    page.fill("input[name=password1]", "una-password-solida-42")
    page.fill("input[name=password2]", "una-password-solida-42")
    # Bootstrap Italia draws the box on the label, which is what people click.
    page.locator("label[for=id_accept_privacy]").click()
    assert page.is_checked("input[name=accept_privacy]")
    journey.submit()
    assert page.url.endswith("/accounts/confirm-email/")
    journey.check_page()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    journey.check_page()
    journey.submit()

    assert page.url.endswith("/dashboard/")
    assert page.locator("h1").inner_text() == "La mia area"
    assert page.get_by_text("Ortopedia Lariana S.r.l. (Start-up)").is_visible()
    journey.check_page()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "My area"
    assert User.objects.get(email="chiara.fontana@example.org").preferred_language == "en"
    journey.check_page()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    header = page.get_by_role("banner")
    assert header.get_by_role("link", name="Sign in").is_visible()
    journey.check_page()

    header.get_by_role("link", name="Sign in").click()
    page.fill("input[name=login]", "chiara.fontana@example.org")
    page.fill("input[name=password]", "una-password-solida-42")
    journey.submit()
    assert page.url.endswith("/dashboard/")
    assert page.locator("h1").inner_text() == "My area"


def test_expert_is_sent_to_enable_mfa_before_the_dashboard(journey):
    expert = UserFactory(role=Role.EXPERT, email="elena.bianchi@example.org", full_name="Elena Bianchi")
    page = journey.page
    journey.goto("/accounts/login/")
    journey.check_page()
    page.fill("input[name=login]", expert.email)
    page.fill("input[name=password]", PASSWORD)
    journey.submit()

    # Not the dashboard: first the password again, then the authenticator.
    assert "/accounts/reauthenticate/" in page.url
    assert page.get_by_text("Il tuo ruolo dà accesso a informazioni riservate").is_visible()
    journey.check_page()
    page.fill("input[name=password]", PASSWORD)
    journey.submit()

    assert page.url.endswith("/accounts/2fa/totp/activate/")
    journey.check_page()
    secret = page.input_value("#authenticator_secret")
    code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
    page.fill("input[name=code]", code)
    journey.submit()
    assert Authenticator.objects.filter(user=expert, type=Authenticator.Type.TOTP).exists()

    journey.goto("/dashboard/")
    assert page.locator("h1").inner_text() == "La mia area"
    assert page.get_by_text("L'autenticazione a due fattori è attiva.").is_visible()
    journey.check_page()


def test_public_pages_are_accessible_in_both_languages_and_on_a_phone(journey):
    expert = UserFactory(role=Role.EXPERT, full_name="Marco Conti")
    profile = ExpertProfile.objects.create(
        user=expert, sector=Sector.CLINICAL, affiliation="ASST Spedali Civili di Brescia"
    )
    profile.topics.set(Topic.objects.filter(slug__in=["pmcf", "populations-sites"]))
    page = journey.page
    board_pages = ("/board/", profile.get_absolute_url(), "/forum/", "/forum/faq/")
    for path in ("/", "/privacy/", "/accessibility/", "/accounts/password/reset/", "/no-such-page/", *board_pages):
        journey.goto(path)
        journey.check_page()
    page.get_by_role("button", name="English").click()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/privacy/", "/accessibility/", "/accounts/login/", "/accounts/signup/", *board_pages):
        journey.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        journey.check_page()
    # The collapsed navigation opens from its button.
    page.get_by_role("button", name="Show or hide the navigation").click()
    assert page.get_by_role("link", name="Home").first.is_visible()
