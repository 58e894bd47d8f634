"""Access checks for views: the only way a view tests a role or loads a
protected object of this app."""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from portal.accounts.roles import Capability, user_can


def has_mfa(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def needs_mfa_setup(user) -> bool:
    """A privileged user who has not enabled MFA yet."""
    return user.is_authenticated and user.requires_mfa and not has_mfa(user)


def _mark_mfa_protected(view: Callable) -> Callable:
    # RequireMFAMiddleware reads this mark before the view runs.
    view.requires_mfa = True
    return view


def signed_in_area(view: Callable) -> Callable:
    """A page for any signed-in user; privileged roles need MFA first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark_mfa_protected(wrapped)


def allowed_if(may: Callable) -> Callable:
    """A page for the signed-in users for whom ``may(user)`` holds (403 for the
    others); privileged roles need MFA first."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _mark_mfa_protected(wrapped)

    return decorator


def capability_required(capability: Capability) -> Callable:
    """A page for the roles holding ``capability`` (403 for the others)."""
    return allowed_if(lambda user: user_can(user, capability))
