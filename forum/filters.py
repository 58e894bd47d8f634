import django_filters
from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from experts.models import Topic
from forum.models import Answer, Question
from portal.accounts.roles import Capability, user_can

# Markers ts_headline puts around matches; the template escapes the snippet
# and only then turns them into <mark>, so the body's text can never inject HTML.
MARK_START, MARK_STOP = "\x02", "\x03"

# A search for a common word matches hundreds of thousands of questions once
# the forum is large: counting them all and ranking them all with ts_rank costs
# seconds. So a search considers at most the SEARCH_RESULT_CAP most recent
# matching questions: the count stops there (the page then says "more than
# 1,000"), and "best match" ranks only those candidates, so a good but older
# match of a very common word may not be listed: adding words narrows the
# search and brings it back. Below the cap, results and counts are exact.
SEARCH_RESULT_CAP = 1000


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
        if not hasattr(self, "_sorted_qs"):
            self._sorted_qs = self._sorted(super().qs)
        return self._sorted_qs

    def _sorted(self, queryset):
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        if self.searching:
            queryset = self._most_recent_matches(queryset)
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

    @property
    def searching(self) -> bool:
        """Whether the list is the result of a search (its count is then capped)."""
        return bool(self.form.is_valid() and (self.form.cleaned_data.get("q") or "").strip())

    def _most_recent_matches(self, queryset):
        """The questions of ``queryset`` (every filter applied) among its most
        recent rows: one more than the paginator's cap, so that SearchPaginator
        can tell "more than".

        The ids are fetched first, in one query the database answers either
        from the full-text index (few matches: read them, sort them) or by
        walking the questions newest first until it has enough (many matches).
        The page is then ranked, counted and sorted over these ids alone, by
        primary key, so that no later query can choose to rank or count every
        match of a common word."""
        ids = list(most_recent_ids(queryset, SearchPaginator.cap + 1))
        # The view's queryset (visibility, select_related) without the search:
        # the ids already satisfy every filter.
        if connection.vendor == "postgresql":
            # One array parameter rather than a thousand: cheaper to send and to plan.
            return self.queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
        return self.queryset.filter(pk__in=ids)


def most_recent_ids(queryset, limit: int):
    """The primary keys of the ``limit`` most recent questions of ``queryset``."""
    return queryset.order_by("-created_at").values_list("pk", flat=True)[:limit]


class SearchPaginator(Paginator):
    """A paginator whose count stops at SEARCH_RESULT_CAP: counting every match
    of a common word would cost more than the search itself. ``capped`` tells
    the page to say "more than"; pages beyond the cap are not offered."""

    cap = SEARCH_RESULT_CAP

    @cached_property
    def _counted(self) -> int:
        # Without ordering: it is irrelevant to a count and would make the
        # database rank every match before counting.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
