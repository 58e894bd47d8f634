import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from experts.directory.permissions import manages_directory
from experts.directory.selectors import fuzzy_search_available, matching_clinics
from experts.models import AgeGroup, CareSetting, Clinic, ClinicType, Province


def _experience_label(kind: str):
    return capfirst(Clinic._meta.get_field(f"experience_{kind}").verbose_name)


EXPERIENCE = [(kind, _experience_label(kind)) for kind in ("first_in_human", "pilot", "pivotal", "post_market")]

icd10_prefix = RegexValidator(
    r"^[A-Za-z]([0-9]{1,2}(\.[0-9A-Za-z]{0,4})?)?$",
    _("Type an ICD-10 code or its beginning: E11, E11.9."),
)


class ClinicFilter(django_filters.FilterSet):
    """The directory's search and filters. The criteria on populations
    (condition, ICD-10 code, age group, care setting) must all hold for one
    and the same population of the clinic."""

    q = django_filters.CharFilter(
        label=_("Search clinics and conditions"),
        method="_later",
        max_length=100,
        help_text=_("Tolerates typing errors: “cardiolgia” finds cardiology."),
    )
    condition = django_filters.CharFilter(label=_("Condition"), method="_later", max_length=200)
    icd10 = django_filters.CharFilter(
        label=_("ICD-10 code"),
        method="_later",
        max_length=8,
        validators=[icd10_prefix],
        help_text=_("A code or its beginning: E11 also finds E11.9."),
    )
    age_group = django_filters.ChoiceFilter(
        choices=AgeGroup.choices, label=_("Age group"), method="_later", empty_label=_("Any age group")
    )
    care_setting = django_filters.ChoiceFilter(
        choices=CareSetting.choices, label=_("Care setting"), method="_later", empty_label=_("Any care setting")
    )
    province = django_filters.ChoiceFilter(choices=Province.choices, label=_("Province"), empty_label=_("Any province"))
    clinic_type = django_filters.ChoiceFilter(
        choices=ClinicType.choices, label=_("Type of clinic"), empty_label=_("Any type")
    )
    experience = django_filters.MultipleChoiceFilter(
        choices=EXPERIENCE,
        label=_("Experience with device investigations"),
        method="with_experience",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Clinics with every kind ticked."),
    )
    listing = django_filters.ChoiceFilter(
        choices=[("listed", _("Listed")), ("unlisted", _("Listing consent expired or missing"))],
        label=_("Listing"),
        method="by_listing",
        empty_label=_("Listed or not"),
    )

    class Meta:
        model = Clinic
        fields = ["q", "condition", "icd10", "age_group", "care_setting", "province", "clinic_type", "experience"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only staff see unlisted clinics, so only they filter by listing.
        if not manages_directory(user):
            del self.filters["listing"]
        if not fuzzy_search_available():
            # Without pg_trgm (SQLite, a first run) the search matches words exactly.
            self.filters["q"].extra["help_text"] = _("Words of a clinic's name or of a condition.")

    def _later(self, queryset, name, value):
        return queryset  # the search and the population criteria are applied together, below

    def with_experience(self, queryset, name, value):
        return queryset.filter(**{f"experience_{kind}": True for kind in value})

    def by_listing(self, queryset, name, value):
        listed = Clinic.objects.listed(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=listed) if value == "listed" else queryset.exclude(pk__in=listed)

    def population_criteria(self) -> Q:
        data = self.form.cleaned_data
        criteria = Q()
        if condition := (data.get("condition") or "").strip():
            criteria &= Q(condition__icontains=condition)
        if code := (data.get("icd10") or "").strip().upper():
            criteria &= Q(icd10_code__startswith=code)
        if data.get("age_group"):
            criteria &= Q(age_group=data["age_group"])
        if data.get("care_setting"):
            criteria &= Q(care_setting=data["care_setting"])
        return criteria

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return matching_clinics(
            queryset, term=self.form.cleaned_data.get("q") or "", populations=self.population_criteria()
        )
