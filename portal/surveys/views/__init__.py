"""Pages of the surveys: the staff's builder and results, and the respondents' pages."""

from portal.surveys.views.builder import (
    question_delete,
    question_edit,
    question_move,
    question_new,
    survey_detail,
    survey_edit,
    survey_invite,
    survey_list,
    survey_new,
    survey_preview,
    survey_publish,
    survey_remind,
)
from portal.surveys.views.respond import my_surveys, respond, respond_invitation, respond_public, thanks
from portal.surveys.views.results import export_csv, results, text_answers

__all__ = [
    "export_csv",
    "my_surveys",
    "question_delete",
    "question_edit",
    "question_move",
    "question_new",
    "respond",
    "respond_invitation",
    "respond_public",
    "results",
    "survey_detail",
    "survey_edit",
    "survey_invite",
    "survey_list",
    "survey_new",
    "survey_preview",
    "survey_publish",
    "survey_remind",
    "text_answers",
    "thanks",
]
