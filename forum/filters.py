import django_filters
from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from experts.models import Topic
from forum.models import Answer, Question
from portal.accounts.roles import Capability, user_can

# Markers ts_headline puts around matches; the template escapes the snippet
# and only then turns them into <mark>, so the body's text can never inject HTML.
MARK_START, MARK_STOP = "\x02", "\x03"


def full_text_search_available() -> bool:
    return connection.vendor == "postgresql"


class QuestionFilter(django_filters.FilterSet):
    SORTS = {
        "newest": _("Newest"),
        "helpful": _("Most helpful"),
        "unanswered": _("Longest unanswered"),
        "relevance": _("Best match"),
    }

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        to_field_name="slug",
        queryset=Topic.objects.active(),
        label=_("Topic"),
        empty_label=_("Any topic"),
    )
    status = django_filters.ChoiceFilter(
        choices=Question.Status.choices, label=_("Status"), empty_label=_("Any status")
    )
    visibility = django_filters.ChoiceFilter(
        choices=Question.Visibility.choices, label=_("Visibility"), empty_label=_("Public and confidential")
    )
    created_after = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Asked from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_before = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Asked until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    expert = django_filters.NumberFilter(method="answered_by", label=_("Answered by expert"), widget=forms.HiddenInput)
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="sort_by", label=_("Sort by"), empty_label=None
    )

    class Meta:
        model = Question
        fields = ["q", "topic", "status", "visibility", "created_after", "created_before", "expert", "sort"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only those who may see some confidential question filter by visibility.
        if not (user_can(user, Capability.SEE_CONFIDENTIAL_QUESTIONS) or getattr(user, "organisation_id", None)):
            del self.filters["visibility"]
        self._search_query = None

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if full_text_search_available():
            query = SearchQuery(value, config="italian", search_type="websearch") | SearchQuery(
                value, config="english", search_type="websearch"
            )
            self._search_query = query
            return queryset.filter(search_vector=query)
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))

    def answered_by(self, queryset, name, value):
        """Questions with a published answer of this expert (for their profile page)."""
        published = Answer.objects.published().filter(author_id=value)
        return queryset.filter(pk__in=published.values("question_id"))

    def sort_by(self, queryset, name, value):
        return queryset  # applied in ``qs``, after the search has set its query

    @property
    def qs(self):
        queryset = super().qs
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        if self._search_query is not None:
            queryset = queryset.annotate(
                snippet=SearchHeadline(
                    "body",
                    self._search_query,
                    config="italian",
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=1,
                )
            )
            if sort in (None, "", "relevance"):
                return queryset.annotate(rank=SearchRank(F("search_vector"), self._search_query)).order_by(
                    "-rank", "-created_at"
                )
        if sort == "helpful":
            return queryset.order_by("-helpful_count", "-created_at")
        if sort == "unanswered":
            waiting = Case(
                When(status=Question.Status.UNANSWERED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
            return queryset.order_by(waiting, "created_at")
        return queryset.order_by("-created_at")
