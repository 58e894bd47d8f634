"""The PDF of a version: what it says (read back with pypdf), how the worker's
task stores it, and what the renderer may fetch."""

import logging
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader
from weasyprint import HTML

from guidelines import pdf
from guidelines.models import Rendition, Section, Version
from guidelines.tasks import render_rendition
from tests.factories.guidelines import DraftFactory, ReferenceFactory, SectionFactory, publish

pytestmark = pytest.mark.django_db

FONT = "fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def build_draft(**fields) -> Version:
    """A draft of two chapters: 1 Scope (1.1 Objectives, 1.2 an untranslated
    section), 2 Ethics committee (2.1 Informed consent), with references."""
    draft = DraftFactory(**fields)
    table_it = "| Documento | Termine |\n|---|---|\n| Domanda | Prima dell'avvio |"
    table_en = "| Document | Deadline |\n|---|---|\n| Application | Before the start |"
    chapter, section = Section.Level.CHAPTER, Section.Level.SECTION
    sections = [
        (chapter, "scope", "Ambito", "Scope", "Questo capitolo definisce l'ambito.", "This chapter sets the scope."),
        (
            section,
            "objectives",
            "Obiettivi",
            "Objectives",
            f"Il promotore dimostra le prestazioni.\n\n{table_it}",
            f"The sponsor shows the performance.\n\n{table_en}",
        ),
        (section, "italian-only", "Solo in italiano", "", "Testo ancora da tradurre.", ""),
        (chapter, "ethics", "Comitato etico", "Ethics committee", "Il parere.", "The opinion."),
        (section, "consent", "Consenso informato", "Informed consent", "Il consenso.", "The consent."),
    ]
    for position, (level, key, title_it, title_en, body_it, body_en) in enumerate(sections):
        SectionFactory(
            version=draft,
            position=position,
            level=level,
            key=key,
            title_it=title_it,
            title_en=title_en,
            body_it=body_it,
            body_en=body_en,
        )
    objectives, consent = draft.sections.get(key="objectives"), draft.sections.get(key="consent")
    ReferenceFactory(section=objectives, locator="Art. 62")
    ReferenceFactory(section=consent, locator="Art. 62")
    ReferenceFactory(
        section=consent,
        kind="iso_14155",
        document="ISO 14155:2020",
        locator="clause 5.8",
        title="Informed consent",
        url="",
    )
    return draft


def build_version(**fields) -> Version:
    return publish(
        build_draft(**fields),
        major=1,
        minor=1,
        changelog_it="Aggiunto il capitolo sul comitato etico.",
        changelog_en="Added the chapter on the ethics committee.",
    )


def produce(version: Version, language: str) -> tuple[Rendition, list[str]]:
    """Run the worker's task for a new rendition; the rendition and its pages' text."""
    rendition = Rendition.objects.create(version=version, language=language, revision=version.revision)
    render_rendition.delay(rendition.pk)
    rendition.refresh_from_db()
    assert (rendition.status, rendition.error) == (Rendition.Status.READY, "")
    with rendition.file.open("rb") as file:
        reader = PdfReader(BytesIO(file.read()))
    return rendition, [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def stored_files(media_root: Path) -> list[str]:
    return sorted(path.name for path in (media_root / "guidelines").iterdir())


def test_pdf_of_a_published_version_in_english(media_root):
    version = build_version()

    rendition, pages = produce(version, "en")

    assert rendition.file.name == "guidelines/ctcc-guidelines-1.1-en.pdf"
    assert rendition.pages == len(pages) == 6
    assert rendition.size == (media_root / rendition.file.name).stat().st_size
    assert rendition.finished_at is not None
    cover = flat(pages[0])
    for text in (
        "Clinical Trials Competence Centre – Lombardy",
        "Guidelines for clinical investigations of medical devices",
        "Version 1.1",
        "Published on March 5, 2026",
    ):
        assert text in cover
    assert "Page" not in cover and "Demonstration content" not in cover
    # The contents, with the page of each section; the header and footer from page 2.
    toc = pages[1]
    assert re.search(r"^1\.1\s+Objectives\s*\.{5,}\s*3$", toc, re.MULTILINE)
    assert re.search(r"^2\.1\s+Informed consent\s*\.{5,}\s*4$", toc, re.MULTILINE)
    assert re.search(r"^Reference list\s*\.{5,}\s*5$", toc, re.MULTILINE)
    assert "Guidelines for clinical investigations of medical devices Version 1.1" in flat(toc)
    assert "Page 2 of 6" in flat(toc)
    assert "Page 3 of 6" in flat(pages[2])
    # Chapters begin on a new page, with their sections and tables.
    assert flat(pages[2]).startswith("1 Scope This chapter sets the scope. 1.1 Objectives")
    assert "Document Deadline Application Before the start" in flat(pages[2])
    assert flat(pages[3]).startswith("2 Ethics committee")
    assert "References: Regulation (EU) 2017/745 (MDR), Art. 62; ISO 14155:2020, clause 5.8" in flat(pages[3])
    references = flat(pages[4])
    assert references.startswith("Reference list Regulation (EU) 2017/745 (MDR)")
    assert "Art. 62 – in sections 1.1, 2.1" in references
    assert "ISO 14155:2020 Informed consent clause 5.8 – in section 2.1" in references
    assert flat(pages[5]).startswith("What changed in version 1.1 Added the chapter on the ethics committee.")
    # The untranslated section is shown in Italian, with a notice.
    assert "1.2 Solo in italiano This section is not yet translated into English: it is shown in Italian." in flat(
        pages[2]
    )
    assert not any("DRAFT" in page for page in pages)


def test_pdf_in_italian_has_italian_labels():
    version = build_version(is_demo=True)

    rendition, pages = produce(version, "it")

    assert rendition.file.name == "guidelines/ctcc-guidelines-1.1-it.pdf"
    cover = flat(pages[0])
    assert "Linee guida per le indagini cliniche dei dispositivi medici" in cover
    assert "Cluster medtech lombardo · Regione Lombardia" in cover
    assert "05 Marzo 2026" in cover
    assert "Pagina 2 di 6" in flat(pages[1])
    assert "Pagina 6 di 6" in flat(pages[5])
    assert "1.1 Obiettivi" in flat(pages[1])
    # The labels new with the PDF, as the Italian catalogue gives them.
    with translation.override("it"):
        for text in (
            gettext("Clinical Trials Competence Centre – Lombardy"),
            gettext("Version %(number)s") % {"number": "1.1"},
            gettext(
                "Demonstration content: this document was written for the portal's demonstration. "
                "It is not legal advice; check the cited sources."
            ),
        ):
            assert flat(text) in cover
        assert flat(pages[1]).startswith(gettext("Contents"))
        assert flat(pages[4]).startswith(gettext("Reference list"))
        assert flat(pages[5]).startswith(gettext("What changed in version %(number)s") % {"number": "1.1"})
    assert "Aggiunto il capitolo sul comitato etico." in flat(pages[5])


def test_pdf_of_the_draft_is_marked_on_every_page(media_root):
    draft = build_draft()
    Version.objects.filter(pk=draft.pk).update(revision=7)
    draft.refresh_from_db()

    rendition, pages = produce(draft, "en")

    assert rendition.file.name == "guidelines/ctcc-guidelines-draft-r7-en.pdf"
    assert rendition.pages == len(pages) == 5
    assert all(page.startswith("DRAFT\n") for page in pages)
    assert "Draft, revision 7" in flat(pages[0])
    assert "This is a draft under review by the board" in flat(pages[0])
    assert "Draft, revision 7" in flat(pages[2])  # the running header
    assert "What changed" not in " ".join(pages)
    assert "1.2 Solo in italiano This section is not yet translated into English: it is shown in Italian." in flat(
        pages[2]
    )
    assert "Testo ancora da tradurre." in pages[2]


def test_untranslated_section_carries_its_language():
    draft = build_draft()

    with translation.override("en"):
        html = pdf.render_html(draft, "en")

    assert '<html lang="en">' in html
    assert '<section class="level-2" id="s-italian-only" lang="it">' in html
    assert '<p class="fallback-notice" lang="en">' in html
    assert '<section class="level-2" id="s-objectives">' in html


def test_pdf_embeds_the_theme_fonts():
    content, pages = pdf.render_pdf(build_version(), "en")

    reader = PdfReader(BytesIO(content))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"Titillium-Web", "Titillium-Web-Bold", "Titillium-Web-Semi-Bold", "Titillium-Web-Italic"} <= fonts
    assert pages == len(reader.pages)
    assert reader.metadata.title == "Guidelines for clinical investigations of medical devices – Version 1.1"


def test_render_rendition_twice_keeps_one_file(media_root):
    version = build_version()
    rendition, _ = produce(version, "en")
    finished_at = rendition.finished_at

    assert render_rendition.delay(rendition.pk).get() == Rendition.Status.READY

    rendition.refresh_from_db()
    assert (rendition.status, rendition.finished_at) == (Rendition.Status.READY, finished_at)
    assert stored_files(media_root) == ["ctcc-guidelines-1.1-en.pdf"]


def test_two_workers_with_the_same_rendition_store_one_file(media_root):
    version = build_version()
    rendition = Rendition.objects.create(version=version, language="it", revision=version.revision)
    # Both workers loaded the rendition while it was pending.
    first, second = Rendition.objects.get(pk=rendition.pk), Rendition.objects.get(pk=rendition.pk)

    assert pdf.produce(first) == Rendition.Status.READY
    finished_at = Rendition.objects.get(pk=rendition.pk).finished_at
    assert pdf.produce(second) == Rendition.Status.READY

    rendition.refresh_from_db()
    assert (rendition.file.name, rendition.finished_at) == ("guidelines/ctcc-guidelines-1.1-it.pdf", finished_at)
    assert stored_files(media_root) == ["ctcc-guidelines-1.1-it.pdf"]


def test_failed_rendition_is_recorded_not_raised(settings, tmp_path, caplog):
    # The storage cannot write: its folder is a file.
    (tmp_path / "not-a-folder").write_text("")
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    version = build_version()
    rendition = Rendition.objects.create(version=version, language="en", revision=version.revision)

    with caplog.at_level(logging.ERROR, logger="guidelines.pdf"):
        assert render_rendition.delay(rendition.pk).get() == Rendition.Status.FAILED

    rendition.refresh_from_db()
    assert rendition.status == Rendition.Status.FAILED
    assert rendition.error.startswith("NotADirectoryError: ")
    assert len(rendition.error) <= 200
    assert (rendition.file.name, rendition.pages, rendition.size) == ("", None, None)
    assert rendition.finished_at is not None
    assert [record.getMessage() for record in caplog.records] == [f"The PDF of {rendition} could not be produced"]

    # A failed rendition is left alone: asking again is the services' work.
    assert render_rendition.delay(rendition.pk).get() == Rendition.Status.FAILED


def test_rendition_of_a_superseded_draft_revision_fails(media_root):
    draft = build_draft()
    rendition = Rendition.objects.create(version=draft, language="it", revision=draft.revision)
    Version.objects.filter(pk=draft.pk).update(revision=draft.revision + 1)

    assert render_rendition.delay(rendition.pk).get() == Rendition.Status.FAILED

    rendition.refresh_from_db()
    assert (rendition.status, rendition.error, rendition.file.name) == (Rendition.Status.FAILED, "superseded", "")
    assert rendition.finished_at is not None
    assert not (media_root / "guidelines").exists()


def test_render_rendition_of_a_missing_rendition_does_nothing():
    assert render_rendition.delay(987_654).get() is None


def test_fetcher_reads_static_files():
    url = f"{pdf.static_base_url()}{FONT}"

    response = pdf.fetch_static(url)

    assert response.read() == Path(finders.find(FONT)).read_bytes()
    assert response.content_type == "font/ttf"
    stylesheet = pdf.fetch_static(f"{pdf.static_base_url()}css/guidelines-print.css")
    assert (stylesheet.content_type, stylesheet.charset) == ("text/css", "utf-8")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/css/guidelines-print.css",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "{base}../../etc/passwd",
        "{base}css/../../../etc/passwd",
        "{base}%2e%2e/%2e%2e/etc/passwd",
        "{base}css/missing.css",
        "{base}",
    ],
)
def test_fetcher_refuses_anything_else(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.fetch_static(url.format(base=pdf.static_base_url()))


def test_renderer_does_not_fetch_remote_images(caplog):
    html = '<p>Text</p><img src="http://example.com/x.png" alt="">'

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        document = HTML(string=html, base_url="http://127.0.0.1/", url_fetcher=pdf.StaticFilesFetcher()).render()

    assert len(document.pages) == 1
    assert any(
        "http://example.com/x.png" in record.getMessage() and "RefusedURL" in record.getMessage()
        for record in caplog.records
    )


def test_page_footer_is_css_in_the_language():
    with translation.override("en"):
        assert pdf.page_of_pages() == '"Page " counter(page) " of " counter(pages)'
    with translation.override("it"):
        assert pdf.page_of_pages() == '"Pagina " counter(page) " di " counter(pages)'
