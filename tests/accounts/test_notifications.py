import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import Notification, NotificationFrequency
from portal.accounts.tasks import email_notifications, send_notification_digests
from tests.factories import UserFactory


def _notify(recipients, actor=None, title="Quale comitato etico?"):
    return services.notify(
        recipients=recipients,
        kind=Notification.Kind.ANSWERED,
        actor=actor,
        target_title=title,
        target_url="/forum/1/",
    )


def test_notify_skips_the_actor_and_inactive_people(db):
    actor, reader, gone = UserFactory(full_name="Elena Bianchi"), UserFactory(), UserFactory(is_active=False)

    created = _notify([actor, reader, gone, None], actor=actor)

    assert [n.recipient for n in created] == [reader]
    assert created[0].actor_name == "Elena Bianchi"


def test_immediate_emails_go_after_the_commit_in_the_recipients_language(db, django_capture_on_commit_callbacks):
    english = UserFactory(preferred_language="en", notification_emails=NotificationFrequency.IMMEDIATELY)
    italian = UserFactory(preferred_language="it", notification_emails=NotificationFrequency.IMMEDIATELY)
    quiet = UserFactory(notification_emails=NotificationFrequency.NEVER)

    with django_capture_on_commit_callbacks(execute=True):
        _notify([english, italian, quiet], actor=UserFactory(full_name="Elena Bianchi"))

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {english.email, italian.email}
    assert "Elena Bianchi answered “Quale comitato etico?”." in by_recipient[english.email].body
    assert "Elena Bianchi ha risposto a “Quale comitato etico?”." in by_recipient[italian.email].body
    assert Notification.objects.filter(recipient=quiet, emailed_at__isnull=True).count() == 1


def test_a_notification_is_emailed_once_even_if_the_task_runs_again(db, django_capture_on_commit_callbacks):
    reader = UserFactory()
    notification = Notification.objects.create(recipient=reader, kind="answered", target_title="T", target_url="/")

    with django_capture_on_commit_callbacks(execute=True):
        email_notifications([notification.pk])
        email_notifications([notification.pk])

    assert len(mail.outbox) == 1


def test_a_run_that_fails_halfway_claims_nothing_and_its_retry_sends_each_once(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    from portal.accounts import tasks
    from portal.jobs.models import Job

    first, second = UserFactory(), UserFactory()
    notifications = [
        Notification.objects.create(recipient=user, kind="answered", target_title="T", target_url="/")
        for user in (first, second)
    ]
    send = tasks._send

    def fail_on_the_second(recipient, notifications, *, digest):
        if recipient == second:
            raise OSError("template storage went away")
        send(recipient, notifications, digest=digest)

    monkeypatch.setattr(tasks, "_send", fail_on_the_second)
    with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
        email_notifications([n.pk for n in notifications])

    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert not Job.objects.exists() and mail.outbox == []

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        email_notifications([n.pk for n in notifications])
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])


def test_the_daily_digest_gathers_everything_once(db, django_capture_on_commit_callbacks):
    daily = UserFactory(notification_emails=NotificationFrequency.DAILY, preferred_language="en")
    immediate = UserFactory(notification_emails=NotificationFrequency.IMMEDIATELY)
    for title in ("First question", "Second question"):
        Notification.objects.create(recipient=daily, kind="commented", target_title=title, target_url="/forum/2/")
    Notification.objects.create(recipient=immediate, kind="commented", target_title="Other", target_url="/")

    with django_capture_on_commit_callbacks(execute=True):
        send_notification_digests()
        send_notification_digests()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [daily.email]
    assert "Your daily summary" in mail.outbox[0].subject
    assert "First question" in mail.outbox[0].body and "Second question" in mail.outbox[0].body


def test_the_inbox_shows_own_notifications_and_marks_them_read(member_client, member, other_member):
    _notify([member], title="Mia domanda")
    _notify([other_member], title="Domanda altrui")

    page = member_client.get(reverse("accounts:notifications")).content.decode()
    assert "Mia domanda" in page
    assert "Domanda altrui" not in page

    member_client.post(reverse("accounts:notifications_read"))
    assert member.notifications.unread().count() == 0
    assert other_member.notifications.unread().count() == 1


def test_marking_another_users_notification_read_does_nothing(member_client, other_member):
    theirs = _notify([other_member])[0]

    member_client.post(reverse("accounts:notifications_read"), {"id": [theirs.pk]})

    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_counts_unread_notifications(member_client, member):
    _notify([member])
    _notify([member])

    page = member_client.get(reverse("home")).content.decode()

    assert '<span class="badge bg-white text-primary">2' in page


@pytest.mark.parametrize("rows", [1, 30])
def test_inbox_query_count_does_not_grow(member_client, member, django_assert_max_num_queries, rows):
    _notify([member] * 1)
    for _ in range(rows - 1):
        _notify([member])

    with django_assert_max_num_queries(8):
        member_client.get(reverse("accounts:notifications"))
