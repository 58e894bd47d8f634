"""The guidelines, in the browser: staff edit the draft, an expert comments,
staff publish 1.1, a reader compares it with 1.0 and downloads its PDF once
the worker has produced it. Selectors use addresses and field names, not the
wording, so the journey holds in either language."""

import io

import pytest
from pypdf import PdfReader

from guidelines import services
from guidelines.models import Rendition, Section, Thread, Version
from guidelines.tasks import render_rendition
from portal.accounts.roles import Role
from portal.celery import app as celery_app
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.guidelines import DraftFactory, ReferenceFactory, SectionFactory


@pytest.fixture
def queued_tasks():
    """Tasks go to an in-memory queue that no worker reads, as when the worker
    is busy: the test then does the worker's part itself."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved


def _first_version(staff) -> Version:
    draft = DraftFactory()
    SectionFactory(
        version=draft,
        position=0,
        level=Section.Level.CHAPTER,
        key="ethics-committees",
        title_it="Comitati etici e autorità competente",
        title_en="Ethics committees and competent authority",
        body_it="",
        body_en="",
    )
    section = SectionFactory(
        version=draft,
        position=1,
        key="territorial-ethics-committees",
        title_it="I comitati etici territoriali",
        title_en="Territorial ethics committees",
        body_it="Dal 2023 i comitati etici territoriali (CET) esprimono il parere sulle indagini cliniche.",
        body_en="Since 2023 the territorial ethics committees (CET) give their opinion on clinical investigations.",
    )
    ReferenceFactory(
        section=section, kind="law", document="Decreto del Ministro della Salute 26 gennaio 2023", locator=""
    )
    return services.publish_version(
        by=staff, step=services.Step.MAJOR, changelog_it="Prima versione.", changelog_en="First version."
    )


def test_staff_edit_expert_comments_staff_publish_reader_compares_and_downloads(journey, queued_tasks):
    staff = UserFactory(role=Role.STAFF, email="luca@example.org", full_name="Luca Rossi", with_mfa=True)
    publisher = UserFactory(role=Role.STAFF, email="sara@example.org", full_name="Sara Galli", with_mfa=True)
    expert = UserFactory(
        role=Role.EXPERT, email="elena@example.org", full_name="Elena Bianchi", organisation=None, with_mfa=True
    )
    _first_version(staff)
    section = Version.objects.draft().get().sections.get(key="territorial-ethics-committees")
    page = journey.page

    # Staff edit a section of the draft.
    journey.sign_in(staff.email, PASSWORD, totp_secret=staff.totp_secret)
    journey.goto("/guidelines/draft/")
    journey.check_page()
    page.locator(f"main a[href='/guidelines/draft/sections/{section.pk}/edit/']").click()
    page.wait_for_load_state("load")
    journey.check_page()
    page.fill(
        "textarea[name=body_en]",
        "Since 8 February 2023 the 40 territorial ethics committees (CET) give their opinion "
        "on clinical investigations of medical devices.",
    )
    page.fill(
        "textarea[name=body_it]",
        "Dall'8 febbraio 2023 i 40 comitati etici territoriali (CET) esprimono il parere "
        "sulle indagini cliniche dei dispositivi medici.",
    )
    page.fill("input[name=references-1-document]", "MDCG 2021-6")
    page.select_option("select[name=references-1-kind]", "mdcg")
    page.fill("input[name=references-1-revision]", "Rev. 1")
    journey.submit()
    assert page.url.endswith(f"/guidelines/draft/#s-{section.key}")
    section.refresh_from_db()
    assert section.body_en.startswith("Since 8 February 2023 the 40 territorial")
    assert sorted(r.citation for r in section.references.all()) == [
        "Decreto del Ministro della Salute 26 gennaio 2023",
        "MDCG 2021-6 Rev. 1",
    ]
    journey.check_page()
    journey.sign_out()

    # An expert comments on it.
    journey.sign_in(expert.email, PASSWORD, totp_secret=expert.totp_secret)
    journey.goto("/guidelines/draft/")
    comment_form = page.locator(f"form[action='/guidelines/draft/sections/{section.pk}/comment/']")
    comment_form.locator("xpath=..").locator("summary").click()
    comment_form.locator("textarea[name=body]").fill("Aggiungerei il rimando ai decreti del 30 gennaio 2023 sui CEN.")
    comment_form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    thread = Thread.objects.get()
    assert (thread.section_id, thread.started_by) == (section.pk, expert)
    assert page.locator(f"#thread-{thread.pk}").is_visible()
    journey.check_page()
    journey.sign_out()

    # Staff publish 1.1: the request returns at once, the PDFs wait for the worker.
    journey.sign_in(publisher.email, PASSWORD, totp_secret=publisher.totp_secret)
    journey.goto("/guidelines/draft/publish/")
    journey.check_page()
    assert page.locator("input[name=step][value=minor]").is_checked()
    page.fill("textarea[name=changelog_it]", "Chiarito il ruolo dei CET dall'8 febbraio 2023.")
    page.fill("textarea[name=changelog_en]", "Clarified the role of the CETs since 8 February 2023.")
    journey.submit()
    assert page.url.endswith("/guidelines/1.1/")
    released = Version.objects.published().first()
    assert released.number == "1.1"
    assert set(released.renditions.values_list("status", flat=True)) == {Rendition.Status.PENDING}
    journey.check_page()
    journey.sign_out()

    # A reader compares 1.1 with 1.0.
    journey.goto("/guidelines/versions/")
    journey.check_page()
    page.locator("main a[href='/guidelines/compare/?to=1.1']").click()
    page.wait_for_load_state("load")
    assert page.locator("select[name=from]").input_value() == "1.0"
    assert page.locator(f"#change-{section.key} ins").first.is_visible()
    journey.check_page()
    page.set_viewport_size({"width": 360, "height": 740})
    journey.check_page()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    # ...and asks for its English PDF: the page waits, then offers the download.
    journey.goto("/guidelines/")
    page.locator("main form[action='/guidelines/pdf/'] button[value=en]").first.click()
    page.wait_for_load_state("load")
    rendition = Rendition.objects.get(version=released, language="en")
    assert page.url.endswith(f"/guidelines/pdf/{rendition.pk}/")
    assert page.locator("#pdf-download").is_hidden()
    journey.check_page()
    assert render_rendition(rendition.pk) == Rendition.Status.READY  # the worker's part
    page.locator("#pdf-download-link").wait_for(state="visible", timeout=15_000)
    journey.check_page()
    with page.expect_download() as download_info:
        page.locator("#pdf-download-link").click()
    pdf = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    text = "\n".join(pdf_page.extract_text() for pdf_page in pdf.pages)
    rendition.refresh_from_db()
    assert len(pdf.pages) == rendition.pages >= 3
    assert "Guidelines for clinical investigations of medical devices" in text
    assert "Version 1.1" in text
    assert "Since 8 February 2023 the 40 territorial ethics committees" in text
    assert f"Page 2 of {len(pdf.pages)}" in text
