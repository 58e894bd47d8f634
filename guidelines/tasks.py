from celery import shared_task

from guidelines import pdf
from guidelines.models import Rendition


@shared_task
def render_rendition(rendition_id: int) -> str | None:
    """Produce the PDF of a pending rendition. Safe to run twice: a rendition
    that is no longer pending is left alone (see ``pdf.produce``)."""
    rendition = Rendition.objects.select_related("version").filter(pk=rendition_id).first()
    if rendition is None:
        return None
    return pdf.produce(rendition)


@shared_task
def announce_release(version_id: int) -> int:
    """Tell the subscribers of a new version (``services.announce_release``)."""
    # Imported here: the services import this module to queue its tasks.
    from guidelines import services

    return services.announce_release(version_id)
