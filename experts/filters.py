import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from experts.models import CounsellingCase, FundedProject
from experts.permissions import is_on_board, manages_counselling
from experts.selectors import project_calls


class FundedProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search by title"), method="search", max_length=200)
    status = django_filters.ChoiceFilter(
        choices=FundedProject.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    call = django_filters.ChoiceFilter(label=_("Call"), empty_label=_("Any call"))

    class Meta:
        model = FundedProject
        fields = ["q", "status", "call"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["call"].extra["choices"] = [(call, call) for call in project_calls()]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(acronym__icontains=value))


class CounsellingCaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=CounsellingCase.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    mine = django_filters.BooleanFilter(
        label=_("Only the cases assigned to me"), method="assigned_to_me", widget=forms.CheckboxInput
    )

    class Meta:
        model = CounsellingCase
        fields = ["status", "mine"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Members see their organisation's cases only: none is assigned to them.
        if not (is_on_board(user) or manages_counselling(user)):
            del self.filters["mine"]

    def assigned_to_me(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery, so that the join does not multiply the rows the list counts.
        return queryset.filter(pk__in=CounsellingCase.objects.assigned_to(self.user).values("pk"))
