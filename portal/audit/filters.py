import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.audit.models import Action, AuditEntry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _actors(request):
    # Only the people who appear in the log; the query runs when the form is shown.
    return get_user_model().objects.filter(pk__in=AuditEntry.objects.values("actor_id")).order_by("full_name")


class AuditEntryFilter(django_filters.FilterSet):
    """The audit log's filters: who, what, from and until which day (inclusive, local time)."""

    actor = django_filters.ModelChoiceFilter(queryset=_actors, label=_("Who"), empty_label=_("Anybody"))
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("Action"), empty_label=_("Any action"))
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("From"), widget=DateInput()
    )
    until = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        help_text=_("Both days are included."),
        widget=DateInput(),
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "since", "until"]
