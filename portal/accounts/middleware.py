from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.permissions import needs_mfa_setup


class PreferredLanguageMiddleware:
    """Signed-in users read the portal in the language of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.preferred_language != request.LANGUAGE_CODE:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class RequireMFAMiddleware:
    """Experts, staff and administrators reach their areas and the admin only
    with MFA enabled; until then they are sent to set it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        protected = getattr(view_func, "requires_mfa", False) or request.resolver_match.namespace == "admin"
        if protected and needs_mfa_setup(request.user):
            messages.warning(
                request,
                _("Your role gives access to confidential information: enable two-factor authentication to continue."),
            )
            return redirect("mfa_activate_totp")
        return None
