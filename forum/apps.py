from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    """Questions, answers, board answers, the FAQ (built in the forum issue)."""

    name = "forum"
    verbose_name = _("Forum")
