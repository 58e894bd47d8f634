from allauth.core import ratelimit
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

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
        },
    )


@signed_in_area
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if response := ratelimit.consume_or_429(request, action="change_profile", user=request.user):
            return response
        if form.is_valid():
            user = services.update_profile(
                user=request.user,
                full_name=form.cleaned_data["full_name"],
                preferred_language=form.cleaned_data["preferred_language"],
            )
            translation.activate(user.preferred_language)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "mfa_enabled": has_mfa(request.user)})
