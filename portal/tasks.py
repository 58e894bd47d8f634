from smtplib import SMTPException

from celery import shared_task
from django.core import mail

from portal.mail import deserialise_message


@shared_task(autoretry_for=(OSError, SMTPException), retry_backoff=30, max_retries=8)
def deliver_email(payload: dict) -> None:
    """Send one queued email through the "delivery" mailer."""
    mail.mailers["delivery"].send_messages([deserialise_message(payload)])
