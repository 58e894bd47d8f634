import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs):
    # Without Redis, kombu's filesystem transport queues messages as files; its
    # folders must exist before the web process or the worker touches them.
    if sender.conf.broker_url.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if folder := sender.conf.broker_transport_options.get(key):
                Path(folder).mkdir(parents=True, exist_ok=True)
