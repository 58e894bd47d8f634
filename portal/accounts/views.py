from allauth.core import ratelimit
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts import services
from portal.accounts.forms import ProfileForm
from portal.accounts.permissions import has_mfa, signed_in_area
from portal.accounts.roles import Capability, user_can


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


@signed_in_area
def notifications(request):
    items = request.user.notifications.all()
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@require_POST
@signed_in_area
def mark_notifications_read(request):
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()] or None
    services.mark_notifications_read(user=request.user, ids=ids)
    return redirect(
        request.POST.get("next") if request.POST.get("next", "").startswith("/") else "accounts:notifications"
    )
