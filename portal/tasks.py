from celery import shared_task
from django.core import mail

from portal.mail import deserialise_message


@shared_task
def deliver_email(payload: dict) -> None:
    """Send one queued email through the "delivery" mailer. Run as a job
    (``portal.mail``), which retries it with a backoff when the server refuses."""
    mail.mailers["delivery"].send_messages([deserialise_message(payload)])
