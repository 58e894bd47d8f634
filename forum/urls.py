from django.urls import path

from forum import views
from forum.feeds import ForumFeed

app_name = "forum"

urlpatterns = [
    path("", views.question_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("similar/", views.similar, name="similar"),
    path("preview/", views.preview, name="preview"),
    path("feed/", ForumFeed(), name="feed"),
    path("faq/", views.faq, name="faq"),
    path("faq/new/", views.faq_edit, name="faq_new"),
    path("faq/<int:pk>/edit/", views.faq_edit, name="faq_edit"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.question_detail, name="question"),
    path("<int:pk>/edit/", views.edit_question, name="edit"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/board-answer/", views.board_answer, name="board_answer"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/follow/", views.follow, name="follow"),
    path("<int:pk>/flag/", views.flag, name="flag"),
    path("<int:pk>/public-copy/", views.public_copy, name="public_copy"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/hide/", views.set_hidden, name="hide"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:question_pk>/to-faq/", views.faq_edit, name="to_faq"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/answers/<int:answer_pk>/edit/", views.edit_answer, name="edit_answer"),
    path("<int:pk>/answers/<int:answer_pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/answers/<int:answer_pk>/helpful/", views.helpful, name="helpful"),
    path("<int:pk>/answers/<int:answer_pk>/cosign/", views.cosign, name="cosign"),
]
