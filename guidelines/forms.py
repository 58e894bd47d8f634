from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guidelines.models import Comment, Reference, ReviewRound, Section, Version
from guidelines.services import ReferenceData, Step, next_number
from portal.accounts.models import Role, User

MAX_BODY = 60_000


class SectionForm(forms.Form):
    title_it = forms.CharField(label=_("Title in Italian"), max_length=200, required=False)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    body_it = forms.CharField(
        label=_("Text in Italian"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: paragraphs, lists, **bold**, *italic*, tables and links."),
    )
    body_en = forms.CharField(
        label=_("Text in English"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Leave empty until translated: readers then see the Italian text with a notice."),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("title_it") or data.get("title_en")):
            raise ValidationError(_("Give the section a title in at least one language."))
        return data


class NewSectionForm(SectionForm):
    level = forms.TypedChoiceField(
        label=_("Kind"), choices=Section.Level.choices, coerce=int, widget=forms.RadioSelect, initial=2
    )
    field_order = ["level"]


class ReferenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Source"), choices=[("", "—"), *Reference.Kind.choices], required=False)
    document = forms.CharField(
        label=_("Document"),
        max_length=120,
        required=False,
        help_text=_("Its public name, such as “MDCG 2021-6”. Filled in for the MDR and ISO 14155."),
    )
    revision = forms.CharField(label=_("Revision"), max_length=40, required=False)
    locator = forms.CharField(label=_("Article, annex or clause"), max_length=120, required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    url = forms.URLField(label=_("Address"), required=False, assume_scheme="https")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        details = any(data.get(name) for name in ("document", "revision", "locator", "title", "url"))
        if not kind:
            if details:
                self.add_error("kind", _("Choose the source."))
            return data
        if not data.get("document"):
            default = Reference.DEFAULT_DOCUMENTS.get(kind)
            if default is None:
                self.add_error("document", _("Name the document."))
            else:
                data["document"] = default
        return data


class BaseReferenceFormSet(forms.BaseFormSet):
    def references(self) -> list[ReferenceData]:
        return [
            ReferenceData(**{name: form.cleaned_data.get(name, "") for name in ReferenceForm.base_fields})
            for form in self.forms
            if form.cleaned_data.get("kind") and not self._should_delete_form(form)
        ]


ReferenceFormSet = forms.formset_factory(
    ReferenceForm, formset=BaseReferenceFormSet, extra=2, can_delete=True, max_num=40, validate_max=True
)


def reference_initial(section: Section) -> list[dict]:
    return [
        {name: getattr(reference, name) for name in ReferenceForm.base_fields} for reference in section.references.all()
    ]


class TitleForm(forms.ModelForm):
    class Meta:
        model = Version
        fields = ["title_it", "title_en"]


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class ReviewRequestForm(forms.ModelForm):
    class Meta:
        model = ReviewRound
        fields = ["message", "due_on"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3}), "due_on": forms.DateInput(attrs={"type": "date"})}


class PublishForm(forms.Form):
    step = forms.ChoiceField(label=_("Version number"), widget=forms.RadioSelect)
    changelog_it = forms.CharField(
        label=_("What changed, in Italian"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    changelog_en = forms.CharField(
        label=_("What changed, in English"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        minor, major = next_number(Step.MINOR), next_number(Step.MAJOR)
        if first:
            self.fields["step"].choices = [(Step.MAJOR, _("%(number)s, the first version") % {"number": "1.0"})]
            self.fields["step"].initial = Step.MAJOR
        else:
            self.fields["step"].choices = [
                (Step.MINOR, _("%(number)s: a minor revision") % {"number": "{}.{}".format(*minor)}),
                (Step.MAJOR, _("%(number)s: a major revision") % {"number": "{}.{}".format(*major)}),
            ]
            self.fields["step"].initial = Step.MINOR

    def clean(self):
        data = super().clean()
        if not (data.get("changelog_it") or data.get("changelog_en")):
            raise ValidationError(_("Say what changed in this version, in at least one language."))
        return data


class EditorForm(forms.Form):
    expert = forms.ModelChoiceField(
        label=_("Expert"), queryset=User.objects.filter(role=Role.EXPERT, is_active=True, guidelines_editor=None)
    )
