from django import template
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from forum.filters import MARK_START, MARK_STOP
from forum.models import Question

register = template.Library()


@register.filter
def highlight(snippet: str | None) -> str:
    """A search snippet with its matches in <mark>: the text is escaped first,
    so only our own markers become HTML."""
    if not snippet:
        return ""
    return mark_safe(escape(snippet).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308 (escaped first)  # nosec B308, B703


@register.simple_tag
def status_badge_class(status: str) -> str:
    return {
        "unanswered": "bg-warning text-dark",
        "answered": "bg-primary",
        "accepted": "bg-success",
        "closed": "bg-secondary",
    }.get(status, "bg-secondary")


@register.filter
def duration_hours(hours: float | None) -> str:
    """A time to answer for people: hours up to two days, then days."""
    if hours is None:
        return "–"
    if hours < 48:
        count = max(1, round(hours))
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    days = round(hours / 24, 1)
    return ngettext("%(count)s day", "%(count)s days", int(days) if days == int(days) else 2) % {
        "count": formats.number_format(days, decimal_pos=0 if days == int(days) else 1)
    }


@register.simple_tag
def questions_of_case(case, user) -> list:
    """The forum questions that came from a counselling case, as far as ``user`` may read them."""
    return list(
        Question.objects.visible_to(user)
        .filter(counselling_case=case)
        .only("pk", "title", "status", "visibility", "created_at")
        .order_by("-created_at")
    )
