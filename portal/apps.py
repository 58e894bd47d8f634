from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class PortalConfig(AppConfig):
    """The project's own pages, email delivery and the demo data command."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import pagecache

        pagecache.track_writes()
        # Without Redis, kombu's filesystem transport queues messages as files:
        # its folders must exist before the web process or the worker uses them.
        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            for folder in settings.CELERY_BROKER_TRANSPORT_OPTIONS.values():
                if isinstance(folder, str):
                    Path(folder).mkdir(parents=True, exist_ok=True)
