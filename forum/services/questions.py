"""Writes on questions: asking, answering, board answers, comments, votes,
follows, flags, moderation and the FAQ."""

from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from experts.models import CounsellingCase, Topic
from forum.models import (
    Answer,
    Attachment,
    BoardSignature,
    Comment,
    FAQEntry,
    Flag,
    Follow,
    HelpfulVote,
    Question,
    Revision,
)
from forum.permissions import can_see_question
from forum.services.common import ForumError
from forum.services.common import require as _require
from forum.services.routing import cancel_open_assignments, ensure_not_conflicted, settle_assignment
from portal import audit
from portal.accounts.models import Notification, User
from portal.accounts.roles import Capability, user_can
from portal.accounts.services import notify
from portal.audit.models import Action as AuditAction
from portal.markdown import render_markdown


def _followers(question: Question) -> list[User]:
    return [follow.user for follow in question.follows.select_related("user")]


def _notify_about_answer(answer: Answer, *, recipients, kind: str, actor: User | None) -> None:
    notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        target_title=answer.question.title,
        target_url=answer.get_absolute_url(),
    )


def _notify_question_people(question: Question, *, kind: str, actor: User | None) -> None:
    """The asker and the followers, as long as they may still see the question
    (a follower who left the asker's organisation hears nothing more)."""
    people = [p for p in [*_followers(question), question.author] if p and can_see_question(p, question)]
    notify(
        recipients=people, kind=kind, actor=actor, target_title=question.title, target_url=question.get_absolute_url()
    )


@transaction.atomic
def ask_question(
    *,
    author: User,
    title: str,
    body: str,
    topics: Iterable[Topic],
    visibility: str,
    device: dict | None = None,
    attachments: Iterable[UploadedFile] = (),
    counselling_case: CounsellingCase | None = None,
) -> Question:
    """A member's new question, followed by its author; linked to the counselling
    case of a funded project it came from, if the case is their organisation's."""
    _require(author, Capability.ASK_QUESTIONS)
    if counselling_case is not None and counselling_case.organisation_id != author.organisation_id:
        raise ForumError(_("This counselling case belongs to another organisation."))
    question = Question.objects.create(
        author=author,
        organisation=author.organisation,
        title=title,
        body=body,
        body_html=render_markdown(body),
        visibility=visibility,
        counselling_case=counselling_case,
        **(device or {}),
    )
    question.topics.set(topics)
    for upload in attachments:
        add_attachment(question=question, user=author, upload=upload)
    Follow.objects.create(question=question, user=author)
    return question


def add_attachment(*, question: Question, user: User, upload: UploadedFile) -> Attachment:
    """Store a file already checked by ``forum.forms.validate_attachment``."""
    return Attachment.objects.create(
        question=question,
        file=upload,
        original_name=upload.name[:200],
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=user,
    )


@transaction.atomic
def edit_question(*, question: Question, editor: User, title: str, body: str, topics: Iterable[Topic]) -> Question:
    Revision.objects.create(question=question, editor=editor, title=question.title, body=question.body)
    question.title = title
    question.body = body
    question.body_html = render_markdown(body)
    question.save(update_fields=["title", "body", "body_html", "updated_at"])
    question.topics.set(topics)
    return question


def _count_published_answer(question: Question, answer: Answer) -> None:
    """Keep the question's counters and status in step with a newly published answer."""
    now = timezone.now()
    Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
    Question.objects.filter(pk=question.pk, first_answered_at__isnull=True).update(first_answered_at=answer.created_at)
    Question.objects.filter(pk=question.pk, status=Question.Status.UNANSWERED).update(
        status=Question.Status.ANSWERED, updated_at=now
    )
    question.refresh_from_db()


def _ensure_open(question: Question) -> None:
    if question.is_closed:
        raise ForumError(_("This question is closed."))


@transaction.atomic
def post_answer(*, question: Question, expert: User, body: str) -> Answer:
    """An expert's own answer, published at once."""
    _require(expert, Capability.ANSWER_QUESTIONS)
    _ensure_open(question)
    ensure_not_conflicted(question=question, expert=expert)
    answer = Answer.objects.create(question=question, author=expert, body=body, body_html=render_markdown(body))
    _count_published_answer(question, answer)
    settle_assignment(question=question, expert=expert)
    Follow.objects.get_or_create(question=question, user=expert)
    _notify_question_people(question, kind=Notification.Kind.ANSWERED, actor=expert)
    return answer


@transaction.atomic
def draft_board_answer(*, question: Question, expert: User, body: str, cosigners: Iterable[User]) -> Answer:
    """An answer on behalf of the board: seen by experts and staff only until
    ``BOARD_ANSWER_QUORUM`` other experts co-sign it."""
    _require(expert, Capability.ANSWER_QUESTIONS)
    _ensure_open(question)
    ensure_not_conflicted(question=question, expert=expert)
    answer = Answer.objects.create(
        question=question, author=expert, kind=Answer.Kind.BOARD, body=body, body_html=render_markdown(body)
    )
    settle_assignment(question=question, expert=expert)
    conflicted = set(question.conflicts.values_list("expert_id", flat=True))
    invited = [
        user
        for user in cosigners
        if user.pk != expert.pk and user.pk not in conflicted and user_can(user, Capability.ANSWER_QUESTIONS)
    ]
    BoardSignature.objects.bulk_create(BoardSignature(answer=answer, expert=user) for user in invited)
    _notify_about_answer(answer, recipients=invited, kind=Notification.Kind.COSIGN_REQUESTED, actor=expert)
    return answer


@transaction.atomic
def cosign_board_answer(*, answer: Answer, expert: User) -> Answer:
    """Add ``expert``'s signature; the answer is published at the quorum."""
    _require(expert, Capability.ANSWER_QUESTIONS)
    answer = Answer.objects.select_for_update().select_related("question").get(pk=answer.pk)
    _ensure_open(answer.question)
    if not answer.is_board_answer:
        raise ForumError(_("Only board answers are co-signed."))
    if answer.author_id == expert.pk:
        raise ForumError(_("The author of a board answer does not co-sign it."))
    ensure_not_conflicted(question=answer.question, expert=expert)
    settle_assignment(question=answer.question, expert=expert)
    signature, _created = BoardSignature.objects.get_or_create(answer=answer, expert=expert)
    if signature.signed_at is None:
        signature.signed_at = timezone.now()
        signature.save(update_fields=["signed_at"])
    signed = answer.signatures.filter(signed_at__isnull=False).count()
    if answer.board_published_at is None and signed >= settings.BOARD_ANSWER_QUORUM:
        answer.board_published_at = timezone.now()
        answer.save(update_fields=["board_published_at", "updated_at"])
        _count_published_answer(answer.question, answer)
        _notify_question_people(answer.question, kind=Notification.Kind.BOARD_PUBLISHED, actor=None)
    return answer


@transaction.atomic
def edit_answer(*, answer: Answer, editor: User, body: str) -> Answer:
    """Edit an answer; a board draft's co-signatures are void, as they were
    given to the old text."""
    Revision.objects.create(question=answer.question, answer=answer, editor=editor, body=answer.body)
    if answer.is_board_answer and not answer.is_published:
        answer.signatures.update(signed_at=None)
    answer.body = body
    answer.body_html = render_markdown(body)
    answer.save(update_fields=["body", "body_html", "updated_at"])
    return answer


def may_comment(user: User, question: Question) -> bool:
    """The asker, the board and staff add clarifications."""
    return user.is_authenticated and (
        question.author_id == user.pk or user_can(user, Capability.SEE_CONFIDENTIAL_QUESTIONS)
    )


@transaction.atomic
def post_comment(*, question: Question, author: User, body: str, answer: Answer | None = None) -> Comment:
    if not may_comment(author, question):
        raise ForumError(_("Only the asker and the experts add clarifications."))
    _ensure_open(question)
    comment = Comment.objects.create(question=question, answer=answer, author=author, body=body)
    if answer is not None and not answer.is_published:
        # A board draft is the board's business until it is published.
        board_people = [answer.author, *(s.expert for s in answer.signatures.select_related("expert"))]
        _notify_about_answer(answer, recipients=board_people, kind=Notification.Kind.COMMENTED, actor=author)
    else:
        _notify_question_people(question, kind=Notification.Kind.COMMENTED, actor=author)
    return comment


@transaction.atomic
def accept_answer(*, question: Question, user: User, answer: Answer) -> Question:
    if question.author_id != user.pk:
        raise ForumError(_("Only the asker accepts an answer."))
    if answer.question_id != question.pk or not answer.is_published or answer.is_hidden:
        raise ForumError(_("This answer cannot be accepted."))
    question.accepted_answer = answer
    # The first acceptance is when the question was resolved: choosing another
    # answer later does not make it newly accepted (the metrics count it once).
    if question.accepted_at is None:
        question.accepted_at = timezone.now()
    if not question.is_closed:
        question.status = Question.Status.ACCEPTED
    question.save(update_fields=["accepted_answer", "accepted_at", "status", "updated_at"])
    _notify_about_answer(answer, recipients=[answer.author], kind=Notification.Kind.ACCEPTED, actor=user)
    return question


@transaction.atomic
def toggle_helpful(*, answer: Answer, user: User) -> bool:
    """Mark or unmark an answer as helpful; returns whether it is now marked."""
    if answer.author_id == user.pk:
        raise ForumError(_("You cannot mark your own answer as helpful."))
    if not answer.is_published or answer.is_hidden:
        raise ForumError(_("This answer is not published."))
    vote = HelpfulVote.objects.filter(answer=answer, user=user).first()
    step = -1 if vote else 1
    if vote:
        vote.delete()
    else:
        HelpfulVote.objects.create(answer=answer, user=user)
    Answer.objects.filter(pk=answer.pk).update(helpful_count=F("helpful_count") + step)
    Question.objects.filter(pk=answer.question_id).update(helpful_count=F("helpful_count") + step)
    return vote is None


def set_following(*, question: Question, user: User, follow: bool) -> None:
    if follow:
        Follow.objects.get_or_create(question=question, user=user)
    else:
        Follow.objects.filter(question=question, user=user).delete()


def flag_content(
    *, question: Question, reporter: User, reason: str, answer: Answer | None = None, comment: Comment | None = None
) -> Flag:
    return Flag.objects.create(question=question, answer=answer, comment=comment, reporter=reporter, reason=reason)


@transaction.atomic
def close_question(*, question: Question, staff: User, reason: str, duplicate_of: Question | None = None) -> Question:
    _require(staff, Capability.MODERATE)
    if reason == Question.CloseReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == question.pk:
            raise ForumError(_("Choose the original question."))
    else:
        duplicate_of = None
    question.status = Question.Status.CLOSED
    question.close_reason = reason
    question.duplicate_of = duplicate_of
    question.closed_at = timezone.now()
    question.save(update_fields=["status", "close_reason", "duplicate_of", "closed_at", "updated_at"])
    audit.record(
        actor=staff,
        action=AuditAction.QUESTION_CLOSED,
        target=question,
        details={"reason": reason, "duplicate_of": duplicate_of.pk if duplicate_of else None},
    )
    cancel_open_assignments(question=question)
    _notify_question_people(question, kind=Notification.Kind.CLOSED, actor=staff)
    return question


@transaction.atomic
def reopen_question(*, question: Question, staff: User) -> Question:
    _require(staff, Capability.MODERATE)
    if question.accepted_answer_id:
        question.status = Question.Status.ACCEPTED
    elif question.answer_count:
        question.status = Question.Status.ANSWERED
    else:
        question.status = Question.Status.UNANSWERED
    question.close_reason = ""
    question.duplicate_of = None
    question.closed_at = None
    question.save(update_fields=["status", "close_reason", "duplicate_of", "closed_at", "updated_at"])
    audit.record(actor=staff, action=AuditAction.QUESTION_REOPENED, target=question)
    return question


@transaction.atomic
def set_hidden(*, staff: User, target: Question | Answer | Comment, hidden: bool) -> None:
    """Hide or restore content; the open flags on it are settled."""
    _require(staff, Capability.MODERATE)
    target.is_hidden = hidden
    target.save(update_fields=["is_hidden"])
    audit.record(
        actor=staff, action=AuditAction.CONTENT_HIDDEN if hidden else AuditAction.CONTENT_RESTORED, target=target
    )
    flags = Flag.objects.filter(resolved_at__isnull=True)
    if isinstance(target, Question):
        flags = flags.filter(question=target, answer__isnull=True, comment__isnull=True)
    elif isinstance(target, Answer):
        flags = flags.filter(answer=target)
    else:
        flags = flags.filter(comment=target)
    flags.update(resolved_at=timezone.now(), resolved_by=staff)


@transaction.atomic
def dismiss_flag(*, flag: Flag, staff: User) -> None:
    _require(staff, Capability.MODERATE)
    if Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=staff):
        audit.record(actor=staff, action=AuditAction.FLAG_DISMISSED, target=flag)


@transaction.atomic
def publish_public_copy(*, question: Question, user: User, title: str, body: str) -> Question:
    """The asker's anonymised public copy of an answered confidential question,
    with its published answers. The original stays confidential."""
    if question.author_id != user.pk:
        raise ForumError(_("Only the asker publishes a public copy."))
    if not question.is_confidential or not question.answer_count:
        raise ForumError(_("Only answered confidential questions have a public copy."))
    if Question.objects.filter(public_copy_of=question).exists():
        raise ForumError(_("This question already has a public copy."))
    # The asker keeps the copy (to accept, to edit) but it names no one:
    # no organisation, and pages show an anonymised asker.
    copy = Question.objects.create(
        author=user,
        organisation=None,
        title=title,
        body=body,
        body_html=render_markdown(body),
        visibility=Question.Visibility.PUBLIC,
        public_copy_of=question,
        status=question.status if question.status != Question.Status.CLOSED else Question.Status.ANSWERED,
        first_answered_at=question.first_answered_at,
        created_at=question.created_at,
    )
    copy.topics.set(question.topics.all())
    answers = list(question.answers.published())
    copies = Answer.objects.bulk_create(
        Answer(
            question=copy,
            author=answer.author,
            kind=answer.kind,
            body=answer.body,
            body_html=answer.body_html,
            board_published_at=answer.board_published_at,
            created_at=answer.created_at,
        )
        for answer in answers
    )
    accepted = next((c for a, c in zip(answers, copies, strict=True) if a.pk == question.accepted_answer_id), None)
    Question.objects.filter(pk=copy.pk).update(
        answer_count=len(copies), accepted_answer=accepted, accepted_at=question.accepted_at if accepted else None
    )
    copy.refresh_from_db()
    return copy


def _ensure_public(question: Question) -> None:
    # The FAQ is public: a confidential or hidden question never goes there.
    if question.is_confidential or question.is_hidden:
        raise ForumError(_("Only public questions go to the FAQ; publish an anonymised copy first."))


@transaction.atomic
def save_faq_entry(*, staff: User, entry: FAQEntry | None = None, **fields) -> FAQEntry:
    """Create or update a FAQ entry written or promoted by staff."""
    _require(staff, Capability.MODERATE)
    if fields.get("question") is not None:
        _ensure_public(fields["question"])
    entry = entry or FAQEntry()
    created = entry.pk is None
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.body_html_it = render_markdown(entry.body_it)
    entry.body_html_en = render_markdown(entry.body_en) if entry.body_en else ""
    entry.save()
    audit.record(
        actor=staff,
        action=AuditAction.FAQ_SAVED,
        target=entry,
        details={"created": created, "published": entry.is_published},
    )
    return entry


def faq_draft_from_question(question: Question) -> dict:
    """The starting text of a FAQ entry promoted from an answered question:
    its title and its accepted answer, else its latest board answer."""
    _ensure_public(question)
    answer = question.accepted_answer or question.answers.published().filter(kind=Answer.Kind.BOARD).last()
    if answer is None:
        raise ForumError(_("Only a question with an accepted or board answer goes to the FAQ."))
    return {"question": question, "title_it": question.title, "body_it": answer.body}
