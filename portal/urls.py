from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.accounts import views as account_views

# The admin has no login of its own: it sends people to the portal's login,
# which is rate-limited and asks for the second factor.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CTCC Lombardia"
admin.site.site_title = "CTCC Lombardia"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("language/", views.switch_language, name="switch_language"),
    path("dashboard/", account_views.dashboard, name="dashboard"),
    path("forum/", include("forum.urls")),
    path("board/", include("experts.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("surveys/", include("portal.surveys.urls")),
    path("metrics/", include("portal.metrics.urls")),
    path("audit/", include("portal.audit.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
