"""Writes of the expert board."""

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from experts.models import ExpertProfile
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Capability, Role, user_can


class BoardError(Exception):
    """An expert-board action that is not allowed; its message is for the user."""


def password_setting_url(user: User) -> str:
    """The one-time link (allauth's password reset key) where an invitee chooses a password."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


@transaction.atomic
def invite_expert(
    *,
    staff: User,
    email: str,
    full_name: str,
    language: str,
    organisation: Organisation | None,
    sector: str,
    affiliation: str,
    topics,
) -> ExpertProfile:
    """Create an expert's account and profile and email them the link to set a
    password; at first sign-in they must enable two-factor authentication."""
    if not user_can(staff, Capability.MANAGE_DIRECTORY):
        raise BoardError(translation.gettext("Your role does not allow this."))
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise BoardError(translation.gettext("An account with this email address exists already."))
    user = User.objects.create_user(
        email, None, full_name=full_name, role=Role.EXPERT, organisation=organisation, preferred_language=language
    )
    # The link in the invitation proves the address, as a verification would.
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    profile = ExpertProfile.objects.create(user=user, sector=sector, affiliation=affiliation)
    profile.topics.set(topics)
    with translation.override(language):
        context = {"user": user, "staff": staff, "link": password_setting_url(user), "site_url": settings.SITE_URL}
        send_mail(
            translation.gettext("[CTCC] You are invited to the board of experts"),
            render_to_string("experts/email/invitation.txt", context),
            None,
            [email],
        )
    return profile


def update_profile(*, profile: ExpertProfile, topics, **fields) -> ExpertProfile:
    """An expert's own changes; the date of the declaration follows its text."""
    # Compared with the stored text: a bound ModelForm has already changed the instance.
    stored = ExpertProfile.objects.filter(pk=profile.pk).values_list("declaration_of_interests", flat=True).first()
    if "declaration_of_interests" in fields and fields["declaration_of_interests"] != stored:
        profile.declaration_updated_at = timezone.localdate()
    for name, value in fields.items():
        setattr(profile, name, value)
    with transaction.atomic():
        profile.save()
        profile.topics.set(topics)
    return profile
