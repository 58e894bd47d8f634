"""Factories for the guidelines.

Published versions cannot be written to, so content is made on the draft and
then frozen: build the draft with ``DraftFactory``, its sections with
``SectionFactory`` (which uses the existing draft, there being only one) and
their references with ``ReferenceFactory``, then ``publish(draft)``. The helper
``published_version(sections=N)`` does all of it with plain content.
"""

from datetime import UTC, datetime

import factory

from guidelines.models import Reference, Section, Version

TITLE_IT = "Linee guida per le indagini cliniche dei dispositivi medici"
TITLE_EN = "Guidelines for clinical investigations of medical devices"


def the_draft() -> Version:
    """The draft, made if there is none (there is at most one)."""
    return Version.objects.draft().first() or DraftFactory()


class DraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Version

    status = Version.Status.DRAFT
    title_it = TITLE_IT
    title_en = TITLE_EN
    revision = 1
    is_demo = False


class SectionFactory(factory.django.DjangoModelFactory):
    """A section (level 2) of the draft, translated; ``level=Section.Level.CHAPTER``
    for a chapter. Leave ``body_en`` empty for a section not yet translated."""

    class Meta:
        model = Section

    version = factory.LazyFunction(the_draft)
    key = factory.Sequence(lambda n: f"section-{n}")
    level = Section.Level.SECTION
    position = factory.Sequence(lambda n: n)
    title_it = factory.Sequence(lambda n: f"Sezione {n}")
    title_en = factory.Sequence(lambda n: f"Section {n}")
    body_it = "Il promotore conserva la documentazione dell'indagine clinica."
    body_en = "The sponsor keeps the documentation of the clinical investigation."


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n)
    kind = Reference.Kind.MDR
    document = "Regulation (EU) 2017/745 (MDR)"
    revision = ""
    locator = "Art. 62"
    title = "General requirements regarding clinical investigations"
    url = "https://eur-lex.europa.eu/eli/reg/2017/745/oj"


def publish(
    draft: Version,
    *,
    major: int = 1,
    minor: int = 0,
    published_at: datetime | None = None,
    changelog_it: str = "Prima versione.",
    changelog_en: str = "First version.",
) -> Version:
    """Freeze ``draft`` into a published version, in the single save the model allows."""
    draft.status = Version.Status.PUBLISHED
    draft.major, draft.minor = major, minor
    draft.published_at = published_at or datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    draft.changelog_it, draft.changelog_en = changelog_it, changelog_en
    draft.save()
    return draft


def published_version(sections: int = 3, major: int = 1, minor: int = 0, **fields) -> Version:
    """A published version with ``sections`` sections: a chapter, then its
    sections, a new chapter every fourth (1, 1.1, 1.2, 1.3, 2, ...). ``fields``
    go to the draft (``is_demo``, titles) or to ``publish`` (``changelog_it``...)."""
    publish_fields = {
        name: fields.pop(name) for name in ("published_at", "changelog_it", "changelog_en") if name in fields
    }
    draft = DraftFactory(**fields)
    for position in range(sections):
        level = Section.Level.CHAPTER if position % 4 == 0 else Section.Level.SECTION
        SectionFactory(version=draft, position=position, level=level)
    return publish(draft, major=major, minor=minor, **publish_fields)
