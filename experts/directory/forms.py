from django import forms
from django.utils.translation import gettext_lazy as _

from experts.directory.services import CLINIC_FIELDS, CONTACT_FIELDS, POPULATION_FIELDS
from experts.forms import DateInput
from experts.models import Clinic, ClinicalPopulation, ClinicContact, Department


class ClinicForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = list(CLINIC_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "listing_consent_on": DateInput(),
            "listing_consent_expires_on": DateInput(),
        }
        help_texts = {
            "listing_consent_on": _("The day the clinic agreed to be listed. Without it only staff see the clinic."),
            "listing_consent_expires_on": _("Past this day the clinic is hidden from everyone but staff."),
        }

    def clean(self):
        cleaned = super().clean()
        given, expires = cleaned.get("listing_consent_on"), cleaned.get("listing_consent_expires_on")
        if given and not expires and "listing_consent_expires_on" not in self.errors:
            self.add_error("listing_consent_expires_on", _("Give the date the listing consent expires."))
        if expires and not given and "listing_consent_on" not in self.errors:
            self.add_error("listing_consent_on", _("Give the date the listing consent was given."))
        if given and expires and expires < given:
            self.add_error("listing_consent_expires_on", _("The listing consent cannot expire before it was given."))
        return cleaned


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name"]

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        # Said on the field; the database constraint stays the guarantee.
        if self.clinic.departments.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This clinic has a department with this name already."))
        return name


class _ClinicPartForm(forms.ModelForm):
    """A population or a contact: its department is one of its clinic's."""

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        department = self.fields["department"]
        department.queryset = Department.objects.filter(clinic=clinic)
        department.empty_label = _("The whole clinic")


class PopulationForm(_ClinicPartForm):
    class Meta:
        model = ClinicalPopulation
        fields = list(POPULATION_FIELDS)
        help_texts = {
            "icd10_code": _("The ICD-10 code of the condition: a letter, two digits and an optional part, as E11.9."),
            "patients_per_year": _("An order of magnitude is enough."),
        }

    def clean_icd10_code(self) -> str:
        return self.cleaned_data["icd10_code"].strip().upper().replace(",", ".")


class ContactForm(_ClinicPartForm):
    class Meta:
        model = ClinicContact
        fields = list(CONTACT_FIELDS)
        widgets = {"consent_given_on": DateInput()}
        help_texts = {
            "consent_given_on": _(
                "When the person agreed to be contacted by the board. Without it experts do not see the contact."
            ),
        }
