"""The figures, counted by hand: what is counted and what is not, working
time across weekends and holidays, the previous period, and a fixed number of
queries whatever the data.

The period under test is March 2025 (31 days); its previous period is
29 January to 28 February 2025. Timestamps are explicit (local time, Rome)."""

import importlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import translation

from experts.calendar import working_time_between
from experts.models import InvestigationStage, StageChange
from forum import services as forum_services
from forum.models import Assignment, BoardSignature, Question
from portal.accounts import gdpr
from portal.metrics.models import DailyPageViews, DailyTraffic, PageKind
from portal.metrics.periods import Period
from portal.metrics.selectors import FIGURE_KEYS, Figure, overview
from tests.factories import AnswerFactory, AssignmentFactory, ExpertFactory, QuestionFactory
from tests.factories.introductions import FacilitatedInvestigationFactory, IntroductionFactory

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
MARCH = Period(start=date(2025, 3, 1), end=date(2025, 3, 31))


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def ask(when: datetime, **fields) -> Question:
    """A question asked at ``when``; ``fields`` set directly (answered, accepted, closed...)."""
    question = QuestionFactory(**{k: v for k, v in fields.items() if k in ("confidential", "is_hidden", "topics")})
    stored = {k: v for k, v in fields.items() if k not in ("confidential", "is_hidden", "topics")}
    Question.objects.filter(pk=question.pk).update(created_at=when, **stored)
    question.refresh_from_db()
    return question


def public_copy(original: Question) -> Question:
    return Question.objects.create(
        title="Copia anonima",
        body="Testo anonimizzato della domanda.",
        author=original.author,
        visibility=Question.Visibility.PUBLIC,
        public_copy_of=original,
        created_at=original.created_at,
        first_answered_at=original.first_answered_at,
        accepted_at=original.accepted_at,
        accepted_answer=None,
    )


def close_as_duplicate(question: Question, original: Question) -> None:
    Question.objects.filter(pk=question.pk).update(
        status=Question.Status.CLOSED,
        close_reason=Question.CloseReason.DUPLICATE,
        duplicate_of=original,
        closed_at=question.created_at + timedelta(hours=1),
    )


# Periods


def test_period_previous_and_days():
    assert MARCH.days == 31
    assert MARCH.previous() == Period(start=date(2025, 1, 29), end=date(2025, 2, 28))
    assert MARCH.contains(date(2025, 3, 31))
    assert not MARCH.contains(date(2025, 4, 1))


def test_period_half_year_and_last_days():
    assert Period.half_year(date(2026, 1, 1)) == Period(start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert Period.half_year(date(2026, 7, 1)) == Period(start=date(2026, 7, 1), end=date(2026, 12, 31))
    assert Period.last_days(30, today=date(2026, 3, 30)) == Period(start=date(2026, 3, 1), end=date(2026, 3, 30))


def test_period_label_is_localised():
    assert MARCH.label() == "1 March 2025 – 31 March 2025"
    with translation.override("it"):
        assert MARCH.label() == "1 marzo 2025 – 31 marzo 2025"


def test_period_refuses_end_before_start():
    with pytest.raises(ValueError):
        Period(start=date(2025, 3, 2), end=date(2025, 3, 1))


# Questions


def test_questions_asked_totals_count_confidential_but_no_copy_hidden_or_duplicate():
    public = ask(at(3, 5))
    confidential = ask(at(3, 6), confidential=True)
    ask(at(3, 7), confidential=True)  # confidential, no public copy
    public_copy(confidential)  # the same question as its original: not counted again
    ask(at(3, 8), is_hidden=True)  # moderated away
    close_as_duplicate(ask(at(3, 9)), public)  # its original counts
    ask(at(2, 15))  # previous period
    ask(at(4, 1, 0, 30))  # after the period (local day)
    ask(at(3, 31, 23, 30))  # last local day of March, already April in UTC

    figure = overview(MARCH).figures["questions_asked"]
    assert (figure.value, figure.previous) == (4, 1)


def test_questions_asked_public_figures_count_public_questions_and_copies_once():
    ask(at(3, 5))
    confidential = ask(at(3, 6), confidential=True)
    ask(at(3, 7), confidential=True)
    public_copy(confidential)
    ask(at(3, 8), is_hidden=True)

    figure = overview(MARCH, public=True).figures["questions_asked"]
    # The public question and the anonymised copy; no confidential original, nothing hidden.
    assert figure.value == 2


def test_questions_answered_and_accepted_in_the_period():
    ask(at(2, 20), first_answered_at=at(3, 3), accepted_at=at(3, 4))  # asked before, answered in March
    answered = ask(at(3, 10), first_answered_at=at(3, 11), confidential=True)
    public_copy(answered)  # same first answer: counted once
    ask(at(3, 12), first_answered_at=at(4, 2))  # answered after
    ask(at(2, 1), first_answered_at=at(2, 2), accepted_at=at(2, 3))  # previous period
    ask(at(3, 12), first_answered_at=at(3, 13), is_hidden=True)

    figures = overview(MARCH).figures
    assert (figures["questions_answered"].value, figures["questions_answered"].previous) == (2, 1)
    # accepted_at without an accepted answer (its answer deleted) does not count.
    assert (figures["questions_accepted"].value, figures["questions_accepted"].previous) == (0, 0)


def test_questions_accepted_counts_the_first_acceptance(member):
    question = QuestionFactory(author=member)
    first = AnswerFactory(question=question)
    second = AnswerFactory(question=question)
    forum_services.accept_answer(question=question, user=member, answer=first)
    question.refresh_from_db()
    accepted_at = question.accepted_at
    assert accepted_at is not None
    forum_services.accept_answer(question=question, user=member, answer=second)
    question.refresh_from_db()
    assert question.accepted_answer_id == second.pk
    assert question.accepted_at == accepted_at

    Question.objects.filter(pk=question.pk).update(accepted_at=at(3, 20))
    assert overview(MARCH).figures["questions_accepted"].value == 1


def test_accepted_at_backfill_uses_the_accepted_answers_publication(member):
    question = QuestionFactory(author=member)
    answer = AnswerFactory(question=question)
    forum_services.accept_answer(question=question, user=member, answer=answer)
    Question.objects.filter(pk=question.pk).update(accepted_at=None)
    question.answers.filter(pk=answer.pk).update(created_at=at(3, 2, 10))
    unaccepted = QuestionFactory()

    migration = importlib.import_module("forum.migrations.0005_question_accepted_at")
    migration.backfill_accepted_at(apps, None)

    question.refresh_from_db()
    unaccepted.refresh_from_db()
    assert question.accepted_at == at(3, 2, 10)
    assert unaccepted.accepted_at is None


# Working time and the time to first answer


def test_working_time_friday_evening_to_monday_morning_is_16_hours():
    # Friday 7 March 2025, 17:00 → Monday 10 March, 09:00.
    assert working_time_between(at(3, 7, 17), at(3, 10, 9)) == timedelta(hours=16)


def test_working_time_skips_an_italian_holiday():
    # Thursday 24 April 2025, 20:00 → Monday 28 April, 10:00; 25 April (Liberation Day) is a holiday.
    assert working_time_between(at(4, 24, 20), at(4, 28, 10)) == timedelta(hours=14)
    # Easter Monday, 21 April 2025: Friday 18 April 22:00 → Tuesday 22 April 01:00 is 2 + 1 hours.
    assert working_time_between(at(4, 18, 22), at(4, 22, 1)) == timedelta(hours=3)


def test_working_time_within_a_day_and_on_a_weekend():
    assert working_time_between(at(3, 4, 9), at(3, 4, 11, 30)) == timedelta(hours=2, minutes=30)
    assert working_time_between(at(3, 8, 9), at(3, 9, 20)) == timedelta(0)  # Saturday to Sunday
    assert working_time_between(at(3, 4, 11), at(3, 4, 9)) == timedelta(0)


def test_time_to_first_answer_median_and_p90_by_hand():
    # Tuesday 4 March, 09:00; answered after 1, 2, 3, 4 and 10 working hours.
    for hours in (1, 2, 3, 4, 10):
        ask(at(3, 4, 9), first_answered_at=at(3, 4, 9) + timedelta(hours=hours))
    # Friday 17:00 → Monday 09:00: 16 working hours, answered in the previous period.
    ask(at(2, 7, 17), first_answered_at=at(2, 10, 9))

    figures = overview(MARCH).figures
    assert figures["first_answer_median_hours"].value == 3
    # Inclusive percentile: position 0.9 * 4 = 3.6 between 4 and 10, so 4 + 0.6 * 6.
    assert figures["first_answer_p90_hours"].value == pytest.approx(7.6)
    assert figures["first_answer_median_hours"].previous == 16
    assert figures["first_answer_p90_hours"].previous == 16


def test_time_to_first_answer_is_none_without_answers():
    figures = overview(MARCH).figures
    assert figures["first_answer_median_hours"].value is None
    assert figures["first_answer_median_hours"].change is None
    assert figures["first_answer_median_hours"].shown == "–"


# Figures and the previous period


def test_figure_change_against_the_previous_period():
    up = Figure("questions_asked", "Questions asked", 15, 12, "questions", "…")
    assert (up.change, up.change_percent) == (3, 25.0)
    assert up.change_text == "Up 25% on the previous period (12)."
    down = Figure("visits", "Visits", 9, 12, "page views", "…")
    assert down.change_text == "Down 25% on the previous period (12)."
    new = Figure("visits", "Visits", 5, 0, "page views", "…")
    assert new.change_percent is None
    assert new.change_text == "Up from 0 in the previous period."
    same = Figure("visits", "Visits", 4, 4, "page views", "…")
    assert same.change_text == "Same as in the previous period (4)."


def test_overview_has_every_figure_with_a_definition():
    data = overview(MARCH)
    assert list(data.figures) == list(FIGURE_KEYS)
    assert all(figure.definition for figure in data.figures.values())
    assert data.previous == MARCH.previous()
    assert set(data.charts) == {
        "visits",
        "questions",
        "questions_by_topic",
        "investigations_by_stage",
        "experts_activity",
    }
    assert {"experts_activity", "survey_response_rates", "top_topics"} <= set(data.tables)


def test_visits_and_visitors_from_the_daily_totals():
    DailyTraffic.objects.create(day=date(2025, 3, 1), views=100, visitors=40)
    DailyTraffic.objects.create(day=date(2025, 3, 2), views=50, visitors=20)
    DailyTraffic.objects.create(day=date(2025, 2, 10), views=30, visitors=10)
    DailyTraffic.objects.create(day=date(2025, 4, 1), views=999, visitors=999)

    data = overview(MARCH)
    assert (data.figures["visits"].value, data.figures["visits"].previous) == (150, 30)
    assert (data.figures["visitors"].value, data.figures["visitors"].previous) == (60, 10)
    assert data.figures["visits"].change_percent == 400.0
    daily = data.tables["daily"]
    assert daily.rows[0][:3] == [date(2025, 3, 1), 100, 40]
    assert daily.rows[2][:3] == [date(2025, 3, 3), 0, 0]
    assert len(daily.rows) == 31
    chart = data.charts["visits"]
    assert [bar.value for bar in chart.bars[:3]] == [100, 50, 0]
    # The previous period's first days, as the line (29 January onwards; 10 February is its 13th day).
    assert chart.previous[12].value == 30


def test_guideline_views_and_downloads_from_daily_page_views():
    DailyPageViews.objects.create(day=date(2025, 3, 1), kind=PageKind.GUIDELINE, views=10, visitors=4)
    DailyPageViews.objects.create(day=date(2025, 3, 2), kind=PageKind.GUIDELINE, views=5, visitors=2)
    DailyPageViews.objects.create(day=date(2025, 3, 2), kind=PageKind.GUIDELINE_PDF, views=3, visitors=3)
    DailyPageViews.objects.create(day=date(2025, 2, 28), kind=PageKind.GUIDELINE, views=7, visitors=7)
    DailyPageViews.objects.create(day=date(2025, 3, 2), kind=PageKind.FAQ, views=50, visitors=9)
    DailyPageViews.objects.create(day=date(2025, 4, 1), kind=PageKind.GUIDELINE, views=100, visitors=9)

    figures = overview(MARCH).figures
    assert (figures["guideline_views"].value, figures["guideline_views"].previous) == (15, 7)
    assert (figures["guideline_downloads"].value, figures["guideline_downloads"].previous) == (3, 0)


# Introductions and facilitated investigations


def test_introductions_requested_and_answered():
    requested = IntroductionFactory()
    IntroductionFactory._meta.model.objects.filter(pk=requested.pk).update(created_at=at(3, 3))
    sent = IntroductionFactory(sent=True)
    IntroductionFactory._meta.model.objects.filter(pk=sent.pk).update(created_at=at(2, 25), sent_at=at(3, 4))
    declined = IntroductionFactory(status="declined")
    IntroductionFactory._meta.model.objects.filter(pk=declined.pk).update(created_at=at(3, 5), closed_at=at(3, 6))
    # Sent in February, then not taken forward in March: acted on in February only.
    later = IntroductionFactory(status="declined")
    IntroductionFactory._meta.model.objects.filter(pk=later.pk).update(
        created_at=at(2, 1), sent_at=at(2, 2), closed_at=at(3, 7)
    )

    figures = overview(MARCH).figures
    assert (figures["introductions_requested"].value, figures["introductions_requested"].previous) == (2, 2)
    assert (figures["introductions_answered"].value, figures["introductions_answered"].previous) == (2, 1)


def stage(investigation, name: str, on: date) -> None:
    StageChange.objects.create(investigation=investigation, stage=name, on=on)


def test_investigations_by_stage_at_the_periods_end_and_trials_facilitated():
    model = FacilitatedInvestigationFactory._meta.model
    a = FacilitatedInvestigationFactory(first_stage=date(2025, 1, 10))
    stage(a, InvestigationStage.PLAN, date(2025, 2, 10))
    stage(a, InvestigationStage.SUBMITTED, date(2025, 3, 10))
    stage(a, InvestigationStage.APPROVED, date(2025, 4, 10))  # after the period
    model.objects.filter(pk=a.pk).update(stage=InvestigationStage.APPROVED, submitted_on=date(2025, 3, 10))
    FacilitatedInvestigationFactory(first_stage=date(2025, 3, 5))  # feasibility
    FacilitatedInvestigationFactory(first_stage=date(2025, 4, 2))  # started after the period: not shown
    no_history = FacilitatedInvestigationFactory(first_stage=date(2025, 1, 1), stage=InvestigationStage.PLAN)
    StageChange.objects.filter(investigation=no_history).delete()
    model.objects.filter(pk=no_history.pk).update(created_at=at(2, 1))
    e = FacilitatedInvestigationFactory(first_stage=date(2025, 1, 5))
    stage(e, InvestigationStage.SUBMITTED, date(2025, 2, 20))
    stage(e, InvestigationStage.STOPPED, date(2025, 3, 1))
    model.objects.filter(pk=e.pk).update(stage=InvestigationStage.STOPPED, submitted_on=date(2025, 2, 20))

    data = overview(MARCH)
    figure = data.figures["trials_facilitated"]
    assert (figure.value, figure.previous) == (1, 1)
    stages = dict(data.tables["investigations_by_stage"].rows)
    assert stages == {
        "Feasibility": 1,
        "Clinical investigation plan": 1,
        "Submitted to the ethics committee and the competent authority": 1,
        "Approved": 0,
        "First subject enrolled": 0,
        "Completed": 0,
        "Stopped": 1,
    }


# Topics and experts


def test_questions_by_topic(db):
    from tests.factories.forum import default_topic

    topic = default_topic()
    ask(at(3, 5), topics=[topic])
    ask(at(3, 6), topics=[topic])
    ask(at(2, 6), topics=[topic])
    ask(at(3, 7), topics=[topic], is_hidden=True)

    data = overview(MARCH)
    assert data.tables["top_topics"].rows == [[topic.name_en, 2, 1]]
    assert [(bar.label, bar.value) for bar in data.charts["questions_by_topic"].bars] == [(topic.name_en, 2)]


def test_experts_activity():
    anna = ExpertFactory(full_name="Anna Colombo")
    bruno = ExpertFactory(full_name="Bruno Villa")
    carla = ExpertFactory(full_name="Carla Neri")
    first = AnswerFactory(author=anna)
    AnswerFactory._meta.model.objects.filter(pk=first.pk).update(created_at=at(3, 3))
    old = AnswerFactory(author=anna)
    AnswerFactory._meta.model.objects.filter(pk=old.pk).update(created_at=at(2, 3))
    board = AnswerFactory(author=bruno, board=True, cosigners=[anna, carla])
    AnswerFactory._meta.model.objects.filter(pk=board.pk).update(board_published_at=at(3, 10))
    BoardSignature.objects.filter(answer=board).update(signed_at=at(3, 9))
    answered = AssignmentFactory(expert=carla)
    Assignment.objects.filter(pk=answered.pk).update(status=Assignment.Status.ANSWERED, closed_at=at(3, 12))
    declined = AssignmentFactory(expert=carla)
    Assignment.objects.filter(pk=declined.pk).update(
        status=Assignment.Status.DECLINED, closed_at=at(3, 13), decline_reason="Fuori dalle mie competenze."
    )

    rows = overview(MARCH).tables["experts_activity"].rows
    signed = {name: n for name, _, n, _, _ in rows}
    assert rows[0] == ["Anna Colombo", 1, signed["Anna Colombo"], 0, 0]
    assert ["Bruno Villa", 1, 0, 0, 0] in rows
    assert ["Carla Neri", 0, signed["Carla Neri"], 1, 1] in rows
    assert signed["Anna Colombo"] + signed["Carla Neri"] == BoardSignature.objects.filter(answer=board).count()


def test_an_erased_experts_activity_stays_counted_under_a_neutral_label():
    erased = ExpertFactory(full_name="Dario Fontana")
    answered = AssignmentFactory(expert=erased)
    Assignment.objects.filter(pk=answered.pk).update(status=Assignment.Status.ANSWERED, closed_at=at(3, 12))
    gdpr.erase_account(user=erased)

    rows = overview(MARCH).tables["experts_activity"].rows

    assert rows == [["A former expert", 0, 0, 1, 0]]


# Queries


def _fill(n: int) -> None:
    for i in range(n):
        question = ask(at(3, 3 + i % 20, 9), first_answered_at=at(3, 3 + i % 20, 15), confidential=bool(i % 2))
        AnswerFactory(question=question)
        DailyTraffic.objects.update_or_create(day=date(2025, 3, 1 + i % 28), defaults={"views": 10, "visitors": 3})
        DailyPageViews.objects.update_or_create(
            day=date(2025, 3, 1 + i % 28), kind=PageKind.GUIDELINE, defaults={"views": 4, "visitors": 2}
        )
        introduction = IntroductionFactory()
        IntroductionFactory._meta.model.objects.filter(pk=introduction.pk).update(created_at=at(3, 3))
        FacilitatedInvestigationFactory(first_stage=date(2025, 3, 2))


@pytest.mark.parametrize("rows", [1, 12])
def test_overview_runs_a_fixed_number_of_queries(rows, django_assert_max_num_queries):
    _fill(rows)
    # 13 of the metrics' own (both periods at once), and room for the surveys' response rates.
    with django_assert_max_num_queries(16):
        data = overview(MARCH)
    assert data.figures["questions_asked"].value == rows


# Surveys (read through portal.surveys.selectors.response_rates)


def test_survey_response_rates_table():
    from portal.surveys.models import Invitation, Response
    from tests.factories import UserFactory
    from tests.factories.surveys import SurveyFactory

    survey = SurveyFactory(
        title_en="Satisfaction 2025", opens_at=at(3, 1, 9), closes_at=at(3, 20, 18), published_at=at(3, 1, 9)
    )
    invitations = [
        Invitation.objects.create(survey=survey, user=UserFactory(), token_hash=f"{i:064d}") for i in range(4)
    ]
    Response.objects.create(survey=survey, anonymous=True, submitted_at=at(3, 5))
    Invitation.objects.filter(pk=invitations[0].pk).update(used_at=at(3, 5))
    SurveyFactory(opens_at=at(5, 1), closes_at=at(5, 20), published_at=at(5, 1))  # outside the period

    table = overview(MARCH).tables["survey_response_rates"]
    assert table.columns == ["survey", "audience", "invited", "responses", "rate_percent"]
    assert [row[0] for row in table.rows] == ["Satisfaction 2025"]
    assert table.rows[0][2:] == [4, 1, 25.0]
