"""The board's work on questions: routing, assignments and their due dates,
claims, declines, conflicts of interest, reminders and escalations."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from experts.models import Topic
from forum import services
from forum.forms import BoardAnswerForm
from forum.models import Assignment, BoardSignature, Question
from forum.selectors import board_dashboard, expert_dashboard, expert_pool, percentile_hours, suggested_experts
from forum.tasks import remind_and_escalate
from portal.accounts.models import Notification
from portal.accounts.roles import Role
from tests.factories import AnswerFactory, AssignmentFactory, ExpertFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Refusals are read in English here; emails follow their recipient's language.
    with translation.override("en"):
        yield


def topics(*slugs: str) -> list[Topic]:
    return list(Topic.objects.filter(slug__in=slugs))


@pytest.fixture
def question(member):
    return QuestionFactory(
        author=member,
        title="Serve un'indagine clinica per il nuovo sensore?",
        topics=topics("regulatory-pathway", "investigation-plan"),
    )


@pytest.fixture
def regulatory_expert(db):
    return ExpertFactory(full_name="Elena Bianchi", topics=["regulatory-pathway"], preferred_language="en")


@pytest.fixture
def statistician(db):
    return ExpertFactory(full_name="Paola Riva", topics=["statistics-sample-size"])


# Due dates


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (date(2026, 11, 16), date(2026, 11, 23)),  # Monday: the next Monday
        (date(2026, 11, 20), date(2026, 11, 27)),  # Friday: the weekend does not count
        (date(2026, 11, 21), date(2026, 11, 27)),  # Saturday: counted from Monday
        (date(2026, 12, 4), date(2026, 12, 14)),  # 8 December (Immaculate Conception) is a holiday
        (date(2026, 12, 24), date(2027, 1, 4)),  # Christmas, St Stephen, New Year and two weekends
        (date(2027, 3, 26), date(2027, 4, 5)),  # Easter Monday, 29 March 2027
    ],
)
def test_the_default_due_date_is_five_working_days_later(settings, today, due):
    settings.ASSIGNMENT_DUE_WORKING_DAYS = 5

    assert services.default_due_date(today) == due


def test_the_number_of_working_days_is_a_setting(settings):
    settings.ASSIGNMENT_DUE_WORKING_DAYS = 10

    assert services.default_due_date(date(2026, 12, 28)) == date(2027, 1, 13)  # New Year, Epiphany


# Routing


def test_a_new_question_is_matched_to_available_experts_whose_topics_fit(question, regulatory_expert, statistician):
    planner = ExpertFactory(full_name="Anna Villa", topics=["investigation-plan", "regulatory-pathway"])
    away = ExpertFactory(full_name="Bruno Neri", topics=["regulatory-pathway"])
    away.expert_profile.accepts_questions = False
    away.expert_profile.save()
    conflicted = ExpertFactory(full_name="Carla Gatti", topics=["regulatory-pathway"])
    services.declare_conflict(question=question, expert=conflicted, reason="Consulente del fabbricante.")
    question = Question.objects.prefetch_related("topics", "conflicts").get(pk=question.pk)

    suggested = suggested_experts(pool=expert_pool(today=timezone.localdate()), question=question)

    # Two matching topics before one; nobody away, conflicted or outside the topics.
    assert suggested == [planner, regulatory_expert]


def test_suggestions_prefer_the_least_loaded_expert(question, regulatory_expert):
    busy = ExpertFactory(full_name="Anna Villa", topics=["regulatory-pathway"])
    AssignmentFactory(expert=busy)
    question = Question.objects.prefetch_related("topics", "conflicts").get(pk=question.pk)

    assert suggested_experts(pool=expert_pool(today=timezone.localdate()), question=question) == [
        regulatory_expert,
        busy,
    ]


def test_staff_assign_experts_with_a_due_date_and_each_is_told_in_their_language(
    question, staff_user, regulatory_expert, statistician, django_capture_on_commit_callbacks
):
    due = services.default_due_date()

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_experts(
            question=question, staff=staff_user, experts=[regulatory_expert, statistician], due_on=due
        )

    assert {(a.expert, a.status, a.due_on, a.assigned_by) for a in question.assignments.all()} == {
        (regulatory_expert, Assignment.Status.OPEN, due, staff_user),
        (statistician, Assignment.Status.OPEN, due, staff_user),
    }
    assert set(Notification.objects.filter(kind="assigned").values_list("recipient", flat=True)) == {
        regulatory_expert.pk,
        statistician.pk,
    }
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert f"Luca Rossi assigned you the question “{question.title}”." in bodies[regulatory_expert.email]
    assert f"Luca Rossi ti ha assegnato la domanda “{question.title}”." in bodies[statistician.email]
    assert not Question.objects.awaiting_assignment().exists()


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("past", "The due date cannot be in the past."),
        ("twice", "is already assigned to this question"),
        ("conflict", "declared a conflict of interest on this question"),
        ("member", "is not on the board"),
        ("nobody", "Choose at least one expert."),
    ],
)
def test_an_impossible_assignment_is_refused_and_nothing_is_written(
    question, staff_user, regulatory_expert, member, problem, message
):
    due = services.default_due_date()
    experts = [regulatory_expert]
    if problem == "past":
        due = timezone.localdate() - timedelta(days=1)
    elif problem == "twice":
        AssignmentFactory(question=question, expert=regulatory_expert)
    elif problem == "conflict":
        services.declare_conflict(question=question, expert=regulatory_expert, reason="Socio del fabbricante.")
    elif problem == "member":
        experts = [regulatory_expert, member]
    else:
        experts = []
    before = Assignment.objects.count()

    with pytest.raises(services.ForumError, match=message):
        services.assign_experts(question=question, staff=staff_user, experts=experts, due_on=due)

    assert Assignment.objects.count() == before


def test_a_closed_question_is_not_assigned_and_closing_cancels_open_assignments(question, staff_user):
    assignment = AssignmentFactory(question=question)

    services.close_question(question=question, staff=staff_user, reason=Question.CloseReason.OFF_TOPIC)

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED
    assert assignment.closed_at is not None
    with pytest.raises(services.ForumError, match="closed"):
        services.assign_experts(
            question=question, staff=staff_user, experts=[ExpertFactory()], due_on=services.default_due_date()
        )


# Claims


def test_an_expert_claims_an_unassigned_question_in_their_topics(question, regulatory_expert):
    assignment = services.claim_question(question=question, expert=regulatory_expert)

    assert assignment.is_claimed
    assert assignment.status == Assignment.Status.OPEN
    assert assignment.due_on == services.default_due_date()
    assert not Question.objects.awaiting_assignment().exists()


def test_a_question_outside_the_experts_topics_cannot_be_claimed(question, statistician):
    with pytest.raises(services.ForumError, match="outside your expertise"):
        services.claim_question(question=question, expert=statistician)

    assert not Assignment.objects.exists()


def test_a_taken_question_cannot_be_claimed(question, regulatory_expert):
    AssignmentFactory(question=question)

    with pytest.raises(services.ForumError, match="already taken"):
        services.claim_question(question=question, expert=regulatory_expert)


# Answering closes the assignment


def test_an_answer_closes_the_experts_assignment(question, regulatory_expert, statistician):
    mine = AssignmentFactory(question=question, expert=regulatory_expert)
    theirs = AssignmentFactory(question=question, expert=statistician)

    AnswerFactory(question=question, author=regulatory_expert)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Assignment.Status.ANSWERED, Assignment.Status.OPEN)
    assert mine.closed_at is not None


def test_drafting_and_cosigning_a_board_answer_close_both_assignments(question, regulatory_expert, statistician):
    drafting = AssignmentFactory(question=question, expert=regulatory_expert)
    cosigning = AssignmentFactory(question=question, expert=statistician)

    board = AnswerFactory(question=question, author=regulatory_expert, board=True, cosigners=[statistician])
    drafting.refresh_from_db()
    assert drafting.status == Assignment.Status.ANSWERED
    services.cosign_board_answer(answer=board, expert=statistician)

    cosigning.refresh_from_db()
    assert cosigning.status == Assignment.Status.ANSWERED


# Declines


def test_an_expert_declines_with_a_reason_and_the_question_returns_to_triage(
    question, regulatory_expert, staff_user, django_capture_on_commit_callbacks
):
    assignment = AssignmentFactory(question=question, expert=regulatory_expert, assigned_by=staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        services.decline_assignment(assignment=assignment, expert=regulatory_expert, reason="In ferie fino al 30.")

    assignment.refresh_from_db()
    assert (assignment.status, assignment.decline_reason) == (Assignment.Status.DECLINED, "In ferie fino al 30.")
    assert list(Question.objects.awaiting_assignment()) == [question]
    assert Notification.objects.get(kind="assignment_declined").recipient == staff_user
    assert "Elena Bianchi ha rifiutato la domanda" in mail.outbox[0].body


def test_declining_needs_a_reason_and_ones_own_open_assignment(question, regulatory_expert, statistician):
    assignment = AssignmentFactory(question=question, expert=regulatory_expert)

    with pytest.raises(services.ForumError, match="why"):
        services.decline_assignment(assignment=assignment, expert=regulatory_expert, reason="   ")
    with pytest.raises(services.ForumError, match="not open"):
        services.decline_assignment(assignment=assignment, expert=statistician, reason="Non è mio.")

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OPEN


# Conflicts of interest


def test_a_conflict_withdraws_the_assignment_and_the_pending_signature(
    question, regulatory_expert, statistician, staff_user
):
    assignment = AssignmentFactory(question=question, expert=statistician, assigned_by=staff_user)
    board = AnswerFactory(question=question, author=regulatory_expert, board=True, cosigners=[statistician])

    services.declare_conflict(question=question, expert=statistician, reason="Ho lavorato per il fabbricante.")

    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CONFLICT
    assert not BoardSignature.objects.filter(answer=board).exists()
    assert Notification.objects.get(kind="conflict_declared").recipient == staff_user
    with pytest.raises(services.ForumError, match="conflict of interest"):
        services.post_answer(question=question, expert=statistician, body="Una risposta che non deve esserci.")
    with pytest.raises(services.ForumError, match="conflict of interest"):
        services.cosign_board_answer(answer=board, expert=statistician)
    form = BoardAnswerForm(author=regulatory_expert, question=question)
    assert statistician not in form.fields["cosigners"].queryset


def test_a_conflict_hides_the_experts_name_among_the_cosigners(client_for, question, regulatory_expert, statistician):
    third = ExpertFactory(full_name="Anna Villa")
    board = AnswerFactory(
        question=question,
        author=regulatory_expert,
        board=True,
        cosigners=[statistician, third],
        signed_by=[statistician, third],
    )

    services.declare_conflict(question=question, expert=statistician, reason="Socia del fabbricante.")

    page = client_for(third).get(board.get_absolute_url()).content.decode()
    assert "Paola Riva" not in page
    assert "Anna Villa" in page


def test_a_conflict_takes_the_question_off_the_experts_queue(question, regulatory_expert):
    assert expert_dashboard(expert=regulatory_expert, today=timezone.localdate())["unassigned"] == [question]

    services.declare_conflict(question=question, expert=regulatory_expert, reason="Consulente.")

    assert expert_dashboard(expert=regulatory_expert, today=timezone.localdate())["unassigned"] == []
    with pytest.raises(services.ForumError, match="conflict of interest"):
        services.claim_question(question=question, expert=regulatory_expert)


def test_declaring_a_conflict_needs_a_reason_and_happens_once(question, regulatory_expert):
    with pytest.raises(services.ForumError):
        services.declare_conflict(question=question, expert=regulatory_expert, reason=" ")

    first = services.declare_conflict(question=question, expert=regulatory_expert, reason="Consulente.")
    again = services.declare_conflict(question=question, expert=regulatory_expert, reason="Di nuovo.")

    assert first == again
    assert question.conflicts.get().reason == "Consulente."


# Reminders and escalations


FRIDAY = date(2026, 11, 20)


def test_a_reminder_goes_two_working_days_before_the_due_date_once(
    question, regulatory_expert, staff_user, django_capture_on_commit_callbacks
):
    # Due on Tuesday: from Friday that is two working days away (the weekend does not count).
    due_tuesday = AssignmentFactory(question=question, expert=regulatory_expert, due_on=date(2026, 11, 24))
    AssignmentFactory(expert=regulatory_expert, due_on=date(2026, 11, 26))  # four working days: not yet

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(today=FRIDAY) == 1
        assert services.send_due_reminders(today=FRIDAY) == 0  # the job ran twice
        assert services.send_due_reminders(today=FRIDAY + timedelta(days=3)) == 0  # and again on Monday

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [regulatory_expert.email]
    assert message.subject == f"[CTCC] Reminder: your answer to “{question.title}” is due soon"
    assert "is due on Nov. 24, 2026" in message.body
    due_tuesday.refresh_from_db()
    assert due_tuesday.reminded_on == FRIDAY
    assert Notification.objects.get(kind="assignment_due_soon").emailed_at is not None


def test_a_reminder_is_in_the_experts_language(question, statistician, django_capture_on_commit_callbacks):
    AssignmentFactory(question=question, expert=statistician, due_on=date(2026, 11, 24))

    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(today=FRIDAY)

    assert mail.outbox[0].subject == f"[CTCC] Promemoria: la tua risposta a “{question.title}” è attesa a breve"
    assert "è attesa entro il 24 Novembre 2026" in mail.outbox[0].body


def test_answered_and_declined_assignments_get_no_reminder(question, regulatory_expert):
    assignment = AssignmentFactory(question=question, expert=regulatory_expert, due_on=date(2026, 11, 24))
    services.decline_assignment(assignment=assignment, expert=regulatory_expert, reason="Non ho tempo.")

    assert services.send_due_reminders(today=FRIDAY) == 0


def test_staff_hear_of_overdue_answers_once_in_one_email_each(
    question, regulatory_expert, statistician, staff_user, django_capture_on_commit_callbacks
):
    administrator = UserFactory(role=Role.ADMINISTRATOR, preferred_language="en")
    AssignmentFactory(question=question, expert=regulatory_expert, assigned_by=administrator, due_on=FRIDAY)
    AssignmentFactory(question=question, expert=statistician, assigned_by=staff_user, due_on=FRIDAY)
    AssignmentFactory(expert=statistician, assigned_by=staff_user, due_on=FRIDAY + timedelta(days=10))  # not due
    monday = FRIDAY + timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue_assignments(today=monday) == 2
        assert services.escalate_overdue_assignments(today=monday) == 0
        assert services.escalate_overdue_assignments(today=monday + timedelta(days=1)) == 0

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {staff_user.email, administrator.email}
    staff_email = by_recipient[staff_user.email]
    assert staff_email.subject == "[CTCC] 2 risposte in ritardo nel board"
    assert "Elena Bianchi" in staff_email.body and "Paola Riva" in staff_email.body
    admin_email = by_recipient[administrator.email]
    assert admin_email.subject == "[CTCC] 1 answer overdue on the board"
    assert "Elena Bianchi, due on Nov. 20, 2026" in admin_email.body


def test_the_daily_task_reminds_and_escalates(question, regulatory_expert, staff_user):
    today = timezone.localdate()
    AssignmentFactory(question=question, expert=regulatory_expert, due_on=today)
    AssignmentFactory(expert=regulatory_expert, due_on=today - timedelta(days=1))

    assert remind_and_escalate() == {"reminded": 1, "escalated": 1}
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}


# Dashboards


def test_the_expert_dashboard_marks_overdue_and_due_soon(question, regulatory_expert):
    today = date(2026, 11, 23)  # a Monday
    overdue = AssignmentFactory(expert=regulatory_expert, due_on=date(2026, 11, 20))
    soon = AssignmentFactory(expert=regulatory_expert, due_on=date(2026, 11, 25))
    later = AssignmentFactory(expert=regulatory_expert, due_on=date(2026, 11, 30))

    context = expert_dashboard(expert=regulatory_expert, today=today)

    assert context["assigned"] == [overdue, soon, later]
    assert [(a.overdue, a.due_soon) for a in context["assigned"]] == [(True, False), (False, True), (False, False)]
    assert context["overdue_count"] == 1


def test_median_time_to_first_answer(question, regulatory_expert):
    now = timezone.now()
    for hours in (2, 10, 30):
        assignment = AssignmentFactory(expert=regulatory_expert)
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.ANSWERED, created_at=now - timedelta(hours=hours), closed_at=now
        )

    context = expert_dashboard(expert=regulatory_expert, today=timezone.localdate())

    assert context["median_hours"] == pytest.approx(10)
    assert context["answered_count"] == 3


def test_board_median_and_90th_percentile_time_to_first_answer(member, regulatory_expert):
    now = timezone.now()
    for hours in range(1, 11):  # first answers after 1 to 10 hours
        question = QuestionFactory(author=member)
        Question.objects.filter(pk=question.pk).update(
            created_at=now - timedelta(hours=hours), first_answered_at=now, status=Question.Status.ANSWERED
        )

    context = board_dashboard(today=timezone.localdate(), triage_page=None, assignments_page=None)

    assert context["median_hours"] == pytest.approx(5.5)
    assert context["p90_hours"] == pytest.approx(9.1)
    assert context["answered_count"] == 10


def test_percentiles_of_few_answers():
    assert percentile_hours([], 90) is None
    assert percentile_hours([timedelta(hours=3)], 90) == 3


def test_the_staff_dashboard_lists_overdue_assignments_first(question, regulatory_expert, statistician):
    today = timezone.localdate()
    later = AssignmentFactory(question=question, expert=regulatory_expert, due_on=today + timedelta(days=7))
    overdue = AssignmentFactory(expert=statistician, due_on=today - timedelta(days=1))

    context = board_dashboard(today=today, triage_page=None, assignments_page=None)

    assert list(context["assignments"]) == [overdue, later]
    assert context["overdue_count"] == 1
    load = {expert.full_name: (expert.open_count, expert.overdue_count) for expert in context["load"]}
    assert load == {"Elena Bianchi": (1, 0), "Paola Riva": (1, 1)}
    assert context["load"][0] == statistician  # the overdue expert first


def test_the_expert_answers_from_the_dashboard_and_returns_to_it(
    client_for, question, regulatory_expert, django_capture_on_commit_callbacks
):
    AssignmentFactory(question=question, expert=regulatory_expert)
    dashboard = reverse("forum:expert_dashboard")

    response = client_for(regulatory_expert).post(
        reverse("forum:answer", args=[question.pk]),
        {"body": "Sì: il sensore non è marcato CE, serve un'indagine ai sensi dell'art. 62.", "next": dashboard},
    )

    assert response.status_code == 302
    assert response["Location"] == dashboard
    assert question.assignments.get().status == Assignment.Status.ANSWERED


def test_a_quick_action_never_redirects_away_from_the_portal(client_for, question, regulatory_expert):
    response = client_for(regulatory_expert).post(
        reverse("forum:claim", args=[question.pk]), {"next": "https://evil.example.com/"}
    )

    assert response["Location"] == question.get_absolute_url()
