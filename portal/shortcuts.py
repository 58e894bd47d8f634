"""Small steps that views of every app share: calling a service and telling
the user when it refuses, limiting writes, going back where a form came from."""

from collections.abc import Callable

from allauth.core import ratelimit
from django.contrib import messages
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portal.errors import ServiceError

# A form's view: its page (GET, and HEAD, which HTTP requires wherever GET is
# served) and its submission. Read-only views use Django's ``require_safe``.
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


def run_service(request, action: Callable, success_message: str | None = None, *, form=None) -> bool:
    """Call ``action``; a refusal becomes the form's error when ``form`` is
    given, else a message for the user. On success, ``success_message`` (if any)."""
    try:
        action()
    except ServiceError as error:
        if form is not None:
            form.add_error(None, str(error))
        else:
            messages.error(request, str(error))
        return False
    if success_message:
        messages.success(request, success_message)
    return True


def throttled(request, action: str):
    """A 429 page when ``request.user`` wrote too often (rate ``action`` in
    ACCOUNT_RATE_LIMITS), else None."""
    return ratelimit.consume_or_429(request, action=action, user=request.user)


def id_or_none(value) -> int | None:
    """The database id a form field or a query parameter names: ASCII digits
    that fit a 64-bit column, else None. (``str.isdigit`` alone accepts "²",
    which ``int`` refuses, and 100,000 digits, which ``int`` refuses too.)"""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def search_text(value: str, *, limit: int = 200) -> str:
    """Words typed into a search box, as a query may use them: without NUL
    characters (PostgreSQL refuses them in text), trimmed, at most ``limit`` long."""
    return value.replace("\x00", "").strip()[:limit]


def safe_next(request, default: str | None = None) -> str | None:
    """The page a form came from (its ``next`` field), if it is ours; else ``default``."""
    target = request.POST.get("next", "")
    # Without a slash, redirect() would take the value for a view's name (and fail).
    if "/" in target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
