from django.urls import path
from django.views.decorators.http import require_safe

from forum.feeds import ForumFeed
from forum.views import board, questions

app_name = "forum"

urlpatterns = [
    path("", questions.question_list, name="list"),
    path("ask/", questions.ask, name="ask"),
    path("similar/", questions.similar, name="similar"),
    path("preview/", questions.preview, name="preview"),
    path("feed/", require_safe(ForumFeed()), name="feed"),
    path("faq/", questions.faq, name="faq"),
    path("faq/new/", questions.faq_edit, name="faq_new"),
    path("faq/<int:pk>/edit/", questions.faq_edit, name="faq_edit"),
    path("moderation/", questions.moderation, name="moderation"),
    path("dashboard/", board.expert_home, name="expert_dashboard"),
    path("triage/", board.triage, name="triage"),
    path("assignments/<int:pk>/decline/", board.decline, name="decline"),
    path("assignments/<int:pk>/cancel/", board.cancel, name="cancel_assignment"),
    path("<int:pk>/", questions.question_detail, name="question"),
    path("<int:pk>/edit/", questions.edit_question, name="edit"),
    path("<int:pk>/answer/", questions.answer, name="answer"),
    path("<int:pk>/board-answer/", questions.board_answer, name="board_answer"),
    path("<int:pk>/comment/", questions.comment, name="comment"),
    path("<int:pk>/follow/", questions.follow, name="follow"),
    path("<int:pk>/flag/", questions.flag, name="flag"),
    path("<int:pk>/public-copy/", questions.public_copy, name="public_copy"),
    path("<int:pk>/close/", questions.close, name="close"),
    path("<int:pk>/reopen/", questions.reopen, name="reopen"),
    path("<int:pk>/hide/", questions.set_hidden, name="hide"),
    path("<int:pk>/history/", questions.history, name="history"),
    path("<int:pk>/assign/", board.assign, name="assign"),
    path("<int:pk>/claim/", board.claim, name="claim"),
    path("<int:pk>/conflict/", board.conflict, name="conflict"),
    path("<int:question_pk>/to-faq/", questions.faq_edit, name="to_faq"),
    path("<int:pk>/attachments/<int:attachment_pk>/", questions.attachment, name="attachment"),
    path("<int:pk>/answers/<int:answer_pk>/edit/", questions.edit_answer, name="edit_answer"),
    path("<int:pk>/answers/<int:answer_pk>/accept/", questions.accept, name="accept"),
    path("<int:pk>/answers/<int:answer_pk>/helpful/", questions.helpful, name="helpful"),
    path("<int:pk>/answers/<int:answer_pk>/cosign/", questions.cosign, name="cosign"),
]
