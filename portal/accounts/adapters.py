from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from portal.accounts import services
from portal.accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        return services.register_member(
            user=user,
            full_name=data["full_name"],
            language=translation.get_language() or "it",
            organisation_name=data["organisation_name"],
            organisation_kind=data["organisation_kind"],
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Write to each recipient in the language of their profile, whatever
        # the language of the page that caused the email.
        recipient = User.objects.filter(email__iexact=email).only("preferred_language").first()
        language = recipient.preferred_language if recipient else translation.get_language()
        with translation.override(language):
            # allauth greets and signs with the "site": the centre, at its public address.
            site = SimpleNamespace(name=gettext("Clinical Trials Competence Centre"), domain=settings.SITE_URL)
            super().send_mail(template_prefix, email, {**context, "current_site": site})
