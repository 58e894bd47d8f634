from django.urls import path

from experts import views

app_name = "experts"

urlpatterns = [
    path("", views.board, name="board"),
    path("me/", views.edit_own_profile, name="edit_own_profile"),
    path("invite/", views.invite, name="invite"),
    path("<int:pk>/", views.profile, name="profile"),
]
