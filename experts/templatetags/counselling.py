from django import template

register = template.Library()

_BADGES = {
    # Counselling cases
    "requested": "bg-warning text-dark",
    "in_progress": "bg-primary",
    "closed": "bg-secondary",
    # Funded projects
    "future": "bg-info text-dark",
    "ongoing": "bg-success",
    "previous": "bg-secondary",
}


@register.simple_tag
def counselling_badge_class(status: str) -> str:
    """The badge colours of a case's or a project's status."""
    return _BADGES.get(status, "bg-secondary")
