"""Who may see and do what in the forum: the only way a view loads a
question, an answer or an attachment."""

from django.http import Http404

from forum.models import Answer, Attachment, Question
from portal.accounts.roles import Capability, user_can


def can_see_question(user, question: Question) -> bool:
    """The rule of ``Question.objects.visible_to``, for one question in hand."""
    if user_can(user, Capability.MODERATE):
        return True
    if question.is_hidden:
        return False
    if not question.is_confidential or user_can(user, Capability.SEE_CONFIDENTIAL_QUESTIONS):
        return True
    if not user.is_authenticated:
        return False
    same_organisation = user.organisation_id is not None and user.organisation_id == question.organisation_id
    return same_organisation or question.author_id == user.pk


def can_edit_question(user, question: Question) -> bool:
    return user_can(user, Capability.MODERATE) or (
        user.is_authenticated and question.author_id == user.pk and not question.is_closed
    )


def can_edit_answer(user, answer: Answer) -> bool:
    return user_can(user, Capability.MODERATE) or (user.is_authenticated and answer.author_id == user.pk)


def get_question_for_user(user, pk: int, *, write: bool = False) -> Question:
    """The question, if ``user`` may see it (and edit it, with ``write``); else 404,
    so that a confidential question's existence is not revealed either."""
    question = (
        Question.objects.select_related(
            "author__organisation", "organisation", "duplicate_of", "counselling_case__project"
        )
        .filter(pk=pk)
        .first()
    )
    if question is None or not can_see_question(user, question):
        raise Http404
    if write and not can_edit_question(user, question):
        raise Http404
    return question


def get_answer_for_user(user, question: Question, pk: int, *, write: bool = False) -> Answer:
    answer = Answer.objects.visible_to(user).filter(question=question, pk=pk).select_related("author").first()
    if answer is None or (write and not can_edit_answer(user, answer)):
        raise Http404
    return answer


def get_attachment_for_user(user, question_pk: int, pk: int) -> Attachment:
    question = get_question_for_user(user, question_pk)
    attachment = question.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
