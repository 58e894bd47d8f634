from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection

from portal.mail import deserialise_message


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=30, max_retries=8)
def deliver_email(payload: dict) -> None:
    """Send one queued email through the configured delivery backend."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    connection.send_messages([deserialise_message(payload)])
