"""Reads of the guidelines: a version as readers see it (numbered sections in
their language, with a visible fallback), the version list, the review of the
draft."""

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock

from django.db.models import Count, Prefetch, Q

from guidelines.models import (
    LANGUAGES,
    Comment,
    Reference,
    ReviewRound,
    Section,
    SectionReview,
    Thread,
    Version,
    in_language,
)
from portal.markdown import render_markdown

# Rendering is a pure function of the text, and the text of published versions
# never changes: keep the HTML of the sections last shown (about two thirds of
# the cost of a version page or a comparison otherwise).
rendered_markdown = lru_cache(maxsize=512)(render_markdown)


@dataclass
class SectionView:
    """A section in one language: what the page, the PDF and the comparison show."""

    section: Section
    number: str
    title: str
    body: str  # Markdown source, in ``language``
    body_html: str
    # The language the text is shown in; differs from the reader's when the
    # section has no translation yet.
    language: str
    is_fallback: bool
    references: list[Reference]

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def level(self) -> int:
        return self.section.level

    @property
    def anchor(self) -> str:
        return f"s-{self.section.key}"


@dataclass
class Source:
    """One entry of the reference list: a document and every place the text cites it."""

    name: str
    title: str
    url: str
    citations: list[tuple[str, list[SectionView]]] = field(default_factory=list)


@dataclass
class DocumentView:
    version: Version
    language: str
    title: str
    sections: list[SectionView]
    sources: list[Source]

    @property
    def chapters(self) -> list[SectionView]:
        return [view for view in self.sections if view.level == Section.Level.CHAPTER]

    @property
    def has_fallbacks(self) -> bool:
        return any(view.is_fallback for view in self.sections)


def other_language(language: str) -> str:
    return "en" if language == "it" else "it"


def current_version() -> Version | None:
    return Version.objects.published().select_related("published_by").first()


def draft() -> Version | None:
    return Version.objects.draft().first()


def version_by_number(number: str) -> Version | None:
    major, _, minor = number.partition(".")
    if not (major.isascii() and major.isdigit() and minor.isascii() and minor.isdigit()) or len(number) > 7:
        return None
    return Version.objects.published().filter(major=int(major), minor=int(minor)).select_related("published_by").first()


def published_versions():
    return Version.objects.published().select_related("published_by")


def sections_of(version: Version):
    return version.sections.prefetch_related("references")


def section_view(section: Section, number: str, language: str) -> SectionView:
    # A section is translated when it has its text in ``language``; a
    # section without text (a chapter heading) when it has its title.
    text = "body" if section.body_it.strip() or section.body_en.strip() else "title"
    shown = language if getattr(section, f"{text}_{language}").strip() else other_language(language)
    body = getattr(section, f"body_{shown}")
    title = in_language(section, "title", shown)
    return SectionView(
        section=section,
        number=number,
        title=title,
        body=body,
        body_html=rendered_markdown(body) if body else "",
        language=shown,
        is_fallback=shown != language,
        references=list(section.references.all()),
    )


def numbered(sections) -> list[tuple[Section, str]]:
    """Chapters are numbered 1, 2...; the sections of chapter 2 are 2.1, 2.2..."""
    result = []
    chapter = section = 0
    for item in sections:
        if item.level == Section.Level.CHAPTER:
            chapter, section = chapter + 1, 0
            result.append((item, str(chapter)))
        else:
            section += 1
            result.append((item, f"{max(chapter, 1)}.{section}"))
    return result


def document(version: Version, language: str, sections=None) -> DocumentView:
    """``version`` as a reader of ``language`` sees it. Two queries (sections and
    their references) unless ``sections`` are given already loaded."""
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    loaded = list(sections if sections is not None else sections_of(version))
    views = [section_view(section, number, language) for section, number in numbered(loaded)]
    return DocumentView(
        version=version, language=language, title=version.title(language), sections=views, sources=_sources(views)
    )


class KeptInProcess:
    """The last ``size`` values computed, by key, shared by the threads of a
    process: for what a published version makes, which never changes."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get_or_compute(self, key, compute):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


_published_documents = KeptInProcess(16)


def published_document(version: Version, language: str) -> DocumentView:
    """``document(version, language)``, kept in the process for a published
    version (the last few): a published version never changes, so its page
    needs neither the queries nor the rendering of its sections again."""
    if not version.is_published:
        return document(version, language)
    # The creation time too: a primary key may name another version in a database emptied since (tests).
    key = (version.pk, version.created_at, language)
    return _published_documents.get_or_compute(key, lambda: document(version, language))


_KIND_ORDER = {kind: index for index, kind in enumerate(Reference.Kind.values)}


def _sources(views: list[SectionView]) -> list[Source]:
    by_source: dict[str, Source] = {}
    places: dict[str, dict[str, list[SectionView]]] = defaultdict(dict)
    kinds: dict[str, str] = {}
    for view in views:
        for reference in view.references:
            name = reference.source
            source = by_source.setdefault(name, Source(name=name, title=reference.title, url=reference.url))
            source.title = source.title or reference.title
            source.url = source.url or reference.url
            kinds.setdefault(name, reference.kind)
            cited_in = places[name].setdefault(reference.locator, [])
            if view not in cited_in:
                cited_in.append(view)
    for name, source in by_source.items():
        source.citations = list(places[name].items())
    return sorted(by_source.values(), key=lambda source: (_KIND_ORDER.get(kinds[source.name], 99), source.name))


# The review of the draft.


def open_review(version: Version) -> ReviewRound | None:
    return version.review_rounds.filter(closed_at__isnull=True).select_related("requested_by").first()


def draft_sections_for_review(version: Version):
    """The draft's sections with their review threads and comments, and counts
    of open threads: four queries whatever the size."""
    comments = Comment.objects.select_related("author")
    threads = Thread.objects.select_related("started_by", "resolved_by").prefetch_related(
        Prefetch("comments", queryset=comments)
    )
    return (
        version.sections.prefetch_related("references", Prefetch("threads", queryset=threads))
        .annotate(open_threads=Count("threads", filter=Q(threads__resolved_at__isnull=True)))
        .select_related("updated_by")
    )


def review_progress(round: ReviewRound, sections: list[Section], reviewers) -> list[dict]:
    """Who has reviewed what in ``round``: for each reviewer, the sections
    marked reviewed (and whether the section changed since)."""
    marks = SectionReview.objects.filter(round=round).values_list("reviewer_id", "section_id", "reviewed_at")
    updated = {section.pk: section.updated_at for section in sections}
    by_reviewer: dict[int, dict[int, bool]] = defaultdict(dict)
    for reviewer_id, section_id, reviewed_at in marks:
        if section_id in updated:
            by_reviewer[reviewer_id][section_id] = updated[section_id] > reviewed_at
    rows = []
    for reviewer in reviewers:
        reviewed = by_reviewer.get(reviewer.pk, {})
        rows.append(
            {
                "reviewer": reviewer,
                "reviewed": len(reviewed),
                "stale": sum(reviewed.values()),
                "sections": reviewed,
            }
        )
    return rows


def reviewed_by(round: ReviewRound | None, user) -> set[int]:
    if round is None or not user.is_authenticated:
        return set()
    return set(SectionReview.objects.filter(round=round, reviewer=user).values_list("section_id", flat=True))
