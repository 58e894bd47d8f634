"""Introductions, the contacts' personal links and facilitated investigations,
under the ``experts`` namespace (mounted at /board/)."""

from django.urls import path

from experts.introductions import views

urlpatterns = [
    path("introductions/", views.introduction_list, name="introductions"),
    path("introductions/new/", views.introduction_new, name="introduction_new"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction"),
    path("introductions/<int:pk>/send/", views.send_feasibility, name="introduction_send"),
    path("introductions/<int:pk>/clinics/", views.propose_clinics, name="introduction_clinics"),
    path("introductions/<int:pk>/close/", views.close_introduction, name="introduction_close"),
    # A clinic contact's personal link: no account, no sign-in.
    path("feasibility/<str:token>/", views.feasibility_answer, name="feasibility_answer"),
    path("investigations/", views.investigation_list, name="investigations"),
    path("investigations/new/", views.investigation_new, name="investigation_new"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation"),
    path("investigations/<int:pk>/stage/", views.record_stage, name="investigation_stage"),
    path("investigations/<int:pk>/edit/", views.edit_investigation, name="investigation_edit"),
]
