from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models import CounsellingCase, Topic
from forum.models import DeviceClass, FAQEntry, Question
from portal import uploads
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.uploads import UploadValidator

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
# PDF, PNG and JPEG up to 10 MB, judged by content, not by name (portal/uploads.py).
ATTACHMENT_CHECK = UploadValidator(uploads.PDF, uploads.PNG, uploads.JPEG, max_bytes=MAX_ATTACHMENT_BYTES)

YES_NO_UNKNOWN = [("", _("Not stated")), ("true", _("Yes")), ("false", _("No"))]


def validate_attachment(upload) -> None:
    """Accept PDF, PNG and JPEG up to 10 MB, judged by content, not by name;
    sets ``upload.content_type`` to the kind found."""
    ATTACHMENT_CHECK(upload)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("Attach at most %(count)d files."), params={"count": MAX_ATTACHMENTS})
        for upload in files:
            super().clean(upload, initial)  # runs the field's validators on each file
        return files


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        required=False,
        coerce=lambda value: value == "true",
        empty_value=None,
    )


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class QuestionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("One sentence that says what you need to know."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-similar-url": ""}),
    )
    body = forms.CharField(
        label=_("Your question"),
        max_length=20_000,
        help_text=_("Markdown: **bold**, *italic*, lists, links. Do not include patients' personal data."),
        widget=forms.Textarea(attrs={"rows": 10, "data-preview": ""}),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic.")},
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it"),
        choices=[
            (Question.Visibility.PUBLIC, _("Public: everyone can read the question and its answers")),
            (
                Question.Visibility.CONFIDENTIAL,
                _("Confidential: only your organisation, the experts and the centre's staff"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=Question.Visibility.PUBLIC,
    )
    device_class = forms.ChoiceField(
        label=_("Device class"), choices=[("", _("Not stated")), *DeviceClass.choices], required=False
    )
    implantable = _yes_no(_("Implantable device"))
    ce_marked = _yes_no(_("Does the device already have CE marking?"))
    within_intended_purpose = _yes_no(_("Will the investigation stay within the CE-marked intended purpose?"))
    software_ai = _yes_no(_("Does the device include software or artificial intelligence?"))

    DEVICE_FIELDS = ("device_class", "implantable", "ce_marked", "within_intended_purpose", "software_ai")

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 10:
            raise ValidationError(_("Write a title of at least 10 characters."))
        return title

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if len(body) < 20:
            raise ValidationError(_("Describe your question in at least 20 characters."))
        return body

    def device(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.DEVICE_FIELDS}


class CounsellingCaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj.project)


class AskForm(QuestionForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 files: PDF, PNG or JPEG, 10 MB each."),
        validators=[ATTACHMENT_CHECK],
        widget=MultipleFileInput(attrs={"accept": ATTACHMENT_CHECK.accept_attribute()}),
    )
    counselling_case = CounsellingCaseChoiceField(
        label=_("Funded project"),
        queryset=CounsellingCase.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("If the question comes from the board's counselling of your funded project, link it there."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the asker's own organisation's open counselling cases; no field when there are none.
        cases = CounsellingCase.objects.open().filter(organisation_id=user.organisation_id).select_related("project")
        if user.organisation_id and cases.exists():
            self.fields["counselling_case"].queryset = cases
        else:
            del self.fields["counselling_case"]


class EditQuestionForm(forms.Form):
    title = QuestionForm.base_fields["title"]
    body = QuestionForm.base_fields["body"]
    topics = QuestionForm.base_fields["topics"]
    clean_title = QuestionForm.clean_title
    clean_body = QuestionForm.clean_body


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=30_000,
        widget=forms.Textarea(attrs={"rows": 8, "data-preview": ""}),
        help_text=_("Markdown. Cite the rule you rely on (MDR article, MDCG document, ISO 14155 clause)."),
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if len(body) < 20:
            raise ValidationError(_("Write an answer of at least 20 characters."))
        return body


class ExpertChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.organisation})" if obj.organisation_id else obj.full_name


class BoardAnswerForm(AnswerForm):
    cosigners = ExpertChoiceField(
        label=_("Experts invited to co-sign"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, author: User, question: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cosigners"].queryset = (
            User.objects.filter(role=Role.EXPERT, is_active=True)
            .exclude(pk=author.pk)
            .exclude(conflicts__question=question)
            .select_related("organisation")
        )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Clarification"), max_length=1_000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write your clarification."))
        return body


class FlagForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Question.CloseReason.choices, widget=forms.RadioSelect)
    duplicate_of = forms.IntegerField(
        label=_("Number of the original question"),
        required=False,
        min_value=1,
        help_text=_("For a duplicate: the number in the original question's address."),
    )


class PublicCopyForm(forms.Form):
    title = QuestionForm.base_fields["title"]
    body = forms.CharField(
        label=_("Question, without confidential details"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Remove the device's name and anything that identifies your organisation."),
    )
    clean_title = QuestionForm.clean_title


class FAQEntryForm(forms.ModelForm):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.active())

    class Meta:
        model = FAQEntry
        fields = ["topic", "title_it", "body_it", "title_en", "body_en", "position", "is_published"]
        widgets = {"body_it": forms.Textarea(attrs={"rows": 8}), "body_en": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].label_from_instance = lambda topic: topic.name

    def clean(self):
        data = super().clean()
        if bool(data.get("title_en")) != bool(data.get("body_en")):
            raise ValidationError(_("Give both the English question and its answer, or neither."))
        return data


# The board's work on questions


class AssignForm(forms.Form):
    experts = forms.TypedMultipleChoiceField(
        label=_("Experts"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=()
    )
    due_on = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Proposed: %(days)d working days from today (weekends and public holidays do not count)."),
    )

    def __init__(self, *args, candidates: list[User], default_due_on: date, working_days: int, **kwargs):
        super().__init__(*args, initial={"due_on": default_due_on}, **kwargs)
        self.candidates = {expert.pk: expert for expert in candidates}
        self.fields["experts"].choices = [(expert.pk, expert.full_name) for expert in candidates]
        self.fields["due_on"].help_text = self.fields["due_on"].help_text % {"days": working_days}

    def clean_experts(self) -> list[User]:
        return [self.candidates[pk] for pk in self.cleaned_data["experts"]]

    def clean_due_on(self) -> date:
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise ValidationError(_("The due date cannot be in the past."))
        return due_on


class ReasonForm(forms.Form):
    """Why an expert declines an assignment or steps aside from a question."""

    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say briefly why."))
        return reason
