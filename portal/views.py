from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from experts.models import Topic
from portal.accounts import services as account_services
from portal.accounts.forms import LanguageForm
from portal.pagecache import cached_page


@require_safe
@cached_page
def home(request):
    return render(request, "portal/home.html", {"topics": Topic.objects.active()})


def _document(request, name: str, context: dict | None = None):
    # Legal documents are maintained whole in each language, not string by string.
    language = "en" if translation.get_language() == "en" else "it"
    return render(request, f"portal/{name}.{language}.html", context)


@require_safe
def privacy(request):
    return _document(request, "privacy", {"privacy_email": settings.CENTRE_PRIVACY_EMAIL})


@require_safe
def accessibility(request):
    return _document(request, "accessibility")


@require_POST
def switch_language(request):
    """Set the interface language (a cookie; the profile too when signed in)."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    language = form.cleaned_data["language"]
    next_url = form.cleaned_data["next"]
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    if request.user.is_authenticated:
        account_services.set_preferred_language(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_safe
@never_cache
def healthz(request):
    """Liveness and database reachability for the container health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
