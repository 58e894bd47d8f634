from django.core import mail
from django.db import transaction
from django.urls import reverse

from portal.mail import deserialise_message, serialise_message
from portal.tasks import deliver_email
from tests.factories import UserFactory


def test_an_email_is_not_sent_before_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            mail.send_mail("Subject", "Body", None, ["someone@example.org"])
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]


def test_a_queued_message_keeps_every_part():
    message = mail.EmailMultiAlternatives(
        "Oggetto è", "Testo", "from@example.org", ["to@example.org"], cc=["cc@example.org"], reply_to=["r@example.org"]
    )
    message.attach_alternative("<p>Testo</p>", "text/html")

    copy = deserialise_message(serialise_message(message))

    assert (copy.subject, copy.body, copy.from_email, copy.to, copy.cc, copy.reply_to) == (
        "Oggetto è",
        "Testo",
        "from@example.org",
        ["to@example.org"],
        ["cc@example.org"],
        ["r@example.org"],
    )
    assert copy.alternatives[0].content == "<p>Testo</p>"


def test_deliver_email_sends_through_the_delivery_mailer():
    deliver_email(serialise_message(mail.EmailMessage("S", "B", "f@example.org", ["t@example.org"])))

    assert [(m.subject, m.to) for m in mail.outbox] == [("S", ["t@example.org"])]


def test_password_reset_email_speaks_the_recipients_language(db, client, django_capture_on_commit_callbacks):
    UserFactory(email="english@example.org", preferred_language="en")
    client.cookies["django_language"] = "it"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "english@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Password Reset" in mail.outbox[0].subject
    assert mail.outbox[0].body.startswith("Hello from Clinical Trials Competence Centre!")


def test_emails_are_signed_by_the_centre_in_italian(db, client, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://ctcc.example.org"
    UserFactory(email="italiano@example.org", preferred_language="it")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "italiano@example.org"})

    body = mail.outbox[0].body
    assert body.startswith("Ciao da Centro di competenza per le sperimentazioni cliniche!")
    assert body.rstrip().endswith("https://ctcc.example.org")
