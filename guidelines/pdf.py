"""The PDF of a version of the guidelines in one language: rendered by
WeasyPrint from ``templates/guidelines/pdf/document.html`` and
``static/css/guidelines-print.css``, and stored as the file of a ``Rendition``.

The renderer reads nothing but the portal's own static files (the print
stylesheet and its fonts), found by the staticfiles finders, so it works
without collectstatic; it refuses every other address, so a document can never
make the worker reach the network or read other files.
"""

import logging
import mimetypes
from posixpath import normpath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from guidelines import selectors
from guidelines.models import Rendition, Version
from portal.markdown import render_markdown

logger = logging.getLogger(__name__)

TEMPLATE = "guidelines/pdf/document.html"
STYLESHEET = "css/guidelines-print.css"
# Tagged PDF: a logical structure for screen readers and reflow.
PDF_OPTIONS = {"pdf_tags": True}


class RefusedURL(ValueError):
    """The renderer asked for something other than one of the portal's static files."""


def static_base_url() -> str:
    """Where the portal serves its static files: the addresses the renderer may read."""
    return urljoin(f"{settings.SITE_URL}/", settings.STATIC_URL)


def static_name(url: str) -> str:
    """The static file's name (``css/x.css``) that ``url`` points to, or ``RefusedURL``."""
    base = static_base_url()
    address = url.split("#", 1)[0].split("?", 1)[0]
    if not address.startswith(base) or urlsplit(address).netloc != urlsplit(base).netloc:
        raise RefusedURL(f"Not one of the portal's static files: {url}")
    name = unquote(address.removeprefix(base))
    if not name or name != normpath(name) or name.startswith(("/", "..")) or "\\" in name or "\0" in name:
        raise RefusedURL(f"Not one of the portal's static files: {url}")
    return name


def fetch_static(url: str) -> URLFetcherResponse:
    """WeasyPrint's fetch of ``url``: a static file read from the finders, or ``RefusedURL``."""
    name = static_name(url)
    path = finders.find(name)
    if not path:
        raise RefusedURL(f"No static file named {name}")
    with open(path, "rb") as file:
        body = file.read()
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher with ``fetch_static``: WeasyPrint logs a refusal
    as a warning and renders without the resource."""

    def fetch(self, url, headers=None):
        return fetch_static(url)


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("<", "\\3c ")
    return f'"{escaped}"'


def page_of_pages() -> SafeString:
    """The footer "Page x of y" in the active language, as the ``content`` of a page margin box."""
    text = gettext("Page %(number)s of %(total)s") % {"number": "\0page\0", "total": "\0pages\0"}
    parts = []
    for index, piece in enumerate(text.split("\0")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return mark_safe(" ".join(parts))  # noqa: S308 (every string is escaped by _css_string)  # nosec B308, B703


def render_html(version: Version, language: str) -> str:
    """The HTML the PDF is rendered from, in ``language`` (which must be active)."""
    view = selectors.document(version, language)
    changelog = version.changelog(language) if version.is_published else ""
    return render_to_string(
        TEMPLATE,
        {
            "document": view,
            "version": version,
            "language": language,
            "stylesheet_url": urljoin(static_base_url(), STYLESHEET),
            "page_of_pages": page_of_pages(),
            "changelog_html": render_markdown(changelog) if changelog.strip() else "",
        },
    )


def render_pdf(version: Version, language: str) -> tuple[bytes, int]:
    """The PDF of ``version`` in ``language`` and its number of pages."""
    with translation.override(language):
        html = render_html(version, language)
    # Relative links in the text lead to the portal; the fetcher reads only static files.
    document = HTML(string=html, base_url=f"{settings.SITE_URL}/", url_fetcher=StaticFilesFetcher()).render(
        **PDF_OPTIONS
    )
    return document.write_pdf(**PDF_OPTIONS), len(document.pages)


def file_name(rendition: Rendition) -> str:
    """``ctcc-guidelines-1.1-it.pdf``, or ``ctcc-guidelines-draft-r7-en.pdf`` for the draft."""
    version = rendition.version
    label = version.number if version.is_published else f"draft-r{rendition.revision}"
    return f"ctcc-guidelines-{label}-{rendition.language}.pdf"


def _is_superseded(rendition: Rendition) -> bool:
    """The draft has changed since this rendition of it was asked for."""
    return (
        Version.objects.filter(pk=rendition.version_id, status=Version.Status.DRAFT)
        .exclude(revision=rendition.revision)
        .exists()
    )


def _finish(rendition: Rendition, **fields) -> bool:
    """Record the outcome if the rendition is still pending; False if another run already did."""
    done = Rendition.objects.filter(pk=rendition.pk, status=Rendition.Status.PENDING).update(
        finished_at=timezone.now(), **fields
    )
    return bool(done)


def _fail(rendition: Rendition, error: str) -> str:
    _finish(rendition, status=Rendition.Status.FAILED, error=error)
    rendition.refresh_from_db()
    return rendition.status


def produce(rendition: Rendition) -> str:
    """Render a pending rendition and store its PDF; returns its status after.

    Idempotent: a rendition that is ready or failed is left alone. A draft's
    rendition whose revision is no longer the draft's fails as "superseded".
    A failure to render or store is logged and recorded on the rendition
    (status failed, a short error), not raised: the reader sees it and may
    ask again.

    No row lock is held while rendering. There is no "running" state to claim,
    and a lock held for the seconds a render takes would make the web request
    that asks again for the PDF wait on it (and, on SQLite, a transaction that
    reads then writes at its end deadlocks with the other worker process).
    Instead the result is stored with a compare-and-set on ``status=pending``:
    if two workers render the same rendition, the second one finds it finished
    and deletes its own file, so one file remains.
    """
    if rendition.status != Rendition.Status.PENDING:
        return rendition.status
    if _is_superseded(rendition):
        return _fail(rendition, "superseded")
    name = ""
    try:
        content, pages = render_pdf(rendition.version, rendition.language)
        # The draft may have changed while it was being read and rendered.
        if _is_superseded(rendition):
            return _fail(rendition, "superseded")
        storage = rendition.file.storage
        name = storage.save(
            rendition.file.field.generate_filename(rendition, file_name(rendition)), ContentFile(content)
        )
        stored = _finish(rendition, status=Rendition.Status.READY, file=name, pages=pages, size=len(content), error="")
    except Exception as error:
        logger.exception("The PDF of %s could not be produced", rendition)
        if name:
            rendition.file.storage.delete(name)
        message = next(iter(str(error).splitlines()), "")
        return _fail(rendition, f"{type(error).__name__}: {message}"[:200])
    if not stored:
        rendition.file.storage.delete(name)
    rendition.refresh_from_db()
    return rendition.status
