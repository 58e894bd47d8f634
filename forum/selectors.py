"""Reads of the forum that span models: the question page, similar
questions, the FAQ and the board's dashboards."""

import statistics
from datetime import date, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from experts.permissions import can_see_case
from forum.filters import full_text_search_available
from forum.models import (
    Answer,
    Assignment,
    BoardSignature,
    Comment,
    ConflictOfInterest,
    FAQEntry,
    HelpfulVote,
    Question,
)
from forum.pathways import suggest_pathway
from forum.permissions import can_edit_answer, can_edit_question
from forum.services import may_comment
from portal.accounts.models import User
from portal.accounts.roles import Capability, Role, user_can


def question_page(*, user, question: Question) -> dict:
    """Everything the question page shows, in a fixed number of queries."""
    visible_comments = Comment.objects.select_related("author")
    if not user_can(user, Capability.MODERATE):
        visible_comments = visible_comments.filter(is_hidden=False)
    answers = list(
        Answer.objects.visible_to(user)
        .filter(question=question)
        .select_related("author__organisation", "author__expert_profile")
        .prefetch_related(
            Prefetch("comments", queryset=visible_comments),
            Prefetch(
                "signatures",
                queryset=BoardSignature.objects.select_related("expert__organisation"),
            ),
        )
    )
    helpful_ids = set()
    if user.is_authenticated:
        helpful_ids = set(
            HelpfulVote.objects.filter(user=user, answer__question=question).values_list("answer_id", flat=True)
        )
    # An expert who declared a conflict of interest is not named among the co-signers.
    conflicts = list(question.conflicts.select_related("expert"))
    conflicted = {conflict.expert_id for conflict in conflicts}
    user_conflicted = user.pk in conflicted
    for answer in answers:
        answer.marked_helpful = answer.pk in helpful_ids
        answer.editable = can_edit_answer(user, answer)
        signatures = [s for s in answer.signatures.all() if s.expert_id not in conflicted]
        answer.signed = [s for s in signatures if s.signed_at]
        answer.awaiting = [s for s in signatures if not s.signed_at]
        answer.user_may_cosign = (
            answer.is_board_answer
            and user_can(user, Capability.ANSWER_QUESTIONS)
            and not user_conflicted
            and answer.author_id != user.pk
            and all(s.expert_id != user.pk for s in answer.signed)
        )
    return {
        "question": question,
        "topics": list(question.topics.all()),
        "attachments": list(question.attachments.all()),
        "answers": answers,
        "question_comments": [c for c in visible_comments.filter(question=question, answer__isnull=True)],
        "pathway": suggest_pathway(
            ce_marked=question.ce_marked, within_intended_purpose=question.within_intended_purpose
        ),
        "is_asker": user.is_authenticated and question.author_id == user.pk,
        "is_following": user.is_authenticated and question.follows.filter(user=user).exists(),
        "may_answer": user_can(user, Capability.ANSWER_QUESTIONS) and not question.is_closed and not user_conflicted,
        "board_work": question_board_work(user=user, question=question, conflicts=conflicts),
        "counselling_case": question.counselling_case
        if question.counselling_case_id and can_see_case(user, question.counselling_case)
        else None,
        "may_comment": may_comment(user, question) and not question.is_closed,
        "may_moderate": user_can(user, Capability.MODERATE),
        "may_edit": can_edit_question(user, question),
        "public_copy": Question.objects.filter(public_copy_of=question).only("pk", "title").first()
        if question.is_confidential
        else None,
    }


SIMILAR_CANDIDATES_PER_WORD = 200


def similar_questions(*, user, title: str, limit: int = 5) -> list[Question]:
    """Questions whose title shares words with ``title``, for the asker to check first."""
    words = [word for word in title.split() if len(word) > 3][:8]
    if not words:
        return []
    visible = Question.objects.visible_to(user).only("pk", "title", "status", "created_at")
    if full_text_search_available():
        query = SearchQuery(" OR ".join(words), config="italian", search_type="websearch") | SearchQuery(
            " OR ".join(words), config="english", search_type="websearch"
        )
        # Ranked among candidates only: any of eight words matches most of a
        # large forum, and ranking all of it costs seconds per keystroke. The
        # candidates are the most recent matches of each word, so that a rare
        # word (a device's name) brings all its questions in.
        per_word = [
            visible.filter(
                search_vector=SearchQuery(word, config="italian", search_type="plain")
                | SearchQuery(word, config="english", search_type="plain")
            )
            .order_by("-created_at")
            .values_list("pk", "created_at")[:SIMILAR_CANDIDATES_PER_WORD]
            for word in words
        ]
        candidates = {pk for pk, _ in per_word[0].union(*per_word[1:], all=True)}
        return list(
            visible.filter(pk__in=candidates)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-created_at")[:limit]
        )
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    return list(visible.filter(condition)[:limit])


def faq_by_topic(*, search: str = "") -> list[tuple]:
    """Published FAQ entries grouped by topic, in staff's order."""
    entries = FAQEntry.objects.published().select_related("topic")
    if search:
        entries = entries.filter(
            Q(title_it__icontains=search)
            | Q(title_en__icontains=search)
            | Q(body_it__icontains=search)
            | Q(body_en__icontains=search)
        )
    groups: dict = {}
    for entry in entries:
        groups.setdefault(entry.topic, []).append(entry)
    return list(groups.items())


# The board's dashboards. Times to answer are measured over the last year, so
# that the figures describe the board as it works now.
ANSWER_TIME_WINDOW = timedelta(days=365)
RECENT_WORK_WINDOW = timedelta(days=90)
UNASSIGNED_SHOWN = 20
DASHBOARD_PAGE_SIZE = 20


def _hours(durations: list[timedelta]) -> list[float]:
    return sorted(d.total_seconds() / 3600 for d in durations if d >= timedelta(0))


def median_hours(durations: list[timedelta]) -> float | None:
    hours = _hours(durations)
    return statistics.median(hours) if hours else None


def percentile_hours(durations: list[timedelta], percent: int) -> float | None:
    """The ``percent``-th percentile (inclusive method: never beyond the data)."""
    hours = _hours(durations)
    if len(hours) < 2:
        return hours[0] if hours else None
    return statistics.quantiles(hours, n=100, method="inclusive")[percent - 1]


def _mark_urgency(assignments: list[Assignment], today: date) -> list[Assignment]:
    for assignment in assignments:
        assignment.overdue = assignment.is_overdue(today)
        assignment.due_soon = not assignment.overdue and assignment.is_due_soon(today)
    return assignments


def expert_pool(*, today: date) -> list[User]:
    """Every active expert with their profile, topics and current load, in one
    query plus one for the topics."""
    recent = timezone.now() - RECENT_WORK_WINDOW
    open_work = Q(assignments__status=Assignment.Status.OPEN)
    return list(
        User.objects.filter(role=Role.EXPERT, is_active=True)
        .select_related("expert_profile")
        .prefetch_related("expert_profile__topics")
        .annotate(
            open_count=Count("assignments", filter=open_work),
            overdue_count=Count("assignments", filter=open_work & Q(assignments__due_on__lt=today)),
            answered_recently=Count(
                "assignments",
                filter=Q(assignments__status=Assignment.Status.ANSWERED, assignments__closed_at__gte=recent),
            ),
        )
        .order_by("full_name")
    )


def _expertise(expert: User) -> set[int]:
    profile = getattr(expert, "expert_profile", None)
    return {topic.pk for topic in profile.topics.all()} if profile else set()


def rank_experts(*, pool: list[User], topic_ids: set[int], excluded: set[int] = frozenset()) -> list[User]:
    """The experts for a question: those whose topics fit and who take questions
    first, then by lightest load. Each gets ``matching_topics``."""
    ranked = []
    for expert in pool:
        if expert.pk in excluded:
            continue
        expert.matching_topics = len(_expertise(expert) & topic_ids)
        profile = getattr(expert, "expert_profile", None)
        expert.available = profile is not None and profile.accepts_questions
        ranked.append(expert)
    return sorted(ranked, key=lambda e: (not e.available, -e.matching_topics, e.open_count, e.full_name))


def suggested_experts(*, pool: list[User], question: Question, limit: int = 3) -> list[User]:
    """Who should answer ``question``: available experts whose topics fit."""
    topic_ids = {topic.pk for topic in question.topics.all()}
    excluded = {conflict.expert_id for conflict in question.conflicts.all()}
    ranked = rank_experts(pool=pool, topic_ids=topic_ids, excluded=excluded)
    return [expert for expert in ranked if expert.available and expert.matching_topics][:limit]


def expert_dashboard(*, expert: User, today: date) -> dict:
    """What an expert has to do, in a fixed number of queries."""
    assigned = _mark_urgency(
        list(Assignment.objects.open().filter(expert=expert).select_related("question", "assigned_by")), today
    )
    profile = getattr(expert, "expert_profile", None)
    topic_ids = list(profile.topics.values_list("pk", flat=True)) if profile else []
    conflicted = ConflictOfInterest.objects.filter(expert=expert).values("question_id")
    unassigned = (
        Question.objects.awaiting_assignment().in_topics(topic_ids).exclude(pk__in=conflicted).order_by("created_at")
    )
    to_cosign = (
        BoardSignature.objects.filter(
            expert=expert, signed_at__isnull=True, answer__board_published_at__isnull=True, answer__is_hidden=False
        )
        .exclude(answer__question__status=Question.Status.CLOSED)
        .select_related("answer__question", "answer__author")
        .order_by("invited_at")
    )
    answered = list(
        Assignment.objects.filter(
            expert=expert, status=Assignment.Status.ANSWERED, closed_at__gte=timezone.now() - ANSWER_TIME_WINDOW
        ).values_list("created_at", "closed_at")
    )
    return {
        "today": today,
        "profile": profile,
        "assigned": assigned,
        "overdue_count": sum(a.overdue for a in assigned),
        "unassigned": list(unassigned.prefetch_related("topics")[:UNASSIGNED_SHOWN]),
        "unassigned_count": unassigned.count(),
        "to_cosign": list(to_cosign),
        "recent_answers": list(
            Answer.objects.filter(author=expert, is_hidden=False).select_related("question").order_by("-created_at")[:5]
        ),
        "median_hours": median_hours([closed - created for created, closed in answered]),
        "answered_count": len(answered),
    }


def board_dashboard(*, today: date, triage_page: str | None, assignments_page: str | None) -> dict:
    """Staff's view of the board's work, in a fixed number of queries."""
    pool = expert_pool(today=today)
    triage = Paginator(
        Question.objects.awaiting_assignment()
        .select_related("organisation")
        .prefetch_related("topics", "conflicts")
        .order_by("created_at"),
        DASHBOARD_PAGE_SIZE,
    ).get_page(triage_page)
    for question in triage:
        question.suggested = suggested_experts(pool=pool, question=question)
    assignments = Paginator(
        Assignment.objects.open().select_related("question", "expert", "assigned_by").order_by("due_on", "created_at"),
        DASHBOARD_PAGE_SIZE,
    ).get_page(assignments_page)
    _mark_urgency(list(assignments), today)
    first_answers = Question.objects.filter(
        first_answered_at__gte=timezone.now() - ANSWER_TIME_WINDOW, public_copy_of__isnull=True
    ).values_list("created_at", "first_answered_at")
    durations = [answered - asked for asked, answered in first_answers]
    return {
        "today": today,
        "triage": triage,
        "assignments": assignments,
        "overdue_count": Assignment.objects.overdue(today).count(),
        "load": sorted(pool, key=lambda e: (-e.overdue_count, -e.open_count, e.full_name)),
        "median_hours": median_hours(durations),
        "p90_hours": percentile_hours(durations, 90),
        "answered_count": len(durations),
    }


def question_board_work(*, user: User, question: Question, conflicts: list[ConflictOfInterest]) -> dict | None:
    """The board's panel on a question page (assignments, conflicts, what the
    user may do); None for those outside the board and staff."""
    if not user_can(user, Capability.USE_BOARD_DASHBOARD):
        return None
    assignments = list(question.assignments.select_related("expert", "assigned_by").order_by("-created_at"))
    is_expert = user_can(user, Capability.ANSWER_QUESTIONS)
    conflicted = any(c.expert_id == user.pk for c in conflicts)
    mine = next((a for a in assignments if a.expert_id == user.pk and a.is_open), None)
    awaiting = not question.is_closed and not any(a.status in Assignment.ACTIVE_STATUSES for a in assignments)
    return {
        "assignments": _mark_urgency(assignments, timezone.localdate()),
        "conflicts": conflicts,
        "my_assignment": mine,
        "has_conflict": conflicted,
        "may_claim": is_expert and awaiting and question.status == Question.Status.UNANSWERED and not conflicted,
        "may_declare_conflict": is_expert and not conflicted,
        "may_assign": user_can(user, Capability.TRIAGE_QUESTIONS) and not question.is_closed,
        "show_reasons": user_can(user, Capability.TRIAGE_QUESTIONS),
    }
