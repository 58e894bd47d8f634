from django.urls import path  # noqa: F401

app_name = "metrics"

# The dashboard and exports (views/dashboard.py), the reports (views/reports.py),
# API tokens and the API (views/api.py).
urlpatterns = []
