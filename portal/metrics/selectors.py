"""The centre's figures, each defined once.

The dashboard, the CSV and JSON downloads, the API and the six-month report all
read ``overview(period)``: one definition per figure, written out in its
``Figure.definition`` (shown on the dashboard and in the report's methods).

Every figure of a period comes with the same figure for the previous period of
equal length. ``overview`` runs a fixed number of queries whatever the amount
of data: each part reads both periods at once and splits them in Python.

Days are local days (``settings.TIME_ZONE``).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

from experts.calendar import working_time_between
from experts.models.introductions import FacilitatedInvestigation, Introduction, InvestigationStage, StageChange
from forum.models import Answer, Assignment, BoardSignature, Question
from forum.selectors import median_hours, percentile_hours
from portal.charts import Chart, bar_chart, time_series_chart
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind
from portal.metrics.periods import Period, long_date
from portal.surveys.selectors import response_rates

# Per-day charts of periods longer than this are drawn per week.
DAILY_CHART_MAX_DAYS = 92
TOP_EXPERTS_IN_CHART = 10
TOP_TOPICS = 10

FIGURE_KEYS = (
    "visits",
    "visitors",
    "questions_asked",
    "questions_answered",
    "questions_accepted",
    "first_answer_median_hours",
    "first_answer_p90_hours",
    "introductions_requested",
    "introductions_answered",
    "trials_facilitated",
    "guideline_views",
    "guideline_downloads",
)
HEADLINE_KEYS = ("visits", "questions_asked", "trials_facilitated")


@dataclass(frozen=True)
class Figure:
    """One number of a period, with the same number for the previous period."""

    key: str
    label: str
    value: float | int | None
    previous: float | int | None
    unit: str
    definition: str
    decimals: int = 0

    @property
    def change(self) -> float | int | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, self.decimals) if self.decimals else self.value - self.previous

    @property
    def change_percent(self) -> float | None:
        """The change as a percentage of the previous value (None when there was nothing before)."""
        if self.change is None or not self.previous:
            return None
        return round(100 * self.change / self.previous, 1)

    @property
    def change_text(self) -> str:
        return change_text(self)

    @property
    def shown(self) -> str:
        """The value as the active language writes it (a dash for no value)."""
        return _shown(self.value, self.decimals)

    @property
    def previous_shown(self) -> str:
        return _shown(self.previous, self.decimals)


@dataclass
class Table:
    """Rows of plain values (dates, numbers, text) under their headers."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    # One short machine name per column, for CSV and JSON.
    columns: list[str] = field(default_factory=list)


@dataclass
class Overview:
    period: Period
    previous: Period
    figures: dict[str, Figure]
    charts: dict[str, Chart]
    tables: dict[str, Table]
    public: bool = False
    # How the stages of facilitated investigations were read: "history" (as of the period's end).
    stages_as_of: date | None = None


def _shown(value, decimals: int) -> str:
    if value is None:
        return "–"
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


# Helpers


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _split(days: Iterable[date], period: Period, previous: Period) -> tuple[int, int]:
    current = before = 0
    for day in days:
        if period.contains(day):
            current += 1
        elif previous.contains(day):
            before += 1
    return current, before


def _per_day(days: Iterable[date], period: Period) -> list[int]:
    counts = defaultdict(int)
    for day in days:
        counts[day] += 1
    return [counts[day] for day in period.each_day()]


def _buckets(period: Period, values: list[float]) -> list[tuple[date, float]]:
    """Per day, or per week (from the period's first day) for long periods."""
    days = period.each_day()
    if period.days <= DAILY_CHART_MAX_DAYS:
        return list(zip(days, values, strict=True))
    return [(days[i], sum(values[i : i + 7])) for i in range(0, len(days), 7)]


def _series_chart(*, title: str, period: Period, current: list[float], previous: list[float], unit: str) -> Chart:
    points = _buckets(period, current)
    before = [value for _, value in _buckets(period, previous)]
    per_week = period.days > DAILY_CHART_MAX_DAYS
    return time_series_chart(
        title=title + (" " + gettext("(per week)") if per_week else " " + gettext("(per day)")),
        points=points,
        previous=before,
        previous_label=gettext("Previous period"),
        unit=unit,
        description=gettext("%(title)s: %(total)s this period, %(before)s in the previous period.")
        % {"title": title, "total": int(sum(current)), "before": int(sum(previous))},
    )


def _counted_questions():
    """The questions the figures count: not hidden by moderators and not closed
    as duplicates (their original counts)."""
    return Question.objects.filter(is_hidden=False).exclude(close_reason=Question.CloseReason.DUPLICATE)


def _is_counted(*, confidential: bool, copy: bool, public: bool) -> bool:
    """Totals count originals (confidential included) and never an anonymised
    public copy, which is its confidential original again. Public figures count
    what anyone may read: public questions, copies included."""
    if public:
        return not confidential
    return not copy


def _range_filter(field_name: str, period: Period, previous: Period) -> Q:
    first, _ = previous.bounds()
    _, after = period.bounds()
    return Q(**{f"{field_name}__gte": first, f"{field_name}__lt": after})


# The parts of the overview


def _visits(period: Period, previous: Period) -> dict:
    rows = DailyTraffic.objects.filter(day__gte=previous.start, day__lte=period.end).values_list(
        "day", "views", "visitors"
    )
    views, visitors = {}, {}
    for day, day_views, day_visitors in rows:
        views[day], visitors[day] = day_views, day_visitors
    return {
        "views": [views.get(day, 0) for day in period.each_day()],
        "visitors": [visitors.get(day, 0) for day in period.each_day()],
        "previous_views": [views.get(day, 0) for day in previous.each_day()],
        "previous_visitors": [visitors.get(day, 0) for day in previous.each_day()],
    }


def _guideline_views(period: Period, previous: Period) -> dict:
    rows = DailyPageViews.objects.filter(
        day__gte=previous.start, day__lte=period.end, kind__in=[PageKind.GUIDELINE, PageKind.GUIDELINE_PDF]
    ).values_list("day", "kind", "views")
    by_kind = {PageKind.GUIDELINE: defaultdict(int), PageKind.GUIDELINE_PDF: defaultdict(int)}
    for day, kind, views in rows:
        by_kind[kind][day] += views
    return {
        kind: {
            "days": [values.get(day, 0) for day in period.each_day()],
            "value": sum(v for d, v in values.items() if period.contains(d)),
            "previous": sum(v for d, v in values.items() if previous.contains(d)),
        }
        for kind, values in by_kind.items()
    }


def _questions(period: Period, previous: Period, *, public: bool) -> dict:
    # One query for the three events (asked, first answered, accepted) in
    # either period; each row is then sorted into the events it had in range.
    first, _ = previous.bounds()
    _, after = period.bounds()
    rows = (
        _counted_questions()
        .filter(
            _range_filter("created_at", period, previous)
            | _range_filter("first_answered_at", period, previous)
            | (_range_filter("accepted_at", period, previous) & Q(accepted_answer__isnull=False))
        )
        .values_list(
            "created_at", "first_answered_at", "accepted_at", "accepted_answer_id", "visibility", "public_copy_of_id"
        )
        .order_by()  # counted, not shown: no need to sort
    )

    zone = timezone.get_current_timezone()  # once: thousands of rows at a large forum

    def in_range(moment) -> bool:
        return moment is not None and first <= moment < after

    asked, answered_rows, accepted = [], [], []
    for created, first_answered, accepted_at, accepted_answer, visibility, copy_id in rows:
        if not _is_counted(
            confidential=visibility == Question.Visibility.CONFIDENTIAL, copy=copy_id is not None, public=public
        ):
            continue
        if in_range(created):
            asked.append(created.astimezone(zone).date())
        if in_range(first_answered):
            answered_rows.append((created, first_answered))
        if accepted_answer is not None and in_range(accepted_at):
            accepted.append(accepted_at.astimezone(zone).date())
    answered = [moment.astimezone(zone).date() for _, moment in answered_rows]
    durations = [working_time_between(created, moment) for created, moment in answered_rows]
    this = [d for day, d in zip(answered, durations, strict=True) if period.contains(day)]
    before = [d for day, d in zip(answered, durations, strict=True) if previous.contains(day)]
    return {
        "asked": _split(asked, period, previous),
        "answered": _split(answered, period, previous),
        "accepted": _split(accepted, period, previous),
        "median": (median_hours(this), median_hours(before)),
        "p90": (percentile_hours(this, 90), percentile_hours(before, 90)),
        "asked_days": _per_day(asked, period),
        "asked_previous_days": _per_day(asked, previous),
        "answered_days": _per_day(answered, period),
        "accepted_days": _per_day(accepted, period),
    }


def _topics(period: Period, previous: Period, *, public: bool) -> list[tuple[str, int, int]]:
    """(topic name, questions asked this period, in the previous one), most asked first."""
    questions = _counted_questions()
    questions = (
        questions.filter(visibility=Question.Visibility.PUBLIC)
        if public
        else questions.filter(public_copy_of__isnull=True)
    )
    first, after = period.bounds()
    before_first, before_after = previous.bounds()
    name = "topic__name_en" if get_language() == "en" else "topic__name_it"
    rows = (
        # Only the questions of the two periods: without the bounds the counts read the whole forum.
        Question.topics.through.objects.filter(
            question__in=questions.filter(created_at__gte=before_first, created_at__lt=after).values("pk")
        )
        .values("topic_id", name)
        .annotate(
            current=Count("pk", filter=Q(question__created_at__gte=first, question__created_at__lt=after)),
            before=Count("pk", filter=Q(question__created_at__gte=before_first, question__created_at__lt=before_after)),
        )
        .filter(Q(current__gt=0) | Q(before__gt=0))
        .order_by("-current", "-before", name)
    )
    return [(row[name], row["current"], row["before"]) for row in rows]


def _experts_activity(period: Period) -> list[list]:
    """Per expert: answers published, board answers co-signed, assignments
    answered and declined in the period; the most active first."""
    first, after = period.bounds()
    in_period = {"gte": first, "lt": after}
    answers = (
        Answer.objects.filter(is_hidden=False, author__isnull=False, question__public_copy_of__isnull=True)
        .filter(
            Q(kind=Answer.Kind.INDIVIDUAL, created_at__gte=in_period["gte"], created_at__lt=in_period["lt"])
            | Q(kind=Answer.Kind.BOARD, board_published_at__gte=first, board_published_at__lt=after)
        )
        .values("author_id", "author__full_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    signatures = (
        BoardSignature.objects.filter(signed_at__gte=first, signed_at__lt=after, answer__is_hidden=False)
        .values("expert_id", "expert__full_name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assignments = (
        Assignment.objects.filter(
            closed_at__gte=first,
            closed_at__lt=after,
            status__in=[Assignment.Status.ANSWERED, Assignment.Status.DECLINED],
        )
        .values("expert_id", "expert__full_name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # The names come with the counts (a join each) rather than with a fourth query.
    activity = defaultdict(lambda: [0, 0, 0, 0])
    names = {}
    for row in answers:
        activity[row["author_id"]][0] = row["n"]
        names[row["author_id"]] = row["author__full_name"]
    for row in signatures:
        activity[row["expert_id"]][1] = row["n"]
        names[row["expert_id"]] = row["expert__full_name"]
    for row in assignments:
        activity[row["expert_id"]][2 if row["status"] == Assignment.Status.ANSWERED else 3] = row["n"]
        names[row["expert_id"]] = row["expert__full_name"]
    # An erased expert's co-signatures and assignments stay on record, without a name.
    rows = [[names[pk] or gettext("A former expert"), *counts] for pk, counts in activity.items()]
    return sorted(rows, key=lambda row: (-row[1], -row[2], -row[3], row[0]))


def _introductions(period: Period, previous: Period) -> dict:
    def answered(p: Period) -> Q:
        first, after = p.bounds()
        return Q(sent_at__gte=first, sent_at__lt=after) | Q(
            sent_at__isnull=True, status=Introduction.Status.DECLINED, closed_at__gte=first, closed_at__lt=after
        )

    def requested(p: Period) -> Q:
        first, after = p.bounds()
        return Q(created_at__gte=first, created_at__lt=after)

    return Introduction.objects.aggregate(
        requested=Count("pk", filter=requested(period)),
        requested_before=Count("pk", filter=requested(previous)),
        answered=Count("pk", filter=answered(period)),
        answered_before=Count("pk", filter=answered(previous)),
    )


def _investigations(period: Period, previous: Period) -> dict:
    facilitated = FacilitatedInvestigation.objects.facilitated().aggregate(
        current=Count("pk", filter=Q(submitted_on__gte=period.start, submitted_on__lte=period.end)),
        before=Count("pk", filter=Q(submitted_on__gte=previous.start, submitted_on__lte=previous.end)),
        to_date=Count("pk", filter=Q(submitted_on__lte=period.end)),
    )
    # The stage each investigation had reached on the period's last day, from
    # its history; one with no recorded history at all counts at its current
    # stage if it existed by then.
    _, after = period.bounds()
    reached = StageChange.objects.filter(investigation=OuterRef("pk"), on__lte=period.end).order_by(
        "-on", "-created_at", "-pk"
    )
    any_history = StageChange.objects.filter(investigation=OuterRef("pk"))
    rows = (
        FacilitatedInvestigation.objects.annotate(
            stage_at_end=Coalesce(
                Subquery(reached.values("stage")[:1]),
                Subquery(
                    FacilitatedInvestigation.objects.filter(pk=OuterRef("pk"), created_at__lt=after)
                    .exclude(Exists(any_history))
                    .values("stage")[:1]
                ),
                output_field=CharField(),
            )
        )
        .filter(stage_at_end__isnull=False)
        .values("stage_at_end")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["stage_at_end"]: row["n"] for row in rows}
    return {
        "facilitated": (facilitated["current"], facilitated["before"]),
        "to_date": facilitated["to_date"],
        "stages": [(stage.label, counts.get(stage.value, 0)) for stage in InvestigationStage],
    }


def _survey_rates(period: Period) -> list:
    return response_rates(start=period.start, end=period.end)


# The overview


def overview(period: Period, *, public: bool = False) -> Overview:
    """Every figure, chart and table of ``period``, with the previous period.

    ``public=True`` gives the figures that may be shown to people who are not
    staff: questions count only public questions."""
    previous = period.previous()
    visits = _visits(period, previous)
    guidelines = _guideline_views(period, previous)
    questions = _questions(period, previous, public=public)
    topics = _topics(period, previous, public=public)
    experts = _experts_activity(period)
    introductions = _introductions(period, previous)
    investigations = _investigations(period, previous)
    rates = _survey_rates(period)

    which = gettext("public questions") if public else gettext("questions, confidential ones included")
    counted_questions = gettext(
        "Counted: %(which)s; never an anonymised public copy of a confidential question (it is the same question), "
        "questions hidden by moderators, or questions closed as duplicates (their original counts)."
    ) % {"which": which}
    figures = [
        Figure(
            "visits",
            gettext("Visits (page views)"),
            sum(visits["views"]),
            sum(visits["previous_views"]),
            gettext("page views"),
            gettext(
                "Pages of the portal viewed in the period, counted once per request by the portal itself (no "
                "cookies, no third-party analytics); automated clients are not counted."
            ),
        ),
        Figure(
            "visitors",
            gettext("Visitors (sum of daily visitors)"),
            sum(visits["visitors"]),
            sum(visits["previous_visitors"]),
            gettext("visitors"),
            gettext(
                "Distinct visitors of each day, added up over the period. A visitor is recognised only within one "
                "day, so the same person visiting on three days counts three times."
            ),
        ),
        Figure(
            "questions_asked",
            gettext("Questions asked"),
            *questions["asked"],
            gettext("questions"),
            gettext("Forum questions asked in the period.") + " " + counted_questions,
        ),
        Figure(
            "questions_answered",
            gettext("Questions answered"),
            *questions["answered"],
            gettext("questions"),
            gettext("Questions whose first published answer (of an expert or of the board) came in the period.")
            + " "
            + counted_questions,
        ),
        Figure(
            "questions_accepted",
            gettext("Answers accepted"),
            *questions["accepted"],
            gettext("questions"),
            gettext(
                "Questions whose asker first accepted an answer in the period (choosing another answer later "
                "does not count the question again)."
            )
            + " "
            + counted_questions,
        ),
        Figure(
            "first_answer_median_hours",
            gettext("Time to first answer (median)"),
            *questions["median"],
            gettext("working hours"),
            gettext(
                "For the questions first answered in the period: the median time from asking to the first "
                "answer, in hours, not counting weekends and Italian public holidays."
            ),
            decimals=1,
        ),
        Figure(
            "first_answer_p90_hours",
            gettext("Time to first answer (90th percentile)"),
            *questions["p90"],
            gettext("working hours"),
            gettext(
                "For the questions first answered in the period: nine in ten were answered within this many "
                "hours, not counting weekends and Italian public holidays."
            ),
            decimals=1,
        ),
        Figure(
            "introductions_requested",
            gettext("Introductions to clinics requested"),
            introductions["requested"],
            introductions["requested_before"],
            gettext("introductions"),
            gettext("Members' requests to be introduced to clinics, made in the period."),
        ),
        Figure(
            "introductions_answered",
            gettext("Introductions acted on by the board"),
            introductions["answered"],
            introductions["answered_before"],
            gettext("introductions"),
            gettext(
                "Introductions the board first sent to clinics in the period, or, never sent, marked as not "
                "taken forward in the period; each introduction counts once."
            ),
        ),
        Figure(
            "trials_facilitated",
            gettext("Clinical trials facilitated"),
            *investigations["facilitated"],
            gettext("clinical investigations"),
            gettext(
                "Clinical investigations brokered by the board that reached submission to the ethics committee "
                "and the competent authority in the period (counted once, on that day, even if they later stopped)."
            ),
        ),
        Figure(
            "guideline_views",
            gettext("Guideline views"),
            guidelines[PageKind.GUIDELINE]["value"],
            guidelines[PageKind.GUIDELINE]["previous"],
            gettext("page views"),
            gettext("Views of the pages of the requirements document (any version), counted like visits."),
        ),
        Figure(
            "guideline_downloads",
            gettext("Guideline PDF downloads"),
            guidelines[PageKind.GUIDELINE_PDF]["value"],
            guidelines[PageKind.GUIDELINE_PDF]["previous"],
            gettext("downloads"),
            gettext("Downloads of the requirements document as PDF, any version and language."),
        ),
    ]
    figures = {f.key: f for f in figures}

    charts = {
        "visits": _series_chart(
            title=gettext("Page views"),
            period=period,
            current=visits["views"],
            previous=visits["previous_views"],
            unit=gettext("page views"),
        ),
        "questions": _series_chart(
            title=gettext("Questions asked"),
            period=period,
            current=questions["asked_days"],
            previous=questions["asked_previous_days"],
            unit=gettext("questions"),
        ),
        "questions_by_topic": bar_chart(
            title=gettext("Questions asked by topic"),
            rows=[(name, current) for name, current, _ in topics[:TOP_TOPICS] if current],
            unit=gettext("questions"),
        ),
        "investigations_by_stage": bar_chart(
            title=gettext("Facilitated investigations by stage on %(day)s") % {"day": long_date(period.end)},
            rows=investigations["stages"],
            unit=gettext("clinical investigations"),
        ),
        "experts_activity": bar_chart(
            title=gettext("Answers published by expert"),
            rows=[(row[0], row[1]) for row in experts[:TOP_EXPERTS_IN_CHART] if row[1]],
            unit=gettext("answers"),
        ),
    }

    daily_rows = [
        [
            day,
            visits["views"][i],
            visits["visitors"][i],
            questions["asked_days"][i],
            questions["answered_days"][i],
            questions["accepted_days"][i],
            guidelines[PageKind.GUIDELINE]["days"][i],
            guidelines[PageKind.GUIDELINE_PDF]["days"][i],
        ]
        for i, day in enumerate(period.each_day())
    ]
    tables = {
        "daily": Table(
            key="daily",
            title=gettext("Day by day"),
            headers=[
                gettext("Day"),
                gettext("Page views"),
                gettext("Visitors"),
                gettext("Questions asked"),
                gettext("Questions answered"),
                gettext("Answers accepted"),
                gettext("Guideline views"),
                gettext("Guideline PDF downloads"),
            ],
            columns=[
                "day",
                "views",
                "visitors",
                "questions_asked",
                "questions_answered",
                "questions_accepted",
                "guideline_views",
                "guideline_downloads",
            ],
            rows=daily_rows,
        ),
        "top_topics": Table(
            key="top_topics",
            title=gettext("Questions asked by topic"),
            headers=[gettext("Topic"), gettext("This period"), gettext("Previous period")],
            columns=["topic", "questions", "previous"],
            rows=[list(row) for row in topics],
        ),
        "experts_activity": Table(
            key="experts_activity",
            title=gettext("Experts' activity"),
            headers=[
                gettext("Expert"),
                gettext("Answers published"),
                gettext("Board answers co-signed"),
                gettext("Assignments answered"),
                gettext("Assignments declined"),
            ],
            columns=["expert", "answers", "cosigned", "assignments_answered", "assignments_declined"],
            rows=experts,
        ),
        "investigations_by_stage": Table(
            key="investigations_by_stage",
            title=gettext("Facilitated investigations by stage on the period's last day"),
            headers=[gettext("Stage"), gettext("Investigations")],
            columns=["stage", "investigations"],
            rows=[[label, n] for label, n in investigations["stages"]],
        ),
        "survey_response_rates": Table(
            key="survey_response_rates",
            title=gettext("Survey response rates"),
            headers=[
                gettext("Survey"),
                gettext("Audience"),
                gettext("Invited"),
                gettext("Responses"),
                gettext("Response rate (%)"),
            ],
            columns=["survey", "audience", "invited", "responses", "rate_percent"],
            rows=[
                [
                    str(rate.title),
                    str(rate.audience_label),
                    rate.invited,
                    rate.responded,
                    None if rate.rate is None else round(100 * rate.rate, 1),
                ]
                for rate in rates
            ],
        ),
    }
    return Overview(
        period=period,
        previous=previous,
        figures=figures,
        charts=charts,
        tables=tables,
        public=public,
        stages_as_of=period.end,
    )


__all__ = [
    "FIGURE_KEYS",
    "HEADLINE_KEYS",
    "Figure",
    "Overview",
    "Table",
    "change_text",
    "overview",
]


def change_text(figure: Figure) -> str:
    """The change on the previous period in words, e.g. "Up 12% on the previous
    period (25)." (the page must not rely on an arrow or a colour)."""
    if figure.change is None:
        return gettext("No comparison with the previous period.")
    previous = figure.previous_shown
    if figure.change == 0:
        return gettext("Same as in the previous period (%(previous)s).") % {"previous": previous}
    if figure.change_percent is None:
        return gettext("Up from %(previous)s in the previous period.") % {"previous": previous}
    percent = number_format(abs(figure.change_percent), decimal_pos=0, use_l10n=True)
    if figure.change > 0:
        return gettext("Up %(percent)s%% on the previous period (%(previous)s).") % {
            "percent": percent,
            "previous": previous,
        }
    return gettext("Down %(percent)s%% on the previous period (%(previous)s).") % {
        "percent": percent,
        "previous": previous,
    }
