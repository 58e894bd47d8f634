from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from forum.filters import MARK_START, MARK_STOP

register = template.Library()


@register.filter
def highlight(snippet: str | None) -> str:
    """A search snippet with its matches in <mark>: the text is escaped first,
    so only our own markers become HTML."""
    if not snippet:
        return ""
    return mark_safe(escape(snippet).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


@register.simple_tag
def status_badge_class(status: str) -> str:
    return {
        "unanswered": "bg-warning text-dark",
        "answered": "bg-primary",
        "accepted": "bg-success",
        "closed": "bg-secondary",
    }.get(status, "bg-secondary")
