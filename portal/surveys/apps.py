from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Surveys of the centre's users (built in the metrics and surveys issue)."""

    name = "portal.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
