"""The job table: saved with the change, sent once committed, run at most once
at a time, retried with a backoff, reaped when lost. Real workers, brokers and
killed processes are in tests/faults/."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from portal.jobs import services
from portal.jobs.models import Job
from portal.jobs.tasks import run_job
from portal.mail import serialise_message
from portal.tasks import deliver_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def broker_up():
    # The breaker is per process: a test that trips it must not leave it open for the next.
    services._broker._down_until = 0.0
    yield
    services._broker._down_until = 0.0


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_job, "apply_async", refuse)


def email_job(to: str = "someone@example.org") -> Job:
    return services.enqueue(deliver_email, serialise_message(mail.EmailMessage("S", "B", None, [to])))


def test_a_job_is_saved_with_the_change_and_sent_once_it_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        mail.send_mail("Subject", "Body", None, ["someone@example.org"])
        job = Job.objects.get()
        assert (job.task, job.status, job.dispatched_at) == ("portal.tasks.deliver_email", "queued", None)
        assert mail.outbox == []

    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.DONE, 1, "")
    assert job.dispatched_at is not None and job.finished_at is not None
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]
    # The message (personal data) is not kept once it is sent.
    assert (job.private, job.args) == (True, [])


def test_a_rolled_back_change_leaves_no_job_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        mail.send_mail("Subject", "Body", None, ["someone@example.org"])
        raise RuntimeError("the change failed")

    assert not Job.objects.exists()
    assert mail.outbox == []


def test_several_messages_are_one_insert_and_one_job_each(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    messages = [mail.EmailMessage("S", "B", None, [f"p{i}@example.org"]) for i in range(20)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_num_queries(1):
        mail.mailers["default"].send_messages(messages)

    assert len(callbacks) == 1
    assert Job.objects.filter(status=Job.Status.QUEUED, max_attempts=8).count() == 20


def test_with_the_broker_down_the_job_stays_queued_and_nothing_raises(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_job()
        email_job("other@example.org")

    assert list(Job.objects.values_list("status", "dispatched_at")) == [("queued", None), ("queued", None)]
    assert mail.outbox == []
    # The breaker is open: the next job does not even try the broker.
    assert services._broker.is_open


def test_the_reaper_sends_what_the_broker_refused_once_it_is_back(monkeypatch, django_capture_on_commit_callbacks):
    refused = []

    def refuse(*args, **kwargs):
        refused.append(args)
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(run_job, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        job = email_job()
    assert refused and Job.objects.get().status == Job.Status.QUEUED

    monkeypatch.undo()
    services._broker._down_until = 0.0
    outcome = services.reap()

    assert (outcome["due"], outcome["sent"]) == (1, 1)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert len(mail.outbox) == 1


def test_a_message_delivered_twice_sends_the_email_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = email_job()

    # The broker redelivers (a worker lost its connection before acknowledging).
    assert run_job.apply(args=[job.pk]).get() is None
    assert run_job.apply(args=[job.pk]).get() is None
    assert len(mail.outbox) == 1


def test_a_job_running_elsewhere_is_not_run_again(broker_down):
    job = email_job()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now(), attempts=1)

    assert services.run(job.pk) is None
    assert mail.outbox == []


def test_a_failed_attempt_is_retried_after_a_backoff(broker_down, monkeypatch):
    job = email_job()

    def disconnect(self, messages):
        raise SMTPServerDisconnected("gone")

    monkeypatch.setattr(type(mail.mailers["delivery"]), "send_messages", disconnect)

    assert services.run(job.pk) == Job.Status.QUEUED
    job.refresh_from_db()
    assert job.attempts == 1
    assert job.error == "SMTPServerDisconnected: gone"
    assert timedelta(seconds=25) < job.run_after - timezone.now() <= timedelta(seconds=30)
    # Not due yet: a redelivered message does not run it before its time.
    assert services.run(job.pk) is None
    assert services.reap()["due"] == 0

    monkeypatch.undo()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    assert services.run(job.pk) == Job.Status.DONE
    assert len(mail.outbox) == 1


def test_the_backoff_doubles_and_the_last_attempt_fails_the_job(broker_down, monkeypatch):
    job = services.enqueue(
        deliver_email, serialise_message(mail.EmailMessage("S", "B", None, ["a@example.org"])), max_attempts=8
    )
    monkeypatch.setattr(type(mail.mailers["delivery"]), "send_messages", lambda self, messages: 1 / 0)
    waits = []
    for _attempt in range(8):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        before = timezone.now()
        status = services.run(job.pk)
        job.refresh_from_db()
        if status == Job.Status.QUEUED:
            waits.append(round((job.run_after - before).total_seconds() / 30))

    assert waits == [1, 2, 4, 8, 16, 32, 64]
    assert (job.status, job.attempts) == (Job.Status.FAILED, 8)
    assert job.error.startswith("ZeroDivisionError")
    assert job.finished_at is not None


def test_the_reaper_queues_again_a_job_whose_worker_died(broker_down, settings):
    job = email_job()
    lost_at = timezone.now() - timedelta(seconds=settings.JOBS_STALLED_AFTER + 1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=lost_at, attempts=1, dispatched_at=lost_at
    )
    alive = email_job("alive@example.org")
    Job.objects.filter(pk=alive.pk).update(status=Job.Status.RUNNING, started_at=timezone.now(), attempts=1)

    outcome = services.reap()

    assert outcome["requeued"] == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.QUEUED, 1)
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING
    # The dead run's late outcome would not count: its claim is gone.
    stale_run = Job(pk=job.pk, attempts=1, started_at=lost_at)
    services._settle(stale_run)
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED

    assert services.run(job.pk) == Job.Status.DONE
    assert Job.objects.get(pk=job.pk).attempts == 2
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]


def test_a_job_lost_on_its_last_attempt_fails(broker_down, settings):
    job = services.enqueue(deliver_email, {}, max_attempts=1)
    lost_at = timezone.now() - timedelta(seconds=settings.JOBS_STALLED_AFTER + 1)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=lost_at, attempts=1)

    assert services.reap()["failed"] == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "lost" in job.error


def test_the_reaper_leaves_a_recently_sent_job_to_the_broker(broker_down, settings, monkeypatch):
    recent = email_job()
    Job.objects.filter(pk=recent.pk).update(dispatched_at=timezone.now())
    forgotten = email_job("forgotten@example.org")
    long_ago = timezone.now() - timedelta(seconds=settings.JOBS_STALLED_AFTER + 1)
    Job.objects.filter(pk=forgotten.pk).update(dispatched_at=long_ago, run_after=long_ago)

    services._broker._down_until = 0.0
    sent = []
    monkeypatch.setattr(run_job, "apply_async", lambda args, **kwargs: sent.append(args[0]))
    services.reap()

    assert sent == [forgotten.pk]


def test_the_reaper_deletes_old_finished_jobs_and_keeps_recent_ones(broker_down):
    now = timezone.now()
    old_done, recent_done, old_failed, recent_failed, queued = (email_job(f"{i}@example.org") for i in range(5))
    Job.objects.filter(pk=old_done.pk).update(status="done", finished_at=now - timedelta(days=8))
    Job.objects.filter(pk=recent_done.pk).update(status="done", finished_at=now - timedelta(days=6))
    Job.objects.filter(pk=old_failed.pk).update(status="failed", finished_at=now - timedelta(days=31))
    Job.objects.filter(pk=recent_failed.pk).update(status="failed", finished_at=now - timedelta(days=29))
    Job.objects.filter(pk=queued.pk).update(created_at=now - timedelta(days=60))

    assert services.reap()["deleted"] == 2
    assert set(Job.objects.values_list("pk", flat=True)) == {recent_done.pk, recent_failed.pk, queued.pk}


def test_a_job_of_a_task_that_no_longer_exists_fails_without_stopping_the_worker(broker_down):
    job = Job.objects.create(task="portal.tasks.removed_long_ago", args=[1], max_attempts=1)

    assert services.run(job.pk) == Job.Status.FAILED
    assert Job.objects.get(pk=job.pk).error.startswith("NotRegistered")


def test_the_time_limits_end_a_run_before_the_reaper_takes_it_back(settings):
    assert services.soft_time_limit() < services.hard_time_limit() < settings.JOBS_STALLED_AFTER
    assert run_job.time_limit == services.hard_time_limit()
    assert run_job.soft_time_limit == services.soft_time_limit()


def test_the_reaper_runs_every_minute_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reap-jobs"]
    assert (entry["task"], entry["schedule"]) == ("portal.jobs.tasks.reap_jobs", 60)


def test_administrators_read_the_job_table_in_the_admin_and_change_nothing(admin_client, broker_down):
    job = email_job()
    changelist = reverse("admin:jobs_job_changelist")
    change = reverse("admin:jobs_job_change", args=[job.pk])

    assert admin_client.get(changelist).status_code == 200
    page = admin_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:jobs_job_add")).status_code == 403
    assert admin_client.post(change, {"status": "done"}).status_code == 403
    assert admin_client.get(reverse("admin:jobs_job_delete", args=[job.pk])).status_code == 403
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED


def test_staff_cannot_open_the_job_table(staff_client):
    response = staff_client.get(reverse("admin:jobs_job_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
