from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project's own pages, email delivery and the demo data command."""

    name = "portal"
    verbose_name = "Portal"
