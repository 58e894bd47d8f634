from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.mark_notifications_read, name="notifications_read"),
    path("profile/personal-data/", views.personal_data_export, name="personal_data"),
    path("profile/delete/", views.delete_account, name="delete_account"),
]
