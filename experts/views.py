from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from experts import services
from experts.forms import ExpertProfileForm, InviteExpertForm
from experts.models import ExpertProfile, Sector, Topic
from portal.accounts.permissions import capability_required
from portal.accounts.roles import Capability, user_can


def _listed_profiles():
    return (
        ExpertProfile.objects.listed()
        .select_related("user")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.active()))
    )


@require_GET
def board(request):
    """The public board page: experts by sector, filterable by topic."""
    topics = list(Topic.objects.active())
    chosen = next((topic for topic in topics if topic.slug == request.GET.get("topic")), None)
    profiles = _listed_profiles()
    if chosen:
        profiles = profiles.filter(topics=chosen)
    by_sector = {sector: [] for sector in Sector}
    for profile in profiles:
        by_sector[profile.sector].append(profile)
    sectors = [(Sector(sector).label, people) for sector, people in by_sector.items() if people]
    return render(
        request,
        "experts/board.html",
        {
            "sectors": sectors,
            "topics": topics,
            "chosen": chosen,
            "perms_invite": user_can(request.user, Capability.MANAGE_DIRECTORY),
        },
    )


@require_GET
def profile(request, pk: int):
    expert = _listed_profiles().filter(pk=pk).first()
    if expert is None:
        raise Http404
    return render(request, "experts/profile.html", {"profile": expert})


@capability_required(Capability.ANSWER_QUESTIONS)
def edit_own_profile(request):
    own = ExpertProfile.objects.filter(user=request.user).first()
    if own is None:
        raise Http404
    form = ExpertProfileForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "topics"}
        services.update_profile(profile=own, topics=form.cleaned_data["topics"], **data)
        messages.success(request, _("Your expert profile has been saved."))
        return redirect("experts:edit_own_profile")
    return render(request, "experts/edit_profile.html", {"form": form, "profile": own})


@capability_required(Capability.MANAGE_DIRECTORY)
def invite(request):
    form = InviteExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_expert(staff=request.user, **form.cleaned_data)
        except services.BoardError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("experts:board")
    return render(request, "experts/invite.html", {"form": form})
