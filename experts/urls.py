from django.urls import path

from experts import views
from experts.directory import urls as directory_urls
from experts.introductions import urls as introduction_urls

app_name = "experts"

urlpatterns = [
    path("", views.board, name="board"),
    path("me/", views.edit_own_profile, name="edit_own_profile"),
    path("invite/", views.invite, name="invite"),
    path("<int:pk>/", views.profile, name="profile"),
    # Counselling of funded projects
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_edit, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/request/", views.request_counselling, name="request_counselling"),
    path("counselling/", views.case_list, name="cases"),
    path("counselling/<int:pk>/", views.case_detail, name="case"),
    path("counselling/<int:pk>/assign/", views.assign_counsellors, name="case_assign"),
    path("counselling/<int:pk>/meetings/", views.record_meeting, name="case_meeting"),
    path("counselling/<int:pk>/close/", views.close_case, name="case_close"),
    # The clinical network
    *directory_urls.urlpatterns,
    *introduction_urls.urlpatterns,
]
