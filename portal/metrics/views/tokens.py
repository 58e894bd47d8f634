"""Administrators' API tokens: the list, creating one (shown once), revoking one."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal.accounts.permissions import allowed_if
from portal.metrics import tokens
from portal.metrics.models import ApiToken
from portal.shortcuts import require_form_methods, run_service, throttled


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “Regional dashboard”."),
    )


def _token_list(user):
    return ApiToken.objects.filter(user=user).only(
        "pk", "name", "prefix", "created_at", "last_used_at", "revoked_at", "user_id"
    )


@never_cache
@require_form_methods
@allowed_if(tokens.may_hold_api_tokens)
def api_tokens(request):
    """The administrator's tokens and a form for a new one. The new token is in
    this response only (never stored, never in a message), which no cache keeps."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST":
        if response := throttled(request, "api_token_create"):
            return response
        if form.is_valid():
            result = {}

            def create():
                result["token"], result["raw"] = tokens.create_token(user=request.user, name=form.cleaned_data["name"])

            if run_service(request, create, form=form):
                created = result
                form = TokenForm()
    return render(
        request, "metrics/tokens.html", {"tokens": _token_list(request.user), "form": form, "created": created}
    )


@require_form_methods
@allowed_if(tokens.may_hold_api_tokens)
def revoke_api_token(request, pk: int):
    """Confirm, then revoke one of the administrator's own tokens (404 for others')."""
    token = tokens.get_token_for_user(request.user, pk)
    if request.method == "POST":
        tokens.revoke_token(token=token, user=request.user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("metrics:tokens")
    return render(request, "metrics/tokens_revoke.html", {"token": token})
