"""Forms of the surveys: the builder's (survey, question) and the respondent's
form, made from the survey's questions."""

from decimal import Decimal

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from portal.surveys.models import Question, Survey
from portal.surveys.services import QuestionData

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title_it", "title_en", "intro_it", "intro_en", "opens_at", "closes_at", "anonymous", "audience"]
        widgets = {
            "opens_at": _DATETIME,
            "closes_at": _DATETIME,
            "intro_it": forms.Textarea(attrs={"rows": 4}),
            "intro_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The survey must close after it opens."))
        if bool(cleaned.get("intro_it")) != bool(cleaned.get("intro_en")):
            self.add_error(None, _("Write the introduction in both languages, or leave both empty."))
        return cleaned


class ClosingForm(forms.Form):
    """All that changes once a survey is published: when it closes."""

    closes_at = forms.DateTimeField(label=_("closes at"), widget=_DATETIME)

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey

    def clean_closes_at(self):
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= self.survey.opens_at:
            raise forms.ValidationError(_("The survey must close after it opens."))
        return closes_at


class QuestionForm(forms.ModelForm):
    options_it = forms.CharField(
        label=_("Options (Italian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice questions: one option per line."),
    )
    options_en = forms.CharField(
        label=_("Options (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The same options in the same order, one per line."),
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text_it",
            "text_en",
            "help_it",
            "help_en",
            "required",
            "low_label_it",
            "low_label_en",
            "high_label_it",
            "high_label_en",
            "min_value",
            "max_value",
        ]
        help_texts = {
            "low_label_it": _(
                "Agreement scale only; leave the four labels empty for “Strongly disagree … Strongly agree”."
            ),
            "min_value": _("Number questions only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.has_options and not self.is_bound:
            options = list(self.instance.options.all())
            self.initial["options_it"] = "\n".join(option.text_it for option in options)
            self.initial["options_en"] = "\n".join(option.text_en for option in options)

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in value.splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            italian, english = self._lines(cleaned.get("options_it", "")), self._lines(cleaned.get("options_en", ""))
            if len(italian) < 2:
                self.add_error("options_it", _("A choice question needs at least two options."))
            elif len(italian) != len(english):
                self.add_error("options_en", _("Give each option in both languages: the two lists differ in length."))
            cleaned["options"] = tuple(zip(italian, english, strict=False))
        else:
            cleaned["options"] = ()
        if kind == Question.Kind.LIKERT:
            labels = [cleaned.get(name) for name in ("low_label_it", "low_label_en", "high_label_it", "high_label_en")]
            if any(labels) and not all(labels):
                self.add_error(
                    None, _("Name both ends of the scale in both languages, or leave the four labels empty.")
                )
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if kind == Question.Kind.NUMBER and low is not None and high is not None and high < low:
            self.add_error("max_value", _("The maximum must not be less than the minimum."))
        return cleaned

    def data_for_service(self) -> QuestionData:
        cleaned = self.cleaned_data
        return QuestionData(
            kind=cleaned["kind"],
            text_it=cleaned["text_it"],
            text_en=cleaned["text_en"],
            help_it=cleaned["help_it"],
            help_en=cleaned["help_en"],
            required=cleaned["required"],
            low_label_it=cleaned["low_label_it"],
            low_label_en=cleaned["low_label_en"],
            high_label_it=cleaned["high_label_it"],
            high_label_en=cleaned["high_label_en"],
            min_value=cleaned["min_value"],
            max_value=cleaned["max_value"],
            options=cleaned["options"],
        )


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class ResponseForm(forms.Form):
    """One field per question. ``final``: the required questions must be
    answered (submitting); otherwise only what is written is checked (saving)."""

    def __init__(self, *args, questions: list[Question], final: bool = True, saved: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = field_name(question)
            self.fields[name] = _field_for(question, required=final and question.required)
            if saved and str(question.pk) in saved:
                self.initial[name] = saved[str(question.pk)]

    def answers(self) -> dict:
        """The answers, JSON-ready, keyed by question id; unanswered ones left out."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if value in (None, "", []):
                continue
            if isinstance(value, Decimal):
                value = str(value)
            answers[str(question.pk)] = value
        return answers


def _field_for(question: Question, *, required: bool) -> forms.Field:
    # The form renderer shows help texts as HTML (ours may hold links): staff write these, escape them.
    common = {"label": question.text, "help_text": escape(question.help_text), "required": required}
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        choices = list(question.likert_labels().items())
        return forms.TypedChoiceField(choices=choices, coerce=int, widget=forms.RadioSelect, **common)
    if kind == Question.Kind.NPS:
        choices = [(score, str(score)) for score in range(11)]
        common["help_text"] = common["help_text"] or _("0: not at all likely; 10: extremely likely.")
        return forms.TypedChoiceField(
            choices=choices, coerce=int, widget=forms.RadioSelect(attrs={"class": "survey-nps"}), **common
        )
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        choices = [(option.pk, option.text) for option in question.options.all()]
        if kind == Question.Kind.SINGLE:
            return forms.TypedChoiceField(choices=choices, coerce=int, widget=forms.RadioSelect, **common)
        return forms.TypedMultipleChoiceField(
            choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(
            max_digits=14,
            decimal_places=2,
            min_value=_plain(question.min_value),
            max_value=_plain(question.max_value),
            **common,
        )
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5_000, **common)


def _plain(value: Decimal | None) -> Decimal | None:
    """A bound as people write it: 0, not 0.00."""
    if value is not None and value == value.to_integral_value():
        return value.to_integral_value()
    return value
