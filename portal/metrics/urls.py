from django.urls import path

from portal.metrics.views import api as api_views
from portal.metrics.views import dashboard as dashboard_views
from portal.metrics.views import reports as report_views
from portal.metrics.views import tokens as token_views

app_name = "metrics"

# The dashboard and exports (views/dashboard.py), the reports (views/reports.py),
# API tokens and the API (views/api.py).
urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    path("export/<slug:metric>.<slug:extension>", dashboard_views.export, name="export"),
    path("api/v1/figures", api_views.figures, name="api"),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/new/", report_views.request_report, name="request_report"),
    path("reports/<int:pk>/", report_views.report_status, name="report"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("api-tokens/", token_views.api_tokens, name="tokens"),
    path("api-tokens/<int:pk>/revoke/", token_views.revoke_api_token, name="token_revoke"),
]
