from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.forms import DateInput
from experts.introductions import services
from experts.introductions.selectors import next_stages
from experts.models import (
    Clinic,
    ClinicalPopulation,
    ClinicContact,
    CounsellingCase,
    FacilitatedInvestigation,
    FeasibilityRequest,
)

# The one place the experts app imports the forum: a member may link their
# request to one of their organisation's questions (Introduction.question is a
# plain reference). Everywhere else experts never reads questions
# (docs/architecture.md: the forum depends on experts, not the other way).
from forum.models import Question

Answer = FeasibilityRequest.Answer


class ClinicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})"


class PopulationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.condition} ({obj.icd10_code}), {obj.get_age_group_display()} – {obj.clinic.name}"


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.project.display_name


class IntroductionRequestForm(forms.Form):
    device = forms.CharField(
        label=_("The device"),
        min_length=20,
        max_length=3_000,
        help_text=_(
            "What it is and its intended purpose, its class under the MDR if known, and whether it is CE-marked."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    investigation = forms.CharField(
        label=_("The planned investigation"),
        min_length=20,
        max_length=5_000,
        help_text=_(
            "Aim and design, number of subjects, duration, and the pathway (MDR Art. 62, 74 or 82) if known. "
            "Do not include patients' personal data."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    clinics = ClinicChoiceField(
        label=_("Clinics"),
        queryset=Clinic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Clinics of the directory you would like to work with."),
    )
    populations = PopulationChoiceField(
        label=_("Clinical populations"),
        queryset=ClinicalPopulation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The patients the investigation needs: the board writes to the clinics that treat them."),
    )
    board_proposes = forms.BooleanField(
        label=_("Ask the board to propose clinics"),
        required=False,
        help_text=_("The board chooses clinics suited to the investigation and writes to them."),
    )
    question = QuestionChoiceField(
        label=_("Forum question"),
        queryset=Question.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("If the request follows a question your organisation asked the board, link it."),
    )
    counselling_case = CaseChoiceField(
        label=_("Funded project"),
        queryset=CounsellingCase.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("If the request comes from the board's counselling of your funded project, link it there."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinics"].queryset = Clinic.objects.listed()
        self.fields["populations"].queryset = ClinicalPopulation.objects.filter(
            clinic__in=Clinic.objects.listed()
        ).select_related("clinic")
        # Only the member's own organisation's questions and open cases; no field when there are none.
        questions = Question.objects.filter(organisation_id=user.organisation_id, is_hidden=False).order_by(
            "-created_at"
        )
        if user.organisation_id and questions.exists():
            self.fields["question"].queryset = questions
        else:
            del self.fields["question"]
        cases = CounsellingCase.objects.open().filter(organisation_id=user.organisation_id).select_related("project")
        if user.organisation_id and cases.exists():
            self.fields["counselling_case"].queryset = cases
        else:
            del self.fields["counselling_case"]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("clinics") or cleaned.get("populations") or cleaned.get("board_proposes")):
            raise forms.ValidationError(
                _("Choose at least one clinic or clinical population, or ask the board to propose clinics.")
            )
        return cleaned


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} – {obj.role}, {obj.clinic.name} ({obj.get_language_display()})"


class SendFeasibilityForm(forms.Form):
    contacts = ContactChoiceField(
        label=_("Contacts to write to"),
        queryset=ClinicContact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Contacts of the request's clinics who agreed to be contacted, in the language they chose."),
        error_messages={"required": _("Choose at least one contact.")},
    )
    message = forms.CharField(
        label=_("Message to the clinics"),
        max_length=5_000,
        help_text=_(
            "What the board asks of the clinics. With their personal link the contacts also read the device, "
            "the planned investigation, the clinical populations and the requesting organisation's name."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reply_by = forms.DateField(
        label=_("Reply by"),
        widget=DateInput(),
        help_text=_("The personal links expire at the end of this day."),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts

    def clean_reply_by(self):
        reply_by = self.cleaned_data["reply_by"]
        today = timezone.localdate()
        if reply_by < today:
            raise forms.ValidationError(_("The reply date cannot be in the past."))
        if (reply_by - today).days > services.MAX_REPLY_DAYS:
            raise forms.ValidationError(_("Give the clinics at most 60 days to reply."))
        return reply_by


class ProposeClinicsForm(forms.Form):
    clinics = ClinicChoiceField(
        label=_("Clinics to add"),
        queryset=Clinic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one clinic.")},
    )

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinics"].queryset = clinics


class CloseIntroductionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("closed", _("Closed: the introduction has done its work")),
            ("declined", _("Not taken forward")),
        ],
        widget=forms.RadioSelect,
    )


class FeasibilityAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Is your clinic interested?"),
        choices=[
            (Answer.INTERESTED, _("Interested")),
            (Answer.NOT_INTERESTED, _("Not interested")),
            (Answer.NEED_INFORMATION, _("I need more information")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=3_000,
        required=False,
        help_text=_(
            "The requesting organisation and the board read it. Your name, role, email and phone are shared "
            "with the organisation only if you answer that you are interested."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == Answer.NEED_INFORMATION and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what information you need."))
        return cleaned


class StartInvestigationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    clinics = ClinicChoiceField(
        label=_("Clinics"),
        queryset=Clinic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Among the clinics the board asked; those that answered “interested” are preselected."),
        error_messages={"required": _("Choose at least one clinic.")},
    )
    started_on = forms.DateField(label=_("Feasibility stage since"), widget=DateInput())

    def __init__(self, *args, clinics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinics"].queryset = clinics

    def clean_started_on(self):
        started_on = self.cleaned_data["started_on"]
        if started_on > timezone.localdate():
            raise forms.ValidationError(_("Record a stage once it is reached: the date cannot be in the future."))
        return started_on


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage reached"), choices=[])
    on = forms.DateField(label=_("Reached on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("For example the ethics committee, or why the investigation stopped."),
    )

    def __init__(self, *args, investigation: FacilitatedInvestigation, last_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_on = last_on
        labels = dict(FacilitatedInvestigation._meta.get_field("stage").choices)
        self.fields["stage"].choices = [(stage, labels[stage]) for stage in next_stages(investigation.stage)]

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("Record a stage once it is reached: the date cannot be in the future."))
        if self.last_on is not None and on < self.last_on:
            raise forms.ValidationError(_("The date cannot precede the previous stage."))
        return on


class InvestigationDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    civ_id = forms.CharField(
        label=_("CIV-ID"),
        max_length=32,
        required=False,
        help_text=_(
            "The EU single identification number of the clinical investigation (MDCG 2021-20), once assigned: "
            "e.g. CIV-24-03-012345."
        ),
    )

    def __init__(self, *args, investigation: FacilitatedInvestigation, **kwargs):
        super().__init__(*args, **kwargs)
        self.investigation = investigation

    def clean_civ_id(self) -> str:
        civ_id = services.normalise_civ_id(self.cleaned_data["civ_id"])
        if civ_id and not services.is_valid_civ_id(civ_id):
            raise forms.ValidationError(services.civ_id_error())
        if civ_id and FacilitatedInvestigation.objects.filter(civ_id=civ_id).exclude(pk=self.investigation.pk).exists():
            raise forms.ValidationError(_("Another investigation has this CIV-ID."))
        return civ_id
