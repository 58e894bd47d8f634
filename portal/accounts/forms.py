from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Organisation, User


def collapse_spaces(value: str, *, empty_message: str) -> str:
    """Trim and collapse white space in a name; refuse one made only of spaces."""
    text = " ".join(value.split())
    if not text:
        raise forms.ValidationError(empty_message)
    return text


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("The company, university or institute you work for."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_kind = forms.ChoiceField(label=_("Kind of organisation"), choices=Organisation.Kind.choices)
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice"),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )

    field_order = [
        "full_name",
        "email",
        "organisation_name",
        "organisation_kind",
        "password1",
        "password2",
        "accept_privacy",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_privacy"].help_text = format_html(
            '<a href="{}">{}</a>', reverse_lazy("privacy"), _("Read the privacy notice")
        )

    def clean_full_name(self) -> str:
        return collapse_spaces(self.cleaned_data["full_name"], empty_message=_("Please enter your name."))

    def clean_organisation_name(self) -> str:
        return collapse_spaces(
            self.cleaned_data["organisation_name"], empty_message=_("Please enter the name of your organisation.")
        )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language", "notification_emails"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}
        help_texts = {
            "preferred_language": _("The portal and its emails use this language."),
            "notification_emails": _("When we email you about questions you follow and answers you wrote."),
        }

    def clean_full_name(self) -> str:
        return collapse_spaces(self.cleaned_data["full_name"], empty_message=_("Please enter your name."))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class AccountErasureForm(forms.Form):
    """The confirmation of an account's erasure: the user's current password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you who deletes the account."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
