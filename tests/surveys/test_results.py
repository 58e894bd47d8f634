"""Results counted by hand, the CSV export, and the selectors the metrics
dashboard and the six-month report call."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from portal.surveys import selectors, services
from portal.surveys.models import Audience, Invitation
from tests.factories import UserFactory
from tests.factories.surveys import SurveyFactory
from tests.surveys.conftest import build_questions

pytestmark = pytest.mark.django_db


def _answer(survey, user, **values):
    q = survey.q
    options = {o.text_en: o.pk for name in ("single", "multiple") for o in q[name].options.all()}
    answers = {}
    for name, value in values.items():
        if name == "single":
            value = options[value]
        elif name == "multiple":
            value = [options[item] for item in value]
        answers[str(q[name].pk)] = value
    return services.submit_response(
        survey=survey, respondent=services.respondent_for_user(survey=survey, user=user), answers=answers
    )


@pytest.fixture
def answered(survey):
    """Three responses, one more member invited who did not answer."""
    people = UserFactory.create_batch(4, role=Role.MEMBER)
    services.invite_audience(survey.pk)
    _answer(survey, people[0], likert=5, single="Yes", multiple=["Forum", "Clinics"], nps=10, number="2", text="Fast")
    _answer(survey, people[1], likert=4, single="Yes", multiple=["Forum"], nps=7, number="6", text="=cmd")
    _answer(survey, people[2], likert=2, single="No", multiple=[], nps=3)
    return survey, people


def test_results_counted_by_hand(answered):
    survey, _people = answered
    results = selectors.survey_results(survey)
    assert (results.responses, results.invited, round(results.rate, 2)) == (3, 4, 0.75)
    by_kind = {item.kind: item for item in results.questions}
    likert = by_kind["likert"]
    assert [(bar.label, bar.value) for bar in likert.chart.bars] == [
        ("1 – Strongly disagree", 0),
        ("2 – Disagree", 1),
        ("3 – Neither agree nor disagree", 0),
        ("4 – Agree", 1),
        ("5 – Strongly agree", 1),
    ]
    assert likert.answered == 3
    assert likert.summary == "Mean 3.7 out of 5"
    assert [(bar.label, bar.value) for bar in by_kind["single"].chart.bars] == [("Yes", 2), ("No", 1)]
    assert [(bar.label, bar.value) for bar in by_kind["multiple"].chart.bars] == [
        ("Forum", 2),
        ("Clinics", 1),
        ("Guidelines", 0),
    ]
    assert by_kind["multiple"].answered == 2
    nps = by_kind["nps"]
    # One promoter (10), one passive (7), one detractor (3): 33% - 33% = 0.
    assert nps.figures == {"promoters": 1, "passives": 1, "detractors": 1, "score": 0, "total": 3}
    assert nps.summary == "Recommendation score (NPS) +0: 1 promoters, 1 passives, 1 detractors."
    number = by_kind["number"]
    assert number.chart is None
    assert number.figures == {"mean": Decimal("4"), "median": Decimal("4"), "min": Decimal("2"), "max": Decimal("6")}
    text = by_kind["text"]
    assert (text.chart, sorted(text.texts), text.texts_total) == (None, ["=cmd", "Fast"], 2)
    assert len(selectors.survey_results(survey, texts_limit=1).questions[-1].texts) == 1


def test_results_page_shows_the_charts(staff_client, answered):
    survey, _people = answered
    page = staff_client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "Mean 3.7 out of 5" in page
    assert page.count('<svg class="chart-svg"') == 4
    assert "75%" in page


def test_the_anonymous_export_names_nobody(staff_client, answered):
    survey, people = answered
    response = staff_client.get(reverse("surveys:export", args=[survey.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0] == ["Response", "Submitted", "Satisfied?", "Started?", "Which?", "Recommend?", "Months?", "Ideas?"]
    # Anonymous responses of one day come in no particular order.
    assert sorted(row[2:] for row in rows[1:]) == [
        ["2", "No", "", "3", "", ""],
        ["4", "Yes", "Forum", "7", "6.00", "'=cmd"],
        ["5", "Yes", "Forum; Clinics", "10", "2.00", "Fast"],
    ]
    body = response.content.decode()
    assert not any(person.email in body or person.full_name in body for person in people)


def test_the_identified_export_names_the_respondents(staff_client, survey):
    survey.anonymous = False
    survey.save()
    person = UserFactory(role=Role.MEMBER, full_name="Anna Verdi", email="anna@example.org")
    _answer(survey, person, likert=3, single="No", nps=8)
    rows = list(csv.reader(io.StringIO(staff_client.get(reverse("surveys:export", args=[survey.pk])).content.decode())))
    assert rows[0][2:4] == ["Name", "Email"]
    assert rows[1][2:5] == ["Anna Verdi", "anna@example.org", "3"]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def test_response_rates_and_surveys_for_the_report(answered):
    survey, _people = answered
    survey.opens_at, survey.closes_at = _at(date(2026, 2, 1)), _at(date(2026, 3, 1))
    survey.save()
    public = SurveyFactory(audience=Audience.PUBLIC, opens_at=_at(date(2026, 2, 10)), closes_at=_at(date(2026, 2, 20)))
    SurveyFactory(opens_at=_at(date(2025, 1, 1)), closes_at=_at(date(2025, 2, 1)))  # outside
    SurveyFactory(published_at=None, opens_at=_at(date(2026, 2, 1)), closes_at=_at(date(2026, 3, 1)))  # draft
    rates = selectors.response_rates(start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert [(r.survey_id, r.invited, r.responded, r.rate) for r in rates] == [
        (survey.pk, 4, 3, 0.75),
        (public.pk, 0, 0, None),
    ]
    assert rates[0].audience_label == "All members"
    assert selectors.surveys_for_report(start=date(2026, 1, 1), end=date(2026, 6, 30)) == [survey]
    assert selectors.surveys_for_report(start=date(2026, 3, 2), end=date(2026, 6, 30)) == []


@pytest.mark.parametrize("count", [1, 15])
def test_selectors_run_a_fixed_number_of_queries(count, django_assert_max_num_queries):
    survey = SurveyFactory()
    survey.q = build_questions(survey)
    for user in UserFactory.create_batch(count, role=Role.MEMBER):
        _answer(survey, user, likert=4, single="Yes", multiple=["Forum"], nps=9, number="1", text="ok")
    with django_assert_max_num_queries(10):
        results = selectors.survey_results(survey)
    assert results.responses == count
    today = timezone.localdate()
    with django_assert_max_num_queries(1):
        rates = selectors.response_rates(start=today - timedelta(days=7), end=today)
    assert rates[0].responded == count
    assert Invitation.objects.count() == count
