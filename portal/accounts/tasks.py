from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import Notification, NotificationFrequency, User


def _claim(queryset) -> list[Notification]:
    """Mark notifications as emailed and return those this run claimed: a
    retried or duplicated task finds nothing left and sends nothing twice."""
    with transaction.atomic():
        ids = list(
            queryset.filter(emailed_at__isnull=True).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return list(Notification.objects.filter(pk__in=ids).select_related("recipient").order_by("created_at"))


def _send(recipient: User, notifications: list[Notification], *, digest: bool) -> None:
    with translation.override(recipient.preferred_language):
        context = {"recipient": recipient, "notifications": notifications, "site_url": settings.SITE_URL}
        if digest:
            subject = _("Your daily summary")
        else:
            subject = f"{notifications[0].get_kind_display()}: {notifications[0].target_title}"
        body = render_to_string("accounts/email/notifications.txt", context)
        send_mail(f"[CTCC] {subject}"[:200], body, None, [recipient.email])


@shared_task
def email_notifications(notification_ids: list[int]) -> None:
    """Email each notification to a recipient who wants them at once."""
    # One transaction: the claim and the queued emails commit together, so a run
    # that fails halfway claims nothing and its retry sends everything once.
    with transaction.atomic():
        for notification in _claim(Notification.objects.filter(pk__in=notification_ids)):
            _send(notification.recipient, [notification], digest=False)


@shared_task
def send_notification_digests() -> None:
    """Once a day: one email per recipient with everything not yet emailed."""
    pending = Notification.objects.filter(
        emailed_at__isnull=True, recipient__notification_emails=NotificationFrequency.DAILY, recipient__is_active=True
    )
    by_recipient: dict[int, list[Notification]] = {}
    with transaction.atomic():  # as in email_notifications
        for notification in _claim(pending):
            by_recipient.setdefault(notification.recipient_id, []).append(notification)
        for notifications in by_recipient.values():
            _send(notifications[0].recipient, notifications, digest=True)
