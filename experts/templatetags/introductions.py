from django import template

from experts.models import FacilitatedInvestigation, Introduction

register = template.Library()

_BADGES = {
    # Introductions
    "requested": "bg-warning text-dark",
    "sent": "bg-primary",
    "closed": "bg-secondary",
    "declined": "bg-secondary",
    # A clinic's reply
    "awaiting": "bg-light text-dark border",
    "interested": "bg-success",
    "need_information": "bg-warning text-dark",
    "not_interested": "bg-secondary",
    "no_reply": "bg-secondary",
    # Stages of an investigation
    "feasibility": "bg-light text-dark border",
    "plan": "bg-info text-dark",
    "submitted": "bg-primary",
    "approved": "bg-primary",
    "enrolling": "bg-success",
    "completed": "bg-success",
    "stopped": "bg-danger",
}


@register.simple_tag
def introduction_badge_class(status: str) -> str:
    """The badge colours of an introduction's status, a clinic's reply or an investigation's stage."""
    return _BADGES.get(status, "bg-secondary")


@register.simple_tag
def introductions_of_case(case, user) -> list:
    """The introductions that came from a counselling case, as far as ``user`` may see them."""
    return list(
        Introduction.objects.visible_to(user)
        .filter(counselling_case=case)
        .only("pk", "device", "status", "created_at")
        .order_by("-created_at")
    )


@register.simple_tag
def investigations_of_case(case, user) -> list:
    """The facilitated investigations that came from a counselling case, as far as ``user`` may see them."""
    return list(
        FacilitatedInvestigation.objects.visible_to(user)
        .filter(counselling_case=case)
        .only("pk", "title", "stage", "civ_id", "submitted_on")
        .order_by("-created_at")
    )
