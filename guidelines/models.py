"""The board's requirements document: one editable draft, immutable numbered
versions frozen from it, its sections and references, the review of the draft,
editors, subscribers and the PDF renditions of each version and language.

A published version can never change. The model layer refuses it here (saves,
deletes and queryset updates of published content raise
``PublishedVersionError``) and on PostgreSQL a trigger refuses it again, so
that no code path, admin action or hand-written SQL can rewrite history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("it", "en")


def in_language(instance, field: str, language: str) -> str:
    """``instance``'s ``field`` in ``language`` (``title_it``...), or in the other
    language when that one is empty."""
    other = LANGUAGES[1] if language == LANGUAGES[0] else LANGUAGES[0]
    return getattr(instance, f"{field}_{language}", "") or getattr(instance, f"{field}_{other}")


class PublishedVersionError(Exception):
    """A write that would change a published version."""


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Version.Status.PUBLISHED).order_by("-major", "-minor")

    def draft(self):
        return self.filter(status=Version.Status.DRAFT)

    def update(self, **kwargs):
        # Only the publisher's account may change on a published version (it
        # is cleared when that account is erased).
        if set(kwargs) - {"published_by", "published_by_id"}:
            _refuse_published(self.filter(status=Version.Status.PUBLISHED))
        return super().update(**kwargs)

    def delete(self):
        _refuse_published(self.filter(status=Version.Status.PUBLISHED))
        return super().delete()


def _refuse_published(queryset) -> None:
    if queryset.exists():
        raise PublishedVersionError("A published version of the guidelines cannot be changed.")


class Version(models.Model):
    """The draft, or a published version frozen from an earlier draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    major = models.PositiveSmallIntegerField(null=True, blank=True)
    minor = models.PositiveSmallIntegerField(null=True, blank=True)
    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    changelog_it = models.TextField(_("changes (Italian)"), blank=True)
    changelog_en = models.TextField(_("changes (English)"), blank=True)
    # The published version this draft started from.
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False)
    # Increases with every change to the draft: a draft's PDF is made for one revision.
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("guidelines version")
        verbose_name_plural = _("guidelines versions")
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="draft"), name="guidelines_one_draft"),
            models.UniqueConstraint(fields=["major", "minor"], name="guidelines_version_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft", major__isnull=True, minor__isnull=True, published_at__isnull=True)
                | Q(status="published", major__isnull=False, minor__isnull=False, published_at__isnull=False),
                name="guidelines_published_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_en} {self.label}"

    def save(self, *args, **kwargs):
        if self.pk and Version.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise PublishedVersionError("A published version of the guidelines cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedVersionError("A published version of the guidelines cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def number(self) -> str:
        """The version's number, such as 1.1; empty for the draft."""
        return f"{self.major}.{self.minor}" if self.is_published else ""

    @property
    def label(self) -> str:
        return self.number if self.is_published else str(_("draft"))

    def title(self, language: str) -> str:
        return in_language(self, "title", language)

    def changelog(self, language: str) -> str:
        return in_language(self, "changelog", language)


class _FrozenWithVersionQuerySet(models.QuerySet):
    """Sections and references: writable only while their version is the draft."""

    version_path = ""

    def _published_rows(self):
        return self.filter(**{f"{self.version_path}__status": Version.Status.PUBLISHED})

    def _versions_of(self, objs):
        raise NotImplementedError

    def update(self, **kwargs):
        _refuse_published(self._published_rows())
        return super().update(**kwargs)

    def delete(self):
        _refuse_published(self._published_rows())
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_published(self._versions_of(objs).filter(status=Version.Status.PUBLISHED))
        return super().bulk_create(objs, *args, **kwargs)


class SectionQuerySet(_FrozenWithVersionQuerySet):
    version_path = "version"

    def _versions_of(self, objs):
        return Version.objects.filter(pk__in={obj.version_id for obj in objs})


class Section(models.Model):
    """A chapter (level 1) or a section of the chapter before it (level 2).

    ``key`` stays the same across versions: it is the section's anchor and
    what the comparison of two versions matches sections by.
    """

    class Level(models.IntegerChoices):
        CHAPTER = 1, _("Chapter")
        SECTION = 2, _("Section")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("anchor"), max_length=60)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.SECTION)
    position = models.PositiveIntegerField()
    title_it = models.CharField(_("title (Italian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_it = models.TextField(_("text (Italian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="guidelines_section_key_unique"),
            models.CheckConstraint(condition=~Q(title_it="") | ~Q(title_en=""), name="guidelines_section_has_a_title"),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_it

    def save(self, *args, **kwargs):
        _refuse_published(Version.objects.filter(pk=self.version_id, status=Version.Status.PUBLISHED))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_published(Version.objects.filter(pk=self.version_id, status=Version.Status.PUBLISHED))
        return super().delete(*args, **kwargs)

    def title(self, language: str) -> str:
        return in_language(self, "title", language)


class ReferenceQuerySet(_FrozenWithVersionQuerySet):
    version_path = "section__version"

    def _versions_of(self, objs):
        return Version.objects.filter(sections__in={obj.section_id for obj in objs})


class Reference(models.Model):
    """A source a section relies on: the MDR article or annex, the ISO 14155
    clause, the MDCG document and its revision."""

    class Kind(models.TextChoices):
        MDR = "mdr", _("MDR (Regulation (EU) 2017/745)")
        ISO_14155 = "iso_14155", _("ISO 14155:2020")
        MDCG = "mdcg", _("MDCG guidance")
        LAW = "law", _("Other EU or Italian law")
        STANDARD = "standard", _("Other standard")
        OTHER = "other", _("Other")

    DEFAULT_DOCUMENTS = {Kind.MDR: "Regulation (EU) 2017/745 (MDR)", Kind.ISO_14155: "ISO 14155:2020"}

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    document = models.CharField(
        _("document"), max_length=120, help_text=_("Its public name, such as “MDCG 2021-6” or “ISO 14971:2019”.")
    )
    revision = models.CharField(_("revision"), max_length=40, blank=True, help_text=_("Such as “Rev. 1”."))
    locator = models.CharField(
        _("article, annex or clause"), max_length=120, blank=True, help_text=_("Such as “Art. 62” or “clause 6.4”.")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    url = models.URLField(_("address"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["section", "position", "pk"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return self.citation

    def save(self, *args, **kwargs):
        _refuse_published(Section.objects.filter(pk=self.section_id, version__status=Version.Status.PUBLISHED))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_published(Section.objects.filter(pk=self.section_id, version__status=Version.Status.PUBLISHED))
        return super().delete(*args, **kwargs)

    @property
    def source(self) -> str:
        """The document and its revision: what the reference list groups by."""
        return f"{self.document} {self.revision}".strip()

    @property
    def citation(self) -> str:
        text = self.source
        if self.locator:
            text = f"{text}, {self.locator}"
        return text


class Editor(models.Model):
    """An expert whom staff appointed to write the draft with them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidelines_editor")
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appointed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guidelines editor")
        verbose_name_plural = _("guidelines editors")

    def __str__(self) -> str:
        return str(self.user)


class ReviewRound(models.Model):
    """Staff asked the board to review the draft."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="review_rounds")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    message = models.TextField(_("message to the reviewers"), blank=True)
    due_on = models.DateField(_("comments by"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=Q(closed_at__isnull=True), name="guidelines_one_open_review"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.version} requested {self.requested_at:%Y-%m-%d}"


class SectionReview(models.Model):
    """An expert marked a section of the draft as reviewed in a round."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="section_reviews")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "section", "reviewer"], name="guidelines_review_once")]

    def __str__(self) -> str:
        return f"{self.section} reviewed by {self.reviewer}"


class ThreadQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Thread(models.Model):
    """A review discussion on a section of the draft. Open threads move on to
    the next draft when the version is published."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="threads")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review thread")
        verbose_name_plural = _("review threads")

    def __str__(self) -> str:
        return f"Thread on {self.section}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return self.body[:60]


class Subscription(models.Model):
    """Someone signed in who wants to hear of each new version."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidelines_subscription"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.user)


class Rendition(models.Model):
    """The PDF of one version, in one language, at one revision of its text.

    A published version has a single revision, so its PDF is made once; the
    unique constraint makes two simultaneous requests share one row and one task.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being produced")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="renditions")
    language = models.CharField(max_length=2, choices=settings.LANGUAGES)
    revision = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="guidelines/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("PDF")
        verbose_name_plural = _("PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language", "revision"], name="guidelines_one_rendition_per_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language}, r{self.revision}): {self.status}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
