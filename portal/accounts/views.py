import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.accounts import gdpr, services
from portal.accounts.forms import AccountErasureForm, ProfileForm
from portal.accounts.permissions import has_mfa, signed_in_area
from portal.accounts.roles import Capability, user_can
from portal.shortcuts import id_or_none, run_service, throttled


@require_safe
@signed_in_area
def dashboard(request):
    return render(
        request,
        "accounts/dashboard.html",
        {
            "mfa_enabled": has_mfa(request.user),
            "can_use_admin": user_can(request.user, Capability.USE_ADMIN_SITE),
            "can_view_metrics": user_can(request.user, Capability.VIEW_METRICS),
            "can_ask": user_can(request.user, Capability.ASK_QUESTIONS),
            "can_moderate": user_can(request.user, Capability.MODERATE),
            "can_answer": user_can(request.user, Capability.ANSWER_QUESTIONS),
            "can_invite": user_can(request.user, Capability.MANAGE_DIRECTORY),
            "can_triage": user_can(request.user, Capability.TRIAGE_QUESTIONS),
            "can_see_counselling": any(
                user_can(request.user, capability)
                for capability in (
                    Capability.REQUEST_COUNSELLING,
                    Capability.ANSWER_QUESTIONS,
                    Capability.MANAGE_COUNSELLING,
                )
            ),
        },
    )


@signed_in_area
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if response := ratelimit.consume_or_429(request, action="change_profile", user=request.user):
            return response
        if form.is_valid():
            user = services.update_profile(user=request.user, **form.cleaned_data)
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "mfa_enabled": has_mfa(request.user),
            # Administrators pull the figures with personal API tokens.
            "can_hold_api_tokens": user_can(request.user, Capability.USE_ADMIN_SITE),
        },
    )


@require_safe
@signed_in_area
def notifications(request):
    items = request.user.notifications.all()
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@require_POST
@signed_in_area
def mark_notifications_read(request):
    ids = [pk for value in request.POST.getlist("id") if (pk := id_or_none(value)) is not None] or None
    services.mark_notifications_read(user=request.user, ids=ids)
    return redirect(
        request.POST.get("next") if request.POST.get("next", "").startswith("/") else "accounts:notifications"
    )


@require_safe
@signed_in_area
def personal_data_export(request):
    """All the signed-in user's personal data, as a JSON download."""
    # A GET, which the shortcut ``throttled`` leaves alone: limited explicitly.
    if response := ratelimit.consume_or_429(request, action="personal_data_export", user=request.user, limit_get=True):
        return response
    data = gdpr.personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"ctcc-personal-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@signed_in_area
def delete_account(request):
    """Say what erasing the account does, then do it once the password is given."""
    refusal = gdpr.erasure_refusal(request.user)
    form = AccountErasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and refusal is None:
        if response := throttled(request, "delete_account"):
            return response
        if form.is_valid() and run_service(request, lambda: gdpr.erase_account(user=request.user), form=form):
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form, "refusal": refusal})
