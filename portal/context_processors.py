from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _navigation(request) -> list[dict]:
    items = [{"label": _("Home"), "url": reverse("home")}]
    # Error pages for rejected requests (a bad Host header) render before the
    # authentication middleware has set request.user.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items.append({"label": _("My area"), "url": reverse("dashboard")})
    path = request.path
    for item in items:
        item["active"] = path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))
    return items


def portal(request) -> dict:
    return {
        "navigation": _navigation(request),
        "centre_contact_email": settings.CENTRE_CONTACT_EMAIL,
        "demo_mode": settings.DEMO_MODE,
    }
