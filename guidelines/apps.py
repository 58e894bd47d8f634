from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    """The board's versioned requirements document (built in the guidelines issue)."""

    name = "guidelines"
    verbose_name = _("Guidelines")
