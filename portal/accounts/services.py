"""Writes of the accounts app."""

from django.db import transaction
from django.utils import timezone

from portal import jobs
from portal.accounts.models import Organisation, User


@transaction.atomic
def register_member(
    *, user: User, full_name: str, language: str, organisation_name: str, organisation_kind: str
) -> User:
    """Complete a sign-up: the new member and the organisation they registered.

    ``user`` is the unsaved instance allauth prepared (email and password set).
    """
    user.full_name = full_name
    user.preferred_language = language
    user.organisation = Organisation.objects.create(name=organisation_name, kind=organisation_kind)
    user.save()
    return user


def update_profile(*, user: User, full_name: str, preferred_language: str, notification_emails: str) -> User:
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.notification_emails = notification_emails
    user.save(update_fields=["full_name", "preferred_language", "notification_emails"])
    return user


def set_preferred_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def notify(
    *, recipients, kind: str, actor: User | None, target_title: str, target_url: str, email: bool = True
) -> list:
    """Tell ``recipients`` (never the actor) that something happened.

    The in-portal notification is written now; emails go out after the commit,
    at once or in the daily digest as each recipient chose. With ``email=False``
    the caller sends its own email (deadlines, which do not wait for a digest).
    """
    from portal.accounts.models import Notification, NotificationFrequency
    from portal.accounts.tasks import email_notifications

    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            actor_name=actor.full_name if actor else "",
            target_title=target_title[:200],
            target_url=target_url,
            emailed_at=None if email else timezone.now(),
        )
        for user in people.values()
    )
    if not email:
        return notifications
    immediate = [n.pk for n in notifications if n.recipient.notification_emails == NotificationFrequency.IMMEDIATELY]
    if immediate:
        jobs.enqueue(email_notifications, immediate)
    return notifications


def mark_notifications_read(*, user: User, ids: list[int] | None = None) -> int:
    unread = user.notifications.unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
