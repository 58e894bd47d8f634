from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models import ExpertProfile, FundedProject, Sector, Topic
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Capability


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


# Counselling of funded projects


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FundedProjectForm(forms.ModelForm):
    beneficiaries = OrganisationChoiceField(
        label=_("Beneficiaries"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The partners funded by the call. Their members can request counselling for the project."),
        error_messages={"required": _("Choose at least one beneficiary.")},
    )

    class Meta:
        model = FundedProject
        fields = [
            "title",
            "acronym",
            "call",
            "cup",
            "status",
            "beneficiaries",
            "start_date",
            "end_date",
            "clinical_aims",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "clinical_aims": forms.Textarea(attrs={"rows": 8}),
        }

    def clean_cup(self) -> str:
        cup = self.cleaned_data["cup"].strip().upper()
        # Said on the field; the database constraint stays the guarantee.
        if cup and FundedProject.objects.filter(cup=cup).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A project with this CUP is registered already."))
        return cup

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The project cannot end before it starts."))
        return cleaned


class CounsellingRequestForm(forms.Form):
    needs = forms.CharField(
        label=_("What do you need help with?"),
        min_length=30,
        max_length=5_000,
        help_text=_(
            "The device, the stage of the project and your questions: regulatory pathway, investigation plan, "
            "sites, sample size… Do not include patients' personal data."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        profile = getattr(obj, "expert_profile", None)
        return f"{obj.full_name} ({profile.affiliation})" if profile else obj.full_name


class AssignCounsellorsForm(forms.Form):
    experts = ExpertChoiceField(
        label=_("Experts who counsel the project"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one expert.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = User.objects.with_capability(Capability.ANSWER_QUESTIONS).select_related(
            "expert_profile"
        )


class CounsellingMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    attendees = forms.CharField(
        label=_("Attendees"), max_length=300, help_text=_("Names and organisations of those present.")
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=20_000,
        help_text=_("Markdown. Seen by the board, the centre's staff and the project's organisation only."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    outcomes = forms.CharField(
        label=_("Outcomes and next steps"),
        max_length=10_000,
        required=False,
        help_text=_("Markdown: what was decided, who does what, by when."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Record a meeting once it has been held."))
        if held_on < timezone.localdate(self.case.created_at):
            raise forms.ValidationError(_("The meeting cannot precede the request for counselling."))
        return held_on


class CloseCaseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome of the counselling"),
        max_length=5_000,
        help_text=_("What the counselling achieved and what the project will do next."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
