"""Reads of the surveys: a respondent's open surveys, a personal link, the
results of a survey with its charts, the CSV export, and the figures the
metrics dashboard and the six-month report use. Each runs a fixed number of
queries whatever the number of responses."""

import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, F, IntegerField, Max, Min, OuterRef, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from experts.models.introductions import hash_token
from portal.charts import Chart, bar_chart
from portal.surveys.models import Answer, Draft, Invitation, Question, Response, Survey


def _count(queryset, column: str = "pk"):
    """A correlated COUNT(*) subquery."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(column).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


# Respondents.


@dataclass(frozen=True)
class OpenSurvey:
    survey: Survey
    answered: bool
    in_progress: bool


def open_surveys_for(user) -> list[OpenSurvey]:
    """The open surveys of the user's audience, with whether they answered or saved a draft."""
    mine = Invitation.objects.filter(survey=OuterRef("pk"), user=user)
    surveys = (
        Survey.objects.open()
        .for_audience(user)
        .annotate(
            answered=Exists(mine.filter(used_at__isnull=False)),
            in_progress=Exists(Draft.objects.filter(invitation__survey=OuterRef("pk"), invitation__user=user)),
        )
        .order_by("closes_at")
    )
    return [OpenSurvey(survey=s, answered=s.answered, in_progress=s.in_progress) for s in surveys]


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("survey", "user", "contact").filter(token_hash=hash_token(token)).first()


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.prefetch_related("options"))


def survey_list():
    """All surveys for staff, newest first, with their counts."""
    return Survey.objects.annotate(
        question_count=_count(Question.objects.filter(survey=OuterRef("pk")), "survey"),
        invited=_count(Invitation.objects.filter(survey=OuterRef("pk")), "survey"),
        responded=_count(Response.objects.filter(survey=OuterRef("pk")), "survey"),
    ).order_by("-created_at", "-pk")


# Results.


@dataclass
class QuestionResult:
    question: str
    kind: str
    answered: int
    chart: Chart | None = None
    summary: str = ""
    texts: list[str] = field(default_factory=list)
    question_id: int = 0
    texts_total: int = 0
    figures: dict = field(default_factory=dict)  # the numbers behind the summary


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    invited: int
    rate: float | None
    questions: list[QuestionResult]


def _shown(value, decimals: int = 1) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def nps(scores: dict[int, int]) -> dict:
    """Promoters (9-10), passives (7-8), detractors (0-6) and the score: % promoters - % detractors."""
    total = sum(scores.values())
    promoters = sum(n for score, n in scores.items() if score >= 9)
    passives = sum(n for score, n in scores.items() if 7 <= score <= 8)
    detractors = total - promoters - passives
    score = round(_percent(promoters, total) - _percent(detractors, total)) if total else None
    return {"promoters": promoters, "passives": passives, "detractors": detractors, "score": score, "total": total}


def survey_results(survey: Survey, *, texts_limit: int | None = None) -> SurveyResults:
    """Every question's aggregates; free-text answers all, or the first
    ``texts_limit`` of each question (``texts_total`` says how many there are)."""
    questions = questions_of(survey)
    responses = Response.objects.filter(survey=survey).count()
    invited = Invitation.objects.filter(survey=survey).count()
    answers = Answer.objects.filter(question__survey=survey)
    answered = dict(answers.values_list("question_id").annotate(n=Count("response_id", distinct=True)).order_by())
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for question_id, score, n in (
        answers.filter(score__isnull=False).values_list("question_id", "score").annotate(n=Count("pk")).order_by()
    ):
        scores[question_id][score] = n
    chosen = dict(answers.filter(option__isnull=False).values_list("option_id").annotate(n=Count("pk")).order_by())
    number_stats = {
        row["question_id"]: row
        for row in answers.filter(number__isnull=False)
        .values("question_id")
        .annotate(mean=Avg("number"), low=Min("number"), high=Max("number"))
        .order_by()
    }
    numbers: dict[int, list] = defaultdict(list)
    if number_stats:
        for question_id, number in answers.filter(number__isnull=False).values_list("question_id", "number"):
            numbers[question_id].append(number)
    texts = _texts(answers, texts_limit)
    results = []
    for question in questions:
        result = QuestionResult(
            question=question.text, kind=question.kind, answered=answered.get(question.pk, 0), question_id=question.pk
        )
        kind = question.kind
        if kind == Question.Kind.LIKERT:
            counts = scores.get(question.pk, {})
            result.chart = bar_chart(
                title=question.text,
                rows=[(label, counts.get(point, 0)) for point, label in question.likert_labels().items()],
                unit=_("responses"),
            )
            total = sum(counts.values())
            if total:
                mean = sum(point * n for point, n in counts.items()) / total
                result.figures = {"mean": mean}
                result.summary = _("Mean %(mean)s out of 5") % {"mean": _shown(mean)}
        elif kind == Question.Kind.NPS:
            counts = scores.get(question.pk, {})
            result.chart = bar_chart(
                title=question.text,
                rows=[(str(point), counts.get(point, 0)) for point in range(11)],
                unit=_("responses"),
            )
            figures = nps(counts)
            result.figures = figures
            if figures["total"]:
                result.summary = _(
                    "Recommendation score (NPS) %(score)s: %(promoters)s promoters, %(passives)s passives, "
                    "%(detractors)s detractors."
                ) % {**figures, "score": f"{figures['score']:+d}"}
        elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            result.chart = bar_chart(
                title=question.text,
                rows=[(option.text, chosen.get(option.pk, 0)) for option in question.options.all()],
                unit=_("responses"),
            )
        elif kind == Question.Kind.NUMBER:
            stats = number_stats.get(question.pk)
            if stats:
                median = statistics.median(numbers[question.pk])
                result.figures = {"mean": stats["mean"], "median": median, "min": stats["low"], "max": stats["high"]}
                result.summary = _("Mean %(mean)s, median %(median)s, minimum %(min)s, maximum %(max)s") % {
                    key: _shown(value, 2) for key, value in result.figures.items()
                }
        else:
            result.texts, result.texts_total = texts.get(question.pk, ([], 0))
        results.append(result)
    rate = responses / invited if invited else None
    if rate is not None:
        rate = min(rate, 1.0)
    return SurveyResults(survey=survey, responses=responses, invited=invited, rate=rate, questions=results)


def _texts(answers, limit: int | None) -> dict[int, tuple[list[str], int]]:
    rows = (
        answers.filter(question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("question_id")], order_by=[F("response__submitted_at"), F("pk")]),
            total=Window(Count("pk"), partition_by=[F("question_id")]),
        )
    )
    if limit is not None:
        rows = rows.filter(rank__lte=limit)
    texts: dict[int, tuple[list[str], int]] = {}
    for question_id, text, total in rows.order_by("question_id", "rank").values_list("question_id", "text", "total"):
        texts.setdefault(question_id, ([], total))[0].append(text)
    return texts


def text_answers(question: Question):
    """A free-text question's answers, for a paginated page."""
    return (
        Answer.objects.filter(question=question)
        .exclude(text="")
        .order_by("response__submitted_at", "pk")
        .values_list("text", flat=True)
    )


# The CSV export.


def export_rows(survey: Survey) -> Iterator[list[str]]:
    """The header, then one row per submitted response, one column per
    question; the respondent's name and email for identified surveys only."""
    questions = questions_of(survey)
    options = {option.pk: option.text for question in questions for option in question.options.all()}
    identified = not survey.anonymous
    header = [_("Response"), _("Submitted")]
    if identified:
        header += [_("Name"), _("Email")]
    yield [_safe_cell(str(cell)) for cell in header + [question.text for question in questions]]
    values: dict = defaultdict(lambda: defaultdict(list))
    for response_id, question_id, score, number, text, option_id in (
        Answer.objects.filter(response__survey=survey)
        .values_list("response_id", "question_id", "score", "number", "text", "option_id")
        .order_by("option__position", "pk")
    ):
        if option_id is not None:
            shown = options.get(option_id, "")
        elif score is not None:
            shown = str(score)
        elif number is not None:
            shown = str(number)
        else:
            shown = text
        values[response_id][question_id].append(shown)
    responses = Response.objects.filter(survey=survey).order_by("submitted_at", "id")
    if identified:
        responses = responses.select_related("user", "invitation__contact")
    for number, response in enumerate(responses, start=1):
        moment = timezone.localtime(response.submitted_at)
        row = [str(number), moment.date().isoformat() if response.anonymous else moment.strftime("%Y-%m-%d %H:%M")]
        if identified:
            row += _who(response)
        answers = values.get(response.id, {})
        row += ["; ".join(answers.get(question.pk, [])) for question in questions]
        yield [_safe_cell(cell) for cell in row]


def _who(response: Response) -> list[str]:
    if response.user_id:
        return [response.user.full_name, response.user.email]
    contact = response.invitation.contact if response.invitation_id and response.invitation.contact_id else None
    if contact is not None:
        return [str(contact), contact.email]
    return ["", ""]


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells that start like a formula: make them text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# For the metrics dashboard and the six-month report.


@dataclass(frozen=True)
class SurveyRate:
    survey_id: int
    title: str
    audience_label: str
    invited: int
    responded: int
    rate: float | None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _open_during(start: date, end: date):
    """Published surveys open at some time between ``start`` and ``end`` (inclusive days)."""
    first, after_last = _bounds(start, end)
    return Survey.objects.published().filter(opens_at__lt=after_last, closes_at__gt=first)


def response_rates(*, start: date, end: date) -> list[SurveyRate]:
    """Each survey open at any time in the range: invited, responded, and the rate (None without invitations)."""
    surveys = (
        _open_during(start, end)
        .annotate(
            invited=_count(Invitation.objects.filter(survey=OuterRef("pk")), "survey"),
            responded=_count(Response.objects.filter(survey=OuterRef("pk")), "survey"),
        )
        .order_by("opens_at", "pk")
    )
    return [
        SurveyRate(
            survey_id=survey.pk,
            title=survey.title,
            audience_label=str(survey.get_audience_display()),
            invited=survey.invited,
            responded=survey.responded,
            rate=min(survey.responded / survey.invited, 1.0) if survey.invited else None,
        )
        for survey in surveys
    ]


def surveys_for_report(*, start: date, end: date) -> list[Survey]:
    """Surveys open at some time in the range that have at least one response."""
    return list(
        _open_during(start, end)
        .filter(Exists(Response.objects.filter(survey=OuterRef("pk"))))
        .order_by("opens_at", "pk")
    )


def period_label(survey: Survey) -> str:
    opens = timezone.localtime(survey.opens_at)
    closes = timezone.localtime(survey.closes_at)
    return f"{date_format(opens, 'SHORT_DATE_FORMAT')} – {date_format(closes, 'SHORT_DATE_FORMAT')}"


__all__ = [
    "OpenSurvey",
    "QuestionResult",
    "SurveyRate",
    "SurveyResults",
    "export_rows",
    "invitation_for_token",
    "open_surveys_for",
    "response_rates",
    "survey_results",
    "surveys_for_report",
]
