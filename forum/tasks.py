from celery import shared_task
from django.utils import timezone

from forum import services


@shared_task
def remind_and_escalate() -> dict:
    """Daily: remind experts of answers due soon, tell staff of overdue ones.
    Safe to run twice: each reminder and escalation is claimed before it is sent."""
    today = timezone.localdate()
    return {
        "reminded": services.send_due_reminders(today=today),
        "escalated": services.escalate_overdue_assignments(today=today),
    }
