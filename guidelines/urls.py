from django.urls import path, re_path
from django.views.decorators.http import require_safe

from guidelines import views

app_name = "guidelines"

urlpatterns = [
    path("", views.current, name="current"),
    re_path(r"^(?P<number>[0-9]{1,3}\.[0-9]{1,3})/$", views.version_detail, name="version"),
    path("versions/", views.version_list, name="versions"),
    path("feed/", require_safe(views.ReleasesFeed()), name="feed"),
    path("compare/", views.comparison, name="compare"),
    path("subscription/", views.subscription, name="subscription"),
    path("draft/", views.draft, name="draft"),
    path("draft/title/", views.edit_title, name="edit_title"),
    path("draft/sections/new/", views.add_section, name="add_section"),
    path("draft/sections/<int:pk>/edit/", views.edit_section, name="edit_section"),
    path("draft/sections/<int:pk>/move/", views.move_section, name="move_section"),
    path("draft/sections/<int:pk>/delete/", views.delete_section, name="delete_section"),
    path("draft/sections/<int:pk>/comment/", views.comment, name="comment"),
    path("draft/sections/<int:pk>/reviewed/", views.mark_reviewed, name="mark_reviewed"),
    path("draft/threads/<int:pk>/reply/", views.reply, name="reply"),
    path("draft/threads/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("draft/review/", views.review, name="review"),
    path("draft/publish/", views.publish, name="publish"),
    path("editors/", views.editors, name="editors"),
    path("pdf/", views.request_pdf, name="request_pdf"),
    path("pdf/<int:pk>/", views.pdf_status, name="pdf"),
    path("pdf/<int:pk>/download/", views.pdf_download, name="pdf_download"),
]
