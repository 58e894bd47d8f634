"""The board's work on questions: assignments with due dates, claims,
declines, conflicts of interest, reminders and escalations."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from experts.calendar import add_working_days
from forum.models import Assignment, BoardSignature, ConflictOfInterest, Question
from forum.models.routing import DUE_SOON_WORKING_DAYS
from forum.services.common import ForumError, require
from portal import audit
from portal.accounts.models import Notification, User
from portal.accounts.roles import Capability, Role, user_can
from portal.accounts.services import notify
from portal.audit.models import Action as AuditAction
from portal.mail import mail_user


def default_due_date(today: date | None = None) -> date:
    """``ASSIGNMENT_DUE_WORKING_DAYS`` working days from today."""
    return add_working_days(today or timezone.localdate(), settings.ASSIGNMENT_DUE_WORKING_DAYS)


def awaits_assignment(question: Question) -> bool:
    """An open, unanswered question that nobody on the board has taken."""
    return Question.objects.awaiting_assignment().filter(pk=question.pk).exists()


def _cluster_staff() -> list[User]:
    return list(User.objects.filter(role=Role.STAFF, is_active=True))


def _staff_to_tell(*assigners: User | None, staff: list[User] | None = None) -> list[User]:
    """Cluster staff (``staff`` when the caller has them already), and an
    administrator who assigned the question."""
    admins = [
        user
        for user in assigners
        if user is not None and user.role != Role.STAFF and user_can(user, Capability.TRIAGE_QUESTIONS)
    ]
    return [*(_cluster_staff() if staff is None else staff), *admins]


def _notify_about(question: Question, *, recipients, kind: str, actor: User | None, email: bool = True) -> None:
    notify(
        recipients=recipients,
        kind=kind,
        actor=actor,
        target_title=question.title,
        target_url=question.get_absolute_url(),
        email=email,
    )


def ensure_not_conflicted(*, question: Question, expert: User) -> None:
    if question.conflicts.filter(expert=expert).exists():
        raise ForumError(_("You declared a conflict of interest on this question."))


def _ensure_assignable(question: Question) -> None:
    if question.is_closed or question.is_hidden:
        raise ForumError(_("This question is closed."))
    if question.is_anonymised_copy:
        raise ForumError(_("This is a public copy: the original question is the one to work on."))


@transaction.atomic
def assign_experts(*, question: Question, staff: User, experts: Iterable[User], due_on: date) -> list[Assignment]:
    """Give ``question`` to ``experts`` with a due date; each is notified."""
    require(staff, Capability.TRIAGE_QUESTIONS)
    _ensure_assignable(question)
    experts = list(experts)
    if not experts:
        raise ForumError(_("Choose at least one expert."))
    if due_on < timezone.localdate():
        raise ForumError(_("The due date cannot be in the past."))
    conflicted = set(question.conflicts.values_list("expert_id", flat=True))
    taken = set(question.assignments.active().values_list("expert_id", flat=True))
    for expert in experts:
        if not user_can(expert, Capability.ANSWER_QUESTIONS):
            raise ForumError(_("%(name)s is not on the board.") % {"name": expert})
        if expert.pk in conflicted:
            raise ForumError(_("%(name)s declared a conflict of interest on this question.") % {"name": expert})
        if expert.pk in taken:
            raise ForumError(_("%(name)s is already assigned to this question.") % {"name": expert})
    assignments = Assignment.objects.bulk_create(
        Assignment(question=question, expert=expert, assigned_by=staff, due_on=due_on) for expert in experts
    )
    audit.record(
        actor=staff,
        action=AuditAction.QUESTION_ASSIGNED,
        target=question,
        details={"experts": [str(expert) for expert in experts], "due_on": due_on},
    )
    _notify_about(question, recipients=experts, kind=Notification.Kind.ASSIGNED, actor=staff)
    return assignments


@transaction.atomic
def claim_question(*, question: Question, expert: User) -> Assignment:
    """An expert takes an unassigned question in their topics, with the default due date."""
    require(expert, Capability.ANSWER_QUESTIONS)
    _ensure_assignable(question)
    ensure_not_conflicted(question=question, expert=expert)
    # Lock the question so that two experts claiming at once do not both get it.
    Question.objects.select_for_update().filter(pk=question.pk).first()
    if not awaits_assignment(question):
        raise ForumError(_("This question is already taken or answered."))
    expertise = getattr(getattr(expert, "expert_profile", None), "topics", None)
    if expertise is None or not question.topics.filter(pk__in=expertise.values("pk")).exists():
        raise ForumError(_("This question is outside your expertise: staff can assign it to you."))
    return Assignment.objects.create(question=question, expert=expert, due_on=default_due_date())


@transaction.atomic
def decline_assignment(*, assignment: Assignment, expert: User, reason: str) -> Assignment:
    """The expert gives the question back, saying why; staff are told, and the
    question returns to the triage queue if nobody else has it."""
    if assignment.expert_id != expert.pk or not assignment.is_open:
        raise ForumError(_("This assignment is not open."))
    if not reason.strip():
        raise ForumError(_("Say briefly why you decline."))
    _close(assignment, Assignment.Status.DECLINED, decline_reason=reason.strip()[:500])
    _notify_about(
        assignment.question,
        recipients=_staff_to_tell(assignment.assigned_by),
        kind=Notification.Kind.ASSIGNMENT_DECLINED,
        actor=expert,
    )
    return assignment


@transaction.atomic
def cancel_assignment(*, assignment: Assignment, staff: User) -> Assignment:
    """Staff take a question back from an expert (to give it to someone else)."""
    require(staff, Capability.TRIAGE_QUESTIONS)
    if not assignment.is_open:
        raise ForumError(_("This assignment is not open."))
    audit.record(
        actor=staff,
        action=AuditAction.ASSIGNMENT_CANCELLED,
        target=assignment.question,
        details={"expert": str(assignment.expert), "assignment": assignment.pk},
    )
    return _close(assignment, Assignment.Status.CANCELLED)


@transaction.atomic
def declare_conflict(*, question: Question, expert: User, reason: str) -> ConflictOfInterest:
    """The expert steps aside: their open assignment is withdrawn, their pending
    co-signatures are dropped, and their name is no longer shown among the
    question's co-signers. Staff are told when someone has to replace them."""
    require(expert, Capability.ANSWER_QUESTIONS)
    if not reason.strip():
        raise ForumError(_("Say briefly what the conflict is (only staff read it)."))
    conflict, created = ConflictOfInterest.objects.get_or_create(
        question=question, expert=expert, defaults={"reason": reason.strip()[:500]}
    )
    if not created:
        return conflict
    withdrawn = list(question.assignments.open().filter(expert=expert))
    for assignment in withdrawn:
        _close(assignment, Assignment.Status.CONFLICT)
    BoardSignature.objects.filter(
        expert=expert, answer__question=question, signed_at__isnull=True, answer__board_published_at__isnull=True
    ).delete()
    if withdrawn:
        _notify_about(
            question,
            recipients=_staff_to_tell(*(a.assigned_by for a in withdrawn)),
            kind=Notification.Kind.CONFLICT_DECLARED,
            actor=expert,
        )
    return conflict


def settle_assignment(*, question: Question, expert: User) -> None:
    """The expert answered (alone or for the board): their assignment is done."""
    question.assignments.open().filter(expert=expert).update(
        status=Assignment.Status.ANSWERED, closed_at=timezone.now()
    )


def cancel_open_assignments(*, question: Question) -> None:
    """A closed question needs no more answers."""
    question.assignments.open().update(status=Assignment.Status.CANCELLED, closed_at=timezone.now())


def _close(assignment: Assignment, status: str, **fields) -> Assignment:
    assignment.status = status
    assignment.closed_at = timezone.now()
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=["status", "closed_at", *fields])
    return assignment


# The daily job. Each assignment is claimed by a conditional UPDATE before its
# email is written: a second run, or two workers at once, find it taken.


def _claim(assignment: Assignment, field: str, today: date) -> bool:
    unclaimed = Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.OPEN, **{f"{field}__isnull": True})
    return bool(unclaimed.update(**{field: today}))


def send_due_reminders(*, today: date) -> int:
    """Remind each expert whose answer is due within two working days; one
    reminder per assignment. Returns how many were sent."""
    horizon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    due_soon = (
        Assignment.objects.open()
        .filter(due_on__gte=today, due_on__lte=horizon, reminded_on__isnull=True, expert__is_active=True)
        .select_related("question", "expert")
    )
    sent = 0
    for assignment in due_soon:
        if not _claim(assignment, "reminded_on", today):
            continue
        question, expert = assignment.question, assignment.expert
        _notify_about(
            question, recipients=[expert], kind=Notification.Kind.ASSIGNMENT_DUE_SOON, actor=None, email=False
        )
        mail_user(
            user=expert,
            subject=lambda title=question.title: (
                _("Reminder: your answer to “%(title)s” is due soon") % {"title": title}
            ),
            template="forum/email/assignment_reminder.txt",
            context={"assignment": assignment, "question": question},
        )
        sent += 1
    return sent


def escalate_overdue_assignments(*, today: date) -> int:
    """Tell staff, once per assignment, of those whose due date has passed: one
    email per staff member listing them all. Returns how many were escalated."""
    overdue = (
        Assignment.objects.overdue(today)
        .filter(escalated_on__isnull=True)
        .select_related("question", "expert", "assigned_by")
    )
    claimed = [assignment for assignment in overdue if _claim(assignment, "escalated_on", today)]
    if not claimed:
        return 0
    staff = _cluster_staff()
    recipients: dict[int, tuple[User, list[Assignment]]] = {}
    for assignment in claimed:
        people = _staff_to_tell(assignment.assigned_by, staff=staff)
        for person in people:
            recipients.setdefault(person.pk, (person, []))[1].append(assignment)
        _notify_about(
            assignment.question, recipients=people, kind=Notification.Kind.ASSIGNMENT_OVERDUE, actor=None, email=False
        )
    for person, assignments in recipients.values():
        count = len(assignments)
        mail_user(
            user=person,
            subject=lambda count=count: (
                ngettext("%(count)d answer overdue on the board", "%(count)d answers overdue on the board", count)
                % {"count": count}
            ),
            template="forum/email/assignments_overdue.txt",
            context={"assignments": assignments, "today": today},
        )
    return len(claimed)
