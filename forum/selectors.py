"""Reads of the forum that span models."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, Prefetch, Q

from forum.filters import full_text_search_available
from forum.models import Answer, BoardSignature, Comment, FAQEntry, HelpfulVote, Question
from forum.pathways import suggest_pathway
from forum.permissions import can_edit_answer, can_edit_question
from forum.services import may_comment
from portal.accounts.roles import Capability, user_can


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
    for answer in answers:
        answer.marked_helpful = answer.pk in helpful_ids
        answer.editable = can_edit_answer(user, answer)
        answer.signed = [s for s in answer.signatures.all() if s.signed_at]
        answer.awaiting = [s for s in answer.signatures.all() if not s.signed_at]
        answer.user_may_cosign = (
            answer.is_board_answer
            and user_can(user, Capability.ANSWER_QUESTIONS)
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
        "may_answer": user_can(user, Capability.ANSWER_QUESTIONS) and not question.is_closed,
        "may_comment": may_comment(user, question) and not question.is_closed,
        "may_moderate": user_can(user, Capability.MODERATE),
        "may_edit": can_edit_question(user, question),
        "public_copy": Question.objects.filter(public_copy_of=question).only("pk", "title").first()
        if question.is_confidential
        else None,
    }


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
        return list(
            visible.filter(search_vector=query)
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
