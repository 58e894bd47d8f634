"""The surveys' card in "My area" (accounts does not import surveys: its template loads this)."""

from django import template

from portal.surveys.permissions import can_run_surveys
from portal.surveys.selectors import open_surveys_for

register = template.Library()


@register.inclusion_tag("surveys/_dashboard_card.html")
def surveys_card(user) -> dict:
    """The open surveys for ``user`` not answered yet, and the staff's link to run them."""
    waiting = [item for item in open_surveys_for(user) if not item.answered]
    may_run = can_run_surveys(user)
    return {"waiting": waiting, "may_run": may_run, "show": bool(waiting) or may_run}
