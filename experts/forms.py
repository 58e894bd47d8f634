from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from experts.models import ExpertProfile, Sector, Topic
from portal.accounts.models import Organisation


class InviteExpertForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all(), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200)
    topics = forms.ModelMultipleChoiceField(
        label=_("Expertise"), queryset=Topic.objects.active(), widget=forms.CheckboxSelectMultiple, required=False
    )


class ExpertProfileForm(forms.ModelForm):
    topics = forms.ModelMultipleChoiceField(
        label=_("Expertise"), queryset=Topic.objects.active(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ExpertProfile
        fields = [
            "sector",
            "affiliation",
            "topics",
            "speaks_italian",
            "speaks_english",
            "bio",
            "accepts_questions",
            "declaration_of_interests",
            "is_listed",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "declaration_of_interests": forms.Textarea(attrs={"rows": 4}),
        }
