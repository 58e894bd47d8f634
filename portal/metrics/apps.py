from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Visit counting, the metrics dashboard and the six-month report (built in the metrics issue)."""

    name = "portal.metrics"
    label = "metrics"
    verbose_name = _("Metrics")
