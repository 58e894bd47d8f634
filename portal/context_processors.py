from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Capability, user_can


def _navigation(request, user) -> list[dict]:
    items = [
        {"label": _("Home"), "url": reverse("home")},
        {"label": _("Questions"), "url": reverse("forum:list")},
        {"label": _("FAQ"), "url": reverse("forum:faq")},
        {"label": _("The board"), "url": reverse("experts:board")},
        {"label": _("Clinical network"), "url": reverse("experts:clinics")},
        {"label": _("Guidelines"), "url": reverse("guidelines:current")},
    ]
    if user is not None and user.is_authenticated:
        if user_can(user, Capability.TRIAGE_QUESTIONS):
            items.append({"label": _("Board dashboard"), "url": reverse("forum:triage")})
        elif user_can(user, Capability.ANSWER_QUESTIONS):
            items.append({"label": _("Board dashboard"), "url": reverse("forum:expert_dashboard")})
        if user_can(user, Capability.VIEW_METRICS):
            items.append({"label": _("Metrics"), "url": reverse("metrics:dashboard")})
        items.append({"label": _("My area"), "url": reverse("dashboard")})
    # The current section is the longest address the page lies under.
    matches = [
        item
        for item in items
        if request.path == item["url"] or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    current = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is current
    return items


def portal(request) -> dict:
    # Error pages for rejected requests (a bad Host header) render before the
    # authentication middleware has set request.user.
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "navigation": _navigation(request, user),
        "unread_notifications": user.notifications.unread().count() if signed_in else 0,
        "centre_contact_email": settings.CENTRE_CONTACT_EMAIL,
        "demo_mode": settings.DEMO_MODE,
    }
