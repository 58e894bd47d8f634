"""Writes of the guidelines: editing the draft, its review, publishing a
version, subscriptions, editors and the PDFs."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from guidelines.models import (
    Comment,
    Editor,
    Reference,
    Rendition,
    ReviewRound,
    Section,
    SectionReview,
    Subscription,
    Thread,
    Version,
)
from guidelines.permissions import can_comment, can_edit_draft, can_manage_review, can_publish, can_review
from portal import audit, jobs
from portal.accounts.models import Notification, Role, User
from portal.accounts.roles import Capability
from portal.accounts.services import notify
from portal.audit.models import Action as AuditAction
from portal.errors import ServiceError

DEFAULT_TITLE = {
    "it": "Linee guida per le indagini cliniche dei dispositivi medici",
    "en": "Guidelines for clinical investigations of medical devices",
}
# A PDF still "being produced" after this long is taken to be lost (its worker
# died) and may be requested again.
RENDITION_TIMEOUT = timedelta(minutes=10)


class GuidelinesError(ServiceError):
    """An action on the guidelines that is not allowed; its message is for the user."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise GuidelinesError(gettext("You may not do this."))


# The draft.


def get_or_create_draft() -> Version:
    """The one draft; created (empty, or from the current version) if missing."""
    existing = Version.objects.draft().first()
    if existing is not None:
        return existing
    current = Version.objects.published().first()
    try:
        with transaction.atomic():
            if current is None:
                return Version.objects.create(title_it=DEFAULT_TITLE["it"], title_en=DEFAULT_TITLE["en"])
            return _start_draft_from(current)
    except IntegrityError:  # another request created it first
        return Version.objects.draft().get()


def _start_draft_from(version: Version) -> Version:
    draft = Version.objects.create(
        title_it=version.title_it, title_en=version.title_en, based_on=version, is_demo=version.is_demo
    )
    sections = list(version.sections.prefetch_related("references"))
    copies = Section.objects.bulk_create(_copy(section, version=draft) for section in sections)
    Reference.objects.bulk_create(
        _copy(reference, section=copy)
        for section, copy in zip(sections, copies, strict=True)
        for reference in section.references.all()
    )
    # Unresolved review threads carry on in the new draft.
    by_key = {copy.key: copy.pk for copy in copies}
    open_threads = Thread.objects.open().filter(section__version=version).select_related("section")
    moves = {thread.pk: by_key[thread.section.key] for thread in open_threads if thread.section.key in by_key}
    if moves:
        Thread.objects.filter(pk__in=moves).update(
            section_id=Case(*(When(pk=pk, then=section_pk) for pk, section_pk in moves.items()))
        )
    return draft


def _copy(instance, **changes):
    """An unsaved copy of a section or a reference, with ``changes`` (its new parent)."""
    copy = type(instance)(
        **{
            field.attname: getattr(instance, field.attname)
            for field in instance._meta.concrete_fields
            if not field.primary_key
        }
    )
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def _touch(draft: Version) -> None:
    """Record a change to the draft: its PDFs must be produced anew."""
    Version.objects.filter(pk=draft.pk).update(revision=F("revision") + 1, updated_at=timezone.now())


def _locked_draft(section_or_version) -> Version:
    version_id = section_or_version.pk if isinstance(section_or_version, Version) else section_or_version.version_id
    draft = Version.objects.select_for_update().filter(pk=version_id, status=Version.Status.DRAFT).first()
    if draft is None:
        raise GuidelinesError(gettext("This version is published and can no longer be changed."))
    return draft


def _unique_key(draft: Version, title: str, exclude: int | None = None) -> str:
    base = slugify(title)[:50].strip("-") or "section"
    taken = set(draft.sections.exclude(pk=exclude).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@dataclass
class ReferenceData:
    kind: str
    document: str
    revision: str = ""
    locator: str = ""
    title: str = ""
    url: str = ""


def _save_references(section: Section, references: list[ReferenceData]) -> None:
    section.references.all().delete()
    Reference.objects.bulk_create(
        Reference(section=section, position=position, **vars(data)) for position, data in enumerate(references)
    )


def update_section(
    *,
    section: Section,
    by: User,
    title_it: str,
    title_en: str,
    body_it: str,
    body_en: str,
    references: list[ReferenceData],
) -> Section:
    """Change a section of the draft and its references."""
    _require(can_edit_draft(by))
    with transaction.atomic():
        draft = _locked_draft(section)
        section.title_it, section.title_en = title_it.strip(), title_en.strip()
        section.body_it, section.body_en = body_it.strip(), body_en.strip()
        section.updated_at, section.updated_by = timezone.now(), by
        section.save()
        _save_references(section, references)
        _touch(draft)
    return section


def add_section(
    *,
    by: User,
    level: int,
    title_it: str,
    title_en: str,
    body_it: str = "",
    body_en: str = "",
    after: Section | None = None,
    references: list[ReferenceData] = (),
) -> Section:
    """Add a chapter or section to the draft, after ``after`` (or at the end).
    A new chapter goes after the whole chapter of ``after``."""
    _require(can_edit_draft(by))
    with transaction.atomic():
        draft = _locked_draft(after or get_or_create_draft())
        sections = list(draft.sections.all())
        if not sections and level != Section.Level.CHAPTER:
            raise GuidelinesError(gettext("The document must start with a chapter."))
        index = len(sections)
        if after is not None:
            index = next(i for i, s in enumerate(sections) if s.pk == after.pk) + 1
            if level == Section.Level.CHAPTER:
                while index < len(sections) and sections[index].level == Section.Level.SECTION:
                    index += 1
        section = Section(
            version=draft,
            key=_unique_key(draft, title_en or title_it),
            level=level,
            position=0,
            title_it=title_it.strip(),
            title_en=title_en.strip(),
            body_it=body_it.strip(),
            body_en=body_en.strip(),
            updated_by=by,
        )
        sections.insert(index, section)
        section.save()
        _save_references(section, list(references))
        _renumber(sections)
        _touch(draft)
    return section


def _renumber(sections: list[Section]) -> None:
    for position, section in enumerate(sections):
        section.position = position
    Section.objects.bulk_update(sections, ["position"])


def _blocks(sections: list[Section]) -> list[list[Section]]:
    """The draft as chapters, each with its sections."""
    blocks: list[list[Section]] = []
    for section in sections:
        if section.level == Section.Level.CHAPTER or not blocks:
            blocks.append([section])
        else:
            blocks[-1].append(section)
    return blocks


def move_section(*, section: Section, by: User, up: bool) -> None:
    """Move a section one place up or down (into the neighbouring chapter at
    its edge), or a chapter with its sections before or after the next chapter."""
    _require(can_edit_draft(by))
    with transaction.atomic():
        draft = _locked_draft(section)
        sections = list(draft.sections.all())
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        if section.level == Section.Level.CHAPTER:
            blocks = _blocks(sections)
            at = next(i for i, block in enumerate(blocks) if block[0].pk == section.pk)
            other = at - 1 if up else at + 1
            if not 0 <= other < len(blocks):
                return
            blocks[at], blocks[other] = blocks[other], blocks[at]
            sections = [s for block in blocks for s in block]
        else:
            other = index - 1 if up else index + 1
            # A section cannot move above the first chapter.
            if not 1 <= other < len(sections):
                return
            sections[index], sections[other] = sections[other], sections[index]
        _renumber(sections)
        _touch(draft)


def delete_section(*, section: Section, by: User) -> None:
    """Remove a section, or a chapter that has no sections left, from the draft."""
    _require(can_edit_draft(by))
    with transaction.atomic():
        draft = _locked_draft(section)
        sections = list(draft.sections.all())
        index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
        if section.level == Section.Level.CHAPTER:
            following = sections[index + 1] if index + 1 < len(sections) else None
            if following is not None and following.level == Section.Level.SECTION:
                raise GuidelinesError(gettext("Move or delete the sections of this chapter first."))
            if index == 0 and following is not None:
                raise GuidelinesError(gettext("The document must start with a chapter."))
        section.delete()
        del sections[index]
        _renumber(sections)
        _touch(draft)


def update_title(*, by: User, title_it: str, title_en: str) -> Version:
    _require(can_edit_draft(by))
    with transaction.atomic():
        draft = _locked_draft(get_or_create_draft())
        draft.title_it, draft.title_en = title_it.strip(), title_en.strip()
        draft.save(update_fields=["title_it", "title_en"])
        _touch(draft)
    return draft


# Review.


def request_review(*, by: User, message: str = "", due_on: date | None = None) -> ReviewRound:
    """Submit the draft to the board for review; the experts are told."""
    _require(can_manage_review(by))
    with transaction.atomic():
        draft = _locked_draft(get_or_create_draft())
        if not draft.sections.exists():
            raise GuidelinesError(gettext("The draft is empty: there is nothing to review yet."))
        draft.review_rounds.filter(closed_at__isnull=True).update(closed_at=timezone.now())
        review = ReviewRound.objects.create(version=draft, requested_by=by, message=message.strip(), due_on=due_on)
        audit.record(actor=by, action=AuditAction.GUIDELINES_REVIEW_REQUESTED, target=draft, details={"due_on": due_on})
        notify(
            recipients=User.objects.with_capability(Capability.ANSWER_QUESTIONS),
            kind=Notification.Kind.GUIDELINES_REVIEW,
            actor=by,
            target_title=draft.title_en,
            target_url=reverse("guidelines:draft"),
        )
    return review


def close_review(*, review: ReviewRound, by: User) -> None:
    _require(can_manage_review(by))
    with transaction.atomic():
        if ReviewRound.objects.filter(pk=review.pk, closed_at__isnull=True).update(closed_at=timezone.now()):
            audit.record(actor=by, action=AuditAction.GUIDELINES_REVIEW_CLOSED, target=review.version)


def mark_reviewed(*, section: Section, by: User, reviewed: bool = True) -> None:
    """An expert records (or withdraws) having reviewed a section in the open round."""
    _require(can_review(by))
    review = section.version.review_rounds.filter(closed_at__isnull=True).first()
    if review is None or section.version.is_published:
        raise GuidelinesError(gettext("The draft is not under review."))
    if reviewed:
        SectionReview.objects.update_or_create(
            round=review, section=section, reviewer=by, defaults={"reviewed_at": timezone.now()}
        )
    else:
        SectionReview.objects.filter(round=review, section=section, reviewer=by).delete()


def _thread_audience(thread: Thread) -> list[User]:
    """Who hears of a comment: staff who edit, the editors and the thread's participants."""
    participants = set(thread.comments.values_list("author_id", flat=True))
    editors = set(Editor.objects.values_list("user_id", flat=True))
    return list(
        User.objects.filter(pk__in=participants | editors)
        | User.objects.filter(role__in=[Role.STAFF, Role.ADMINISTRATOR], is_active=True)
    )


def _notify_comment(thread: Thread, by: User) -> None:
    notify(
        recipients=_thread_audience(thread),
        kind=Notification.Kind.GUIDELINES_COMMENT,
        actor=by,
        target_title=thread.section.title_en or thread.section.title_it,
        target_url=f"{reverse('guidelines:draft')}#s-{thread.section.key}",
    )


def start_thread(*, section: Section, by: User, body: str) -> Thread:
    """Open a review discussion on a section of the draft."""
    _require(can_comment(by))
    if section.version.is_published:
        raise GuidelinesError(gettext("Comments go on the draft, not on a published version."))
    with transaction.atomic():
        thread = Thread.objects.create(section=section, started_by=by)
        Comment.objects.create(thread=thread, author=by, body=body.strip())
        _notify_comment(thread, by)
    return thread


def reply(*, thread: Thread, by: User, body: str) -> Comment:
    _require(can_comment(by))
    if thread.is_resolved:
        raise GuidelinesError(gettext("This discussion is resolved; reopen it to reply."))
    with transaction.atomic():
        comment = Comment.objects.create(thread=thread, author=by, body=body.strip())
        _notify_comment(thread, by)
    return comment


def resolve_thread(*, thread: Thread, by: User, resolved: bool = True) -> None:
    """Close (or reopen) a discussion: its starter, an editor or staff may."""
    _require(can_edit_draft(by) or thread.started_by_id == by.pk)
    if resolved:
        Thread.objects.filter(pk=thread.pk).update(resolved_at=timezone.now(), resolved_by=by)
    else:
        Thread.objects.filter(pk=thread.pk).update(resolved_at=None, resolved_by=None)


# Publishing.


class Step:
    MAJOR = "major"
    MINOR = "minor"


def next_number(step: str) -> tuple[int, int]:
    """The number the draft would get: 1.0 first; then a minor step (1.1) or a major one (2.0)."""
    latest = Version.objects.published().values_list("major", "minor").first()
    if latest is None:
        return (1, 0)
    major, minor = latest
    return (major + 1, 0) if step == Step.MAJOR else (major, minor + 1)


def publish_version(
    *, by: User, step: str, changelog_it: str, changelog_en: str, at: datetime | None = None
) -> Version:
    """Freeze the draft into the next numbered version, start the next draft
    from it, produce its PDFs and tell the subscribers. ``at`` dates a version
    loaded from history (the demo document); it defaults to now."""
    _require(can_publish(by))
    with transaction.atomic():
        draft = _locked_draft(get_or_create_draft())
        if not draft.sections.exists():
            raise GuidelinesError(gettext("The draft is empty: there is nothing to publish."))
        if not (changelog_it.strip() or changelog_en.strip()):
            raise GuidelinesError(gettext("Say what changed in this version."))
        # Publishing is serialised by the draft's row lock, so the number is free.
        draft.major, draft.minor = next_number(step)
        draft.status = Version.Status.PUBLISHED
        # A new revision, so that a PDF made of the last draft is never taken for the version's.
        draft.revision += 1
        draft.published_at, draft.published_by = at or timezone.now(), by
        draft.changelog_it, draft.changelog_en = changelog_it.strip(), changelog_en.strip()
        draft.save()
        audit.record(actor=by, action=AuditAction.GUIDELINES_PUBLISHED, target=draft, details={"number": draft.number})
        draft.review_rounds.filter(closed_at__isnull=True).update(closed_at=draft.published_at)
        _start_draft_from(draft)
        for language in ("it", "en"):
            request_pdf(version=draft, language=language)
        _announce(draft.pk)
    return draft


def _announce(version_id: int) -> None:
    from guidelines.tasks import announce_release

    jobs.enqueue(announce_release, version_id)


@transaction.atomic
def announce_release(version_id: int) -> int:
    """Notify the subscribers of a release, in their language (emailed by the
    notifications' delivery). Returns how many were told."""
    version = Version.objects.get(pk=version_id)
    subscribers = User.objects.filter(guidelines_subscription__isnull=False, is_active=True)
    notifications = notify(
        recipients=subscribers,
        kind=Notification.Kind.GUIDELINES_PUBLISHED,
        actor=version.published_by,
        target_title=version.number,
        target_url=reverse("guidelines:version", args=[version.number]),
    )
    return len(notifications)


# Subscriptions and editors.


def subscribe(*, user: User, subscribed: bool = True) -> None:
    if subscribed:
        Subscription.objects.get_or_create(user=user)
    else:
        Subscription.objects.filter(user=user).delete()


def appoint_editor(*, user: User, by: User) -> Editor:
    _require(can_publish(by))
    if user.role != Role.EXPERT:
        raise GuidelinesError(gettext("Only experts of the board can be appointed editors."))
    with transaction.atomic():
        editor, created = Editor.objects.get_or_create(user=user, defaults={"appointed_by": by})
        if created:
            audit.record(actor=by, action=AuditAction.GUIDELINES_EDITOR_APPOINTED, target=user)
    return editor


def remove_editor(*, user: User, by: User) -> None:
    _require(can_publish(by))
    with transaction.atomic():
        removed, _ = Editor.objects.filter(user=user).delete()
        if removed:
            audit.record(actor=by, action=AuditAction.GUIDELINES_EDITOR_REMOVED, target=user)


# PDFs.


@transaction.atomic
def request_pdf(*, version: Version, language: str) -> Rendition:
    """The PDF of ``version`` in ``language`` at its current revision: the one
    already made or being made, or a new one queued for the worker. A failed
    or lost one is queued again."""
    rendition, created = _get_or_create_rendition(version, language)
    stale = rendition.status == Rendition.Status.PENDING and rendition.requested_at < timezone.now() - RENDITION_TIMEOUT
    if not created and (rendition.status == Rendition.Status.FAILED or stale):
        restarted = Rendition.objects.filter(pk=rendition.pk, status=rendition.status).update(
            status=Rendition.Status.PENDING, requested_at=timezone.now(), error="", finished_at=None
        )
        created = bool(restarted)
        rendition.refresh_from_db()
    if created:
        _queue_rendition(rendition.pk)
    return rendition


def _get_or_create_rendition(version: Version, language: str) -> tuple[Rendition, bool]:
    # The unique constraint makes simultaneous requests share one row: the
    # loser of the race reads the winner's.
    try:
        with transaction.atomic():
            return Rendition.objects.get_or_create(version=version, language=language, revision=version.revision)
    except IntegrityError:
        return Rendition.objects.get(version=version, language=language, revision=version.revision), False


def _queue_rendition(rendition_id: int) -> None:
    from guidelines.tasks import render_rendition

    jobs.enqueue(render_rendition, rendition_id)
