import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from experts.models import Topic
from portal.accounts.models import Organisation
from portal.accounts.roles import Capability, user_can


class DeviceClass(models.TextChoices):
    I = "I", "I"  # noqa: E741 (the MDR's own name for the class)
    IIA = "IIa", "IIa"
    IIB = "IIb", "IIb"
    III = "III", "III"


class QuestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Questions ``user`` may see: public ones, their organisation's
        confidential ones, all of them for the board and staff. Hidden
        questions only for moderators."""
        if user_can(user, Capability.MODERATE):
            return self
        shown = self.filter(is_hidden=False)
        if user_can(user, Capability.SEE_CONFIDENTIAL_QUESTIONS):
            return shown
        public = Q(visibility=Question.Visibility.PUBLIC)
        if not user.is_authenticated:
            return shown.filter(public)
        own = Q(author_id=user.pk)
        if user.organisation_id:
            own |= Q(organisation_id=user.organisation_id)
        return shown.filter(public | own)

    def public(self):
        """What anyone may see: feeds, public counts, the FAQ."""
        return self.filter(visibility=Question.Visibility.PUBLIC, is_hidden=False)

    def with_status(self, status: str):
        return self.filter(status=status)

    def awaiting_assignment(self):
        """The triage queue: open, unanswered questions nobody on the board has
        taken (public copies are answered already)."""
        return self.filter(status=Question.Status.UNANSWERED, is_hidden=False, public_copy_of__isnull=True).exclude(
            assignments__status__in=["open", "answered"]
        )

    def in_topics(self, topic_ids):
        through = Question.topics.through.objects.filter(question_id=OuterRef("pk"), topic_id__in=topic_ids)
        return self.filter(Exists(through))


class Question(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        CONFIDENTIAL = "confidential", _("Confidential")

    class Status(models.TextChoices):
        UNANSWERED = "unanswered", _("Unanswered")
        ANSWERED = "answered", _("Answered")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", _("Closed")

    class CloseReason(models.TextChoices):
        DUPLICATE = "duplicate", _("Duplicate")
        OFF_TOPIC = "off_topic", _("Off-topic")
        RESOLVED = "resolved", _("Resolved")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"), max_length=20_000)
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="questions")
    # The asker's organisation when they asked: who shares a confidential question.
    organisation = models.ForeignKey(Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="questions")
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)

    # Device context: all optional, the basis of the suggested pathway.
    device_class = models.CharField(_("device class"), max_length=4, choices=DeviceClass.choices, blank=True)
    implantable = models.BooleanField(_("implantable device"), null=True, blank=True)
    ce_marked = models.BooleanField(_("CE-marked"), null=True, blank=True)
    within_intended_purpose = models.BooleanField(
        _("investigation within the CE-marked intended purpose"), null=True, blank=True
    )
    software_ai = models.BooleanField(_("software or AI component"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNANSWERED)
    close_reason = models.CharField(_("reason"), max_length=16, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("original question"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    accepted_answer = models.OneToOneField(
        "Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="accepted_for"
    )
    is_hidden = models.BooleanField(default=False)
    # The counselling of a funded project this question came from, if any.
    counselling_case = models.ForeignKey(
        "experts.CounsellingCase",
        verbose_name=_("counselling case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    # The anonymised public copy of a confidential question, once its asker published one.
    public_copy_of = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="public_copy"
    )

    # Kept by the services, for lists that sort and filter without joins.
    answer_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    # When the asker first accepted an answer; kept if they later accept another.
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Maintained by a database trigger on PostgreSQL (see the migrations).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["visibility", "is_hidden", "-created_at"], name="forum_q_public_newest"),
            models.Index(fields=["status", "-created_at"], name="forum_q_status_newest"),
            models.Index(fields=["organisation", "-created_at"], name="forum_q_org_newest"),
            # Counts of a filtered list (?status=, with ?topic=): read from the index alone.
            models.Index(fields=["status", "visibility", "is_hidden", "id"], name="forum_q_status_public"),
            # The same for a member (public, or their organisation's): the OR is checked in the index.
            models.Index(
                fields=["is_hidden", "visibility", "organisation", "author", "status", "id"],
                name="forum_q_visible_to_member",
            ),
            # The questions answered or accepted in a period (the metrics), with created_at's own index.
            models.Index(fields=["first_answered_at"], name="forum_q_first_answered"),
            models.Index(fields=["accepted_at"], name="forum_q_accepted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | ~Q(status="closed"),
                name="forum_question_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(close_reason="duplicate") | Q(duplicate_of__isnull=False),
                name="forum_question_duplicate_has_original",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:question", args=[self.pk])

    @property
    def is_confidential(self) -> bool:
        return self.visibility == self.Visibility.CONFIDENTIAL

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_anonymised_copy(self) -> bool:
        return self.public_copy_of_id is not None


class AnswerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_hidden=False).exclude(kind=Answer.Kind.BOARD, board_published_at__isnull=True)

    def visible_to(self, user):
        """Board drafts are for experts and staff; hidden answers for moderators."""
        if user_can(user, Capability.MODERATE):
            return self
        if user_can(user, Capability.ANSWER_QUESTIONS):
            return self.filter(is_hidden=False)
        return self.published()


class Answer(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Answer of an expert")
        BOARD = "board", _("Answer of the Board")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="answers")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    body = models.TextField(_("answer"), max_length=30_000)
    body_html = models.TextField(editable=False, default="")
    # A board answer is published once enough other experts co-signed it.
    board_published_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "created_at"], name="forum_answer_question"),
            # An expert's latest answers (their dashboard, their profile).
            models.Index(fields=["author", "-created_at"], name="forum_answer_author_newest"),
            # The answers of a period (the metrics' experts' activity).
            models.Index(fields=["created_at"], name="forum_answer_created"),
            models.Index(fields=["board_published_at"], name="forum_answer_board_published"),
        ]

    def __str__(self) -> str:
        return f"{self.question} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"

    @property
    def is_board_answer(self) -> bool:
        return self.kind == self.Kind.BOARD

    @property
    def is_published(self) -> bool:
        return not self.is_board_answer or self.board_published_at is not None


class BoardSignature(models.Model):
    """An expert invited to co-sign a board answer; signed once ``signed_at`` is set."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="signatures")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_signatures")
    invited_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at"]
        constraints = [models.UniqueConstraint(fields=["answer", "expert"], name="forum_signature_once")]

    def __str__(self) -> str:
        return f"{self.expert} on {self.answer_id}"


class Comment(models.Model):
    """A short clarification by the asker or an expert, on a question or an answer."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="comments")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("comment"), max_length=2_000)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class HelpfulVote(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="forum_helpful_once")]

    def __str__(self) -> str:
        return f"{self.user_id} finds {self.answer_id} helpful"


class Follow(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_questions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="forum_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.question_id}"


class Flag(models.Model):
    """A member's report of a question, answer or comment, for staff to review."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["resolved_at", "-created_at"], name="forum_flag_open")]

    def __str__(self) -> str:
        return self.reason[:60]


class Revision(models.Model):
    """The text of a question or answer before an edit, for staff to read."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="revisions")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title or self.body[:60]} ({self.created_at:%Y-%m-%d %H:%M})"


def attachment_path(instance, filename: str) -> str:
    # Random names: the original one is kept in the row, never on disk.
    return f"forum/attachments/{uuid.uuid4().hex}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG"
        JPEG = "image/jpeg", "JPEG"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32, choices=Kind.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("forum:attachment", args=[self.question_id, self.pk])


class FAQEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class FAQEntry(models.Model):
    """A frequently asked question: promoted from the forum or written by staff.

    The Italian text is required; the English one is shown to English readers
    when present."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="faq_entries")
    question = models.ForeignKey(
        Question, verbose_name=_("forum question"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title_it = models.CharField(_("question (Italian)"), max_length=200)
    title_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    body_it = models.TextField(_("answer (Italian)"), max_length=30_000)
    body_en = models.TextField(_("answer (English)"), max_length=30_000, blank=True)
    body_html_it = models.TextField(editable=False, default="")
    body_html_en = models.TextField(editable=False, default="")
    position = models.PositiveIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FAQEntryQuerySet.as_manager()

    class Meta:
        ordering = ["topic__position", "position", "pk"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return self.title_it

    def get_absolute_url(self) -> str:
        return f"{reverse('forum:faq')}#faq-{self.pk}"

    def _in_reader_language(self, italian: str, english: str) -> str:
        return english if get_language() == "en" and english else italian

    @property
    def title(self) -> str:
        return self._in_reader_language(self.title_it, self.title_en)

    @property
    def body_html(self) -> str:
        return self._in_reader_language(self.body_html_it, self.body_html_en)

    @property
    def is_translated(self) -> bool:
        return get_language() != "en" or bool(self.title_en and self.body_en)
