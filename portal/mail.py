"""Email leaves the request: the backend queues each message as a job.

Every email of the portal (allauth's and ours) goes through Django's mail API,
so this one backend keeps sending out of the request/response cycle. The job
table is the outbox: a message is saved with the change it speaks of (and not
at all if that rolls back), survives a broker that is down, and is sent once
even when its task is delivered twice.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation


def serialise_message(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
    }


def deserialise_message(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def withdraw_messages_to(addresses: Iterable[str]) -> int:
    """Take ``addresses`` out of the outbox's unsent messages (queued, being
    sent or failed): a message left with no recipient is deleted. For an
    erased account, whose address and mail must not outlive it. Returns the
    number of messages changed or deleted."""
    from portal.jobs.models import Job
    from portal.tasks import deliver_email

    gone = {address.casefold() for address in addresses}
    unsent = Job.objects.select_for_update().filter(
        task=deliver_email.name, status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.FAILED]
    )
    changed = 0
    for job in unsent.exclude(args=[]):
        payload = job.args[0]
        kept = {field: [a for a in payload[field] if a.casefold() not in gone] for field in ("to", "cc", "bcc")}
        if kept == {field: payload[field] for field in kept}:
            continue
        changed += 1
        if any(kept.values()):
            job.args = [{**payload, **kept}]
            job.save(update_fields=["args"])
        else:
            job.delete()
    return changed


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        from portal.jobs.services import enqueue_many
        from portal.tasks import deliver_email

        messages = [(serialise_message(message),) for message in email_messages]
        # SMTP servers refuse for a while: eight attempts span about an hour.
        enqueue_many(deliver_email, messages, max_attempts=8, private=True)
        return len(messages)


def send_in_language(*, to: str, language: str, subject: Callable[[], str], template: str, context: dict) -> None:
    """Email the address ``to`` in ``language``: for people without an account
    (clinic contacts), and for users through ``mail_user``.

    ``subject`` is called once that language is active, so its translation
    and any dates in it follow the recipient, not the sender.
    """
    with translation.override(language):
        body = render_to_string(template, {"site_url": settings.SITE_URL, **context})
        send_mail(f"[CTCC] {subject()}"[:200], body, None, [to])


def mail_user(*, user, subject: Callable[[], str], template: str, context: dict) -> None:
    """Email ``user`` in their own language (``recipient`` in the template)."""
    send_in_language(
        to=user.email,
        language=user.preferred_language,
        subject=subject,
        template=template,
        context={"recipient": user, **context},
    )
